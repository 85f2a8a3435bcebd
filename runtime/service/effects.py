"""How a run's effects are applied, inside the order's transaction (see ``docs/runtime.md``).

1. ``stock.reserve`` first, all of a run's reservations in one savepoint, each a conditional update
   (:func:`runtime.store.stock.reserve`); a shortfall → :func:`apply_reservations` returns ``False``,
   nothing is kept, and the caller re-runs the engine on a fresh snapshot.
2. then the others in the order the run emitted them: ``order.*`` through the state machine,
   ``task.*`` → the tasks table, ``timer.*`` → the durable timer table, ``subflow.*`` → child instances
   (queued), ``notify`` / ``call_service`` / ``return.*`` → the outbox under the effect's key.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select

from runtime.engine import Effect, Result, events
from runtime.service import orders
from runtime.service.release import VersionInfo
from runtime.service.views import LIVE
from runtime.service.work import Work, engine_id
from runtime.store import stock
from runtime.store.models import Flow, FlowVersion, Instance, OrderLine, Surcharge, Task, Timer
from runtime.store.outbox import enqueue_effect
from runtime.store.timers import schedule_timer
from runtime.store.types import as_utc, utcnow
from runtime.store.versions import active_version

OUTBOX_KINDS = ("notify", "call_service", "return.disposition", "return.pickup")
#: effects that write rows referring to the instance (tasks, timers, outbox, child instances)
REFERRING_KINDS = frozenset((*OUTBOX_KINDS, "task.create", "timer.schedule", "subflow.start"))


def apply_reservations(work: Work, inst: Instance, result: Result) -> bool:
    """Apply every ``stock.reserve`` of ``result`` or none; ``False`` on a conflict (stale snapshot)."""
    wanted = [e for e in result.effects if e.kind == "stock.reserve"]
    if not wanted:
        return True
    order = work.order
    asked = [(effect.data["warehouse"], [stock.StockLine(x["sku"], int(x["qty"])) for x in effect.data["lines"]
                                         if int(x["qty"]) > 0]) for effect in wanted]
    asked = [(warehouse, lines) for warehouse, lines in asked if lines]
    if asked and not work.batch.reserve(order.id, asked, work.clock):
        return False
    routed = list(order.routed_warehouses or [])
    for effect in wanted:
        warehouse = effect.data["warehouse"]
        if warehouse not in routed:
            routed.append(warehouse)
        skus = {x["sku"] for x in effect.data["lines"]}
        for line in order.lines:
            if line.sku in skus:
                line.warehouse_code = warehouse
    order.routed_warehouses = routed
    if order.status in ("approved", "backordered"):
        work.transition("routed", f"已分仓：{'、'.join(routed)}", _actor(work, inst))
    return True


def _actor(work: Work, inst: Instance) -> str:
    return f"flow:{work.version(inst.flow_version_id).flow_key}"


def apply_effects(work: Work, inst: Instance, info: VersionInfo, result: Result) -> None:
    """Apply every effect but ``stock.reserve`` (already applied), in order."""
    if any(e.kind.startswith(("order.", "stock.", "return.")) for e in result.effects):
        work.changes += 1
    for effect in result.effects:
        if effect.kind == "stock.reserve":
            continue
        if effect.kind in REFERRING_KINDS and (work.batch.careful or effect.kind not in OUTBOX_KINDS):
            work.persist(inst)  # rows about to be written by the ORM refer to the instance
        if effect.kind in OUTBOX_KINDS:
            _outbox(work, inst, info, effect)
            if effect.kind == "return.disposition":
                _return_disposition(work, inst, effect)
            continue
        handler = _HANDLERS.get(effect.kind)
        if handler is None:
            raise ValueError(f"no adapter for effect kind {effect.kind!r}")
        handler(work, inst, info, effect)


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


# ---- order.* -------------------------------------------------------------------------------------------

def _tag(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    tags = list(work.order.tags or [])
    if e.data["tag"] not in tags:
        work.order.tags = [*tags, e.data["tag"]]


def _untag(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    work.order.tags = [t for t in work.order.tags or [] if t != e.data["tag"]]


def _hold(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    orders.hold(work, e.data.get("reason") or "", f"flow:{info.flow_key}")


def _release(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    orders.release(work, e.data.get("reason") or "", f"flow:{info.flow_key}")


def _cancel(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    orders.cancel_order(work, e.data.get("reason") or "", f"flow:{info.flow_key}", but=inst.id)


def _add_line(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    line = e.data["line"]
    number = max((x.line_no for x in work.order.lines), default=0) + 1
    work.order.lines.append(OrderLine(
        line_no=number, sku=line["sku"], name=line.get("name") or "", qty=int(line["qty"]),
        price=Decimal(str(line.get("price") or 0)), gift=bool(line.get("gift")),
        ship_with_main=bool(line.get("ship_with_main")), weight_kg=Decimal("0")))


def _add_surcharge(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    s = e.data["surcharge"]
    work.order.surcharges.append(Surcharge(code=s["code"], label=s.get("label") or "",
                                           amount=Decimal(str(s["amount"])), source=f"{info.flow_key}/{e.node}",
                                           created_at=work.clock))


def _backorder(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    reason = e.data.get("reason") or {}
    text = reason.get("zh") or reason.get("en") or reason.get("code") or "backordered"
    if work.order.status != "backordered":
        work.transition("backordered", text, f"flow:{info.flow_key}")


def _split(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    owner = {line["sku"]: s["warehouse"] for s in e.data["shipments"] for line in s["lines"]}
    for line in work.order.lines:
        if line.sku in owner:
            line.warehouse_code = owner[line.sku]
    work.order.routed_warehouses = list(dict.fromkeys(s["warehouse"] for s in e.data["shipments"]))


# ---- task.* --------------------------------------------------------------------------------------------

def find_task(work: Work, inst: Instance, key: str) -> Task | None:
    work.flush_pending(Task)
    for task in work.session.execute(select(Task).where(Task.instance_id == inst.id)).scalars():
        if (task.form or {}).get("key") == key:
            return task
    return None


def _task_create(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    d = e.data
    task = Task(id=work.batch.next_id(Task), instance_id=inst.id, order_id=work.order.id, node_id=e.node,
                assignee_group=d["group"], status="open",
                form={"key": d["task"], "title": d.get("title") or "", "fields": d.get("form") or [],
                      "on_breach": d.get("on_breach")},
                sla_due_at=_time(d.get("sla_due")), created_at=work.clock)
    work.session.add(task)  # inserted at the next flush (find_task and tidying flush it first)
    work.referred.add(inst.id)
    work.publish_task(task, "task.created")


def _task_reassign(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    task = find_task(work, inst, e.data["task"])
    if task is None or task.status not in ("open", "claimed"):
        return
    task.assignee_group = e.data["group"]
    task.assignee = None
    task.status = "open"
    task.claimed_at = None
    if e.data.get("reason") == "sla_breached":
        task.escalated_to = e.data["group"]
        task.escalated_at = work.clock
    work.publish_task(task, "task.updated")


def _task_remind(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    task = find_task(work, inst, e.data["task"])
    if task is None or task.status not in ("open", "claimed"):
        return
    task.form = {**(task.form or {}), "reminded_at": work.clock.isoformat()}
    work.publish_task(task, "task.updated")


def _task_cancel(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    task = find_task(work, inst, e.data["task"])
    if task is None or task.status not in ("open", "claimed"):
        return
    task.status = "cancelled"
    work.publish_task(task, "task.updated")


# ---- timer.* and subflow.* -----------------------------------------------------------------------------

def _timer_schedule(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    key, due = e.data["timer"], datetime.fromisoformat(e.data["due_at"])
    made = work.timers.get((inst.id, key))
    if made is not None:  # made in this unit of work: moved
        made.due_at = as_utc(due)
    elif inst.id in work.created:  # started in this unit of work: it has no timer anywhere yet
        work.timers[(inst.id, key)] = timer = Timer(instance_id=inst.id, key=key, due_at=as_utc(due))
        work.session.add(timer)
    else:
        work.flush_pending(Timer)
        schedule_timer(work.session, inst.id, key, due)
    work.referred.add(inst.id)


def _timer_cancel(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    work.timers.pop((inst.id, e.data["timer"]), None)
    work.flush_pending(Timer)
    work.session.execute(delete(Timer).where(Timer.instance_id == inst.id, Timer.key == e.data["timer"],
                                             Timer.fired_at.is_(None)),
                         execution_options={"synchronize_session": False})


def _subflow_start(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    d = e.data
    version_id = None
    if d.get("binding") == "pinned" and d.get("version") is not None:
        version_id = work.session.execute(_pinned(d["flow"], d["version"])).scalar_one_or_none()
    else:
        record = active_version(work.session, d["flow"])
        version_id = record.id if record is not None else None
    if version_id is None:
        # the sub-flow cannot start: the caller leaves by an unknown outcome → incident, which says why
        work.queue.append((inst.id, events.subflow_ended(d["call"], "subflow_not_published")))
        return
    child = work.create_instance(version_id, inst.stage, parent=inst, parent_node=e.node)
    work.queue.append((child.id, events.start(engine_id(child.id))))


def _pinned(flow_key: str, number: Any) -> Any:
    return (select(FlowVersion.id).join(Flow, Flow.id == FlowVersion.flow_id)
            .where(Flow.key == flow_key, FlowVersion.number == int(number)))


def _subflow_cancel(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    children = [child for child in work.order_instances() if child.parent_instance_id == inst.id
                and child.parent_node_id == e.node and child.status in LIVE]
    for child in children:
        work.queue.append((child.id, events.cancel("parent cancelled", None)))


# ---- outbox and returns --------------------------------------------------------------------------------

def connection_of(effect: Effect) -> str | None:
    """The named connection an outbox effect goes through: call_service's ``connection``; notify's
    ``channel`` (e.g. ``sms``); ``returns`` for return.*."""
    if effect.kind == "call_service":
        return effect.data.get("connection")
    if effect.kind == "notify":
        return effect.data.get("channel")
    return "returns"


def _outbox(work: Work, inst: Instance, info: VersionInfo, e: Effect) -> None:
    order = work.order
    payload = {**e.to_dict(), "order_id": order.id, "channel": order.channel_code,
               "channel_order_no": order.channel_order_no, "instance_id": inst.id, "flow": info.flow_key,
               "version": info.number}
    if work.batch.careful:  # the same key again (a retried node) is the same effect
        enqueue_effect(work.session, kind=e.kind, idempotency_key=e.key, payload=payload,
                       connection_name=connection_of(e), instance_id=inst.id, order_id=order.id)
        return
    when = utcnow()  # optimistic batch: a bulk row; a key already there fails the batch, run again carefully
    work.rows.outbox.append({"kind": e.kind, "idempotency_key": e.key, "connection_name": connection_of(e),
                             "payload": payload, "status": "pending", "attempts": 0, "next_attempt_at": when,
                             "last_error": None, "instance_id": inst.id, "order_id": order.id, "created_at": when,
                             "delivered_at": None})


def _return_disposition(work: Work, inst: Instance, e: Effect) -> None:
    request = work.return_request()
    if request is not None:
        request.disposition = e.data.get("resolution")
        request.decided_at = work.clock
        request.status = "rejected" if e.data.get("resolution") == "reject" else "approved"
    if work.order.status == "return_requested":
        actor = _actor(work, inst)
        if e.data.get("resolution") == "reject":
            back = next((c.from_status for c in reversed(work.order.status_changes)
                         if c.to_status == "return_requested"), "delivered")
            work.transition(back if back in ("delivered", "shipped") else "delivered",
                            e.data.get("reason") or "退货被拒绝", actor)
        else:
            work.transition("returned", e.data.get("reason") or f"退货处理：{e.data.get('resolution')}", actor)


_HANDLERS = {
    "order.tag": _tag, "order.untag": _untag, "order.hold": _hold, "order.release": _release,
    "order.cancel": _cancel, "order.add_line": _add_line, "order.add_surcharge": _add_surcharge,
    "order.backorder": _backorder, "order.split": _split,
    "task.create": _task_create, "task.reassign": _task_reassign, "task.remind": _task_remind,
    "task.cancel": _task_cancel, "timer.schedule": _timer_schedule, "timer.cancel": _timer_cancel,
    "subflow.start": _subflow_start, "subflow.cancel": _subflow_cancel,
}
