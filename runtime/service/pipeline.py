"""The order pipeline: stages intake → approval → routing (and return), their flows in priority order,
and the inbound events that move an order.

An order's ``stage`` column holds the running stage's key: ``intake``, ``approval``, ``routing``,
``return`` — with ``/<n>`` for a stage's n-th round (a reroute runs ``routing/2``) — or ``done``.
Within a stage the flows run one after another in priority order: the version is chosen first
(:func:`~runtime.service.release.choose_version`), then the instance starts (its trigger may
record ``not_applicable``); a live instance (waiting or in incident) pauses the stage; a held or
cancelled order pauses or stops it. When every flow of the stage has ended the stage's hand-over
happens (approval → status ``approved``; routing → ``routed`` / ``backordered``) and the next stage
begins.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from runtime.engine import events
from runtime.service import orders
from runtime.service.errors import Refused
from runtime.service.payloads import parse_return, parse_time
from runtime.service.runs import drain, start_instance
from runtime.service.views import LIVE, stage_key, stage_parts
from runtime.service.work import Work
from runtime.store.models import InboundEvent, Payment, ReturnRequest
from runtime.store.order_states import allowed

NEXT_STAGE = {"intake": "approval", "approval": "routing", "routing": None, "return": None, "subflow": None}
DONE = "done"


def begin_stage(work: Work, base: str) -> None:
    """Start a new round of stage ``base`` (its flows start when the pipeline settles)."""
    rounds = [stage_parts(key)[1] for key in {inst.stage for inst in work.order_instances()}
              if stage_parts(key)[0] == base]
    work.set_stage(stage_key(base, max(rounds, default=0) + 1))


def settle(work: Work) -> None:
    """Run the queued instance events, then move the pipeline on, until nothing more can happen now."""
    while True:
        drain(work)
        if not _advance(work):
            return


def _advance(work: Work) -> bool:
    """Start the stage's next flow or hand over to the next stage; ``False`` when the order must wait."""
    order = work.order
    key = order.stage
    if not key or key == DONE or order.status in ("cancelled", "held"):
        return False
    base, _ = stage_parts(key)
    instances = work.instances(stage=key, top_level=True)
    if any(inst.status in LIVE for inst in instances):
        return False
    started = {work.version(inst.flow_version_id).flow_id for inst in instances}
    for record in work.stage_flows(base):
        if record.flow_id in started:
            continue
        version_id = work.choose_version(record.flow_id, record.id)
        if version_id is None:
            continue
        start_instance(work, version_id, key)
        return True
    _finish_stage(work, base)
    return True


def _finish_stage(work: Work, base: str) -> None:
    order = work.order
    if base == "approval" and order.status == "paid":
        work.transition("approved", "审批阶段完成 / approval stage passed", "pipeline")
    if base == "routing" and order.status == "approved":
        if order.routed_warehouses:
            work.transition("routed", f"已分仓：{'、'.join(order.routed_warehouses)}", "pipeline")
        else:
            work.transition("backordered", "没有流程选出发货仓库 / no routing flow chose a warehouse", "pipeline")
    following = NEXT_STAGE.get(base)
    if following:
        begin_stage(work, following)
    else:
        work.set_stage(DONE)


# ---- inbound events ------------------------------------------------------------------------------------

def handle_event(work: Work, event: InboundEvent) -> str:
    """Apply one inbound event to its (locked) order; returns what happened (``applied`` / ``ignored: …``)."""
    kind, payload, actor = event.kind, event.payload or {}, event.source
    order = work.order
    if kind == "order.created":
        return "applied"
    if kind == "order.paid":
        if order.status != "created":
            return f"ignored: the order is already {order.status}"
        paid = parse_time(payload.get("paid_at"), "payload.paid_at", work.tz) or event.received_at
        order.paid_at = paid
        method = ((payload.get("payment") or {}).get("method")) or ""
        amount = (payload.get("payment") or {}).get("amount")
        order.payments.append(Payment(kind="payment", method=method, amount=Decimal(str(amount)) if amount is not None
                                      else order.total, currency=order.currency, paid_at=paid))
        work.changes += 1
        work.transition("paid", "已支付 / paid", actor)
        begin_stage(work, "intake")
    elif kind == "order.cancelled":
        if order.status == "cancelled":
            return "ignored: already cancelled"
        _check(work, "cancelled", "cancel", "取消")
        orders.cancel_order(work, payload.get("reason") or "渠道取消 / cancelled by the channel", actor)
    elif kind == "order.shipped":
        _check(work, "shipped", "shipped", "发货")
        work.batch.release(order.id, "shipped", work.clock, fulfil=True)
        work.transition("shipped", payload.get("reason") or "已发货 / shipped", actor)
    elif kind == "order.delivered":
        _check(work, "delivered", "delivered", "签收")
        work.transition("delivered", payload.get("reason") or "已签收 / delivered", actor)
    elif kind == "return.requested":
        _check(work, "return_requested", "returned", "退货")
        _return_requested(work, event, payload, actor)
    elif kind == "order.reroute":
        return reroute(work, payload.get("reason") or "重新分仓 / reroute", actor)
    elif kind.startswith("custom."):
        name = kind[len("custom."):]
        data = payload.get("data") if isinstance(payload.get("data"), dict) else {
            k: v for k, v in payload.items() if k not in ("order_id", "channel", "channel_order_no")}
        for inst in work.instances(live=True):
            work.queue.append((inst.id, events.event_received(name, data)))
    settle(work)
    return "applied"


def _check(work: Work, to: str, action: str, action_zh: str) -> None:
    if not allowed(work.order.status, to):
        raise Refused("RUN_ORDER_STATE", f"订单 {work.order.id} 当前为 {work.order.status}，不能{action_zh}",
                      f"order {work.order.id} is {work.order.status}; it cannot be {action}",
                      id=work.order.id, status=work.order.status, action=action)


def _return_requested(work: Work, event: InboundEvent, payload: dict[str, Any], actor: str) -> None:
    data = parse_return(payload, work.tz)
    order = work.order
    delivered = data["delivered_at"] or next(
        (c.at for c in reversed(order.status_changes) if c.to_status == "delivered"), None)
    work.session.add(ReturnRequest(
        order_id=order.id, status="requested", reason_text=data["reason_text"], has_receipt=data["has_receipt"],
        delivered_at=delivered, requested_at=data["requested_at"] or event.received_at,
        amount=data["amount"] if data["amount"] is not None else order.total, items=data["items"]))
    work.session.flush()
    work.transition("return_requested", data["reason_text"] or "退货申请 / return requested", actor)
    begin_stage(work, "return")


def reroute(work: Work, reason: str, actor: str | None) -> str:
    """Route the order again: reservations released, live routing instances cancelled, status back to
    ``approved``, a new round of the routing stage. Only for an order routed, backordered or routing."""
    order = work.order
    base, _ = stage_parts(order.stage)
    if not (order.status in ("routed", "backordered") or (order.status == "approved" and base == "routing")):
        return f"ignored: an order {order.status} is not rerouted"
    work.batch.release(order.id, f"reroute: {reason}", work.clock)
    for inst in work.instances(live=True):
        if stage_parts(inst.stage)[0] == "routing":
            work.queue.append((inst.id, events.cancel(reason, actor)))
    drain(work)
    order.routed_warehouses = []
    for line in order.lines:
        line.warehouse_code = None
    work.changes += 1
    if order.status != "approved":
        work.transition("approved", f"重新分仓：{reason}", actor)
    begin_stage(work, "routing")
    settle(work)
    return "applied"
