"""The runtime facade: orders in, the pipeline run, people's tasks, operators' actions, the sandbox.

    runtime = Runtime(Database.open(url))                 # in-process executor, no publisher
    runtime.ingest("tmall", "evt-1", "order.paid", order)  # → {"order_id", "event_seq", "duplicate", "status"}
    runtime.timeline(order_id)                             # stages → instances → steps

Every change to an order happens in one transaction that holds the order's lock (``FOR UPDATE`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite): order, instance state, steps, reservations, tasks,
timers and outbox commit together; live events are published after the commit. See
``docs/runtime.md``.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from runtime.engine import EventError, events
from runtime.executors import Executor, InProcessExecutor
from runtime.service import ingest as _ingest
from runtime.service import orders as _orders
from runtime.service import queries as _queries
from runtime.service.errors import InputError, NotFound, Refused, ServiceError
from runtime.service.payloads import check_ids, check_kind
from runtime.service.pipeline import handle_event, settle
from runtime.service.publishing import MemoryPublisher, NullPublisher, Publisher
from runtime.service.release import VersionInfo, choose_version
from runtime.service.runs import run_instance
from runtime.service.tasks import check_decision, check_form, check_open
from runtime.service.views import LIVE, task_view
from runtime.service.work import Work, instance_id_of, lock_order
from runtime.store import stock
from runtime.store.events import receive_event
from runtime.store.models import InboundEvent, Instance, Order, Reservation, Task, Timer, Warehouse

__all__ = ["InputError", "MemoryPublisher", "NotFound", "NullPublisher", "Publisher", "Refused", "Runtime",
           "ServiceError", "choose_version"]

log = logging.getLogger(__name__)
T = TypeVar("T")
_TRANSIENT = (OperationalError, InterfaceError, StaleDataError)


class Runtime:
    """The one entry point of the runtime for the API, the executors, the demo and the tests."""

    def __init__(self, db: Any, *, timezone: str = "Asia/Shanghai", executor: Executor | None = None,
                 publisher: Publisher | None = None, clock: Callable[[], datetime] | None = None) -> None:
        self.db = db
        self.tz = ZoneInfo(timezone)
        self._clock = clock
        self.publisher: Publisher = publisher if publisher is not None else NullPublisher()
        self.executor: Executor = executor if executor is not None else InProcessExecutor(self)
        self._versions: dict[int, VersionInfo] = {}  # flow versions never change: cached per database

    # ---- plumbing ------------------------------------------------------------------------------------
    def now(self) -> datetime:
        """The runtime's clock (aware, in the business zone)."""
        value = self._clock() if self._clock is not None else datetime.now(self.tz)
        if value.tzinfo is None:
            raise ValueError("the runtime clock must return an aware datetime")
        return value.astimezone(self.tz)

    def _publish(self, batch: list[dict[str, Any]]) -> None:
        if not batch:
            return
        try:
            self.publisher.publish(batch)
        except Exception:  # live events are best effort; the database is the truth
            log.exception("publishing %d live events failed", len(batch))

    def _on_order(self, find: Callable[[Session], int], op: Callable[[Work], T], *,
                  now: datetime | None = None) -> T:
        """``op`` in one transaction on the locked order found by ``find``; the pipeline settles after it."""
        with self.db.transaction() as session:
            order_id = find(session)
            order = lock_order(session, order_id)
            if order is None:
                raise NotFound("order", order_id)
            work = Work(session, order, now or self.now(), self.tz, self._versions)
            answer = op(work)
            settle(work)
            value = answer() if callable(answer) else answer
        self._publish(work.events)
        return value

    # ---- orders in ----------------------------------------------------------------------------------
    def ingest(self, source: str, event_id: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Store an inbound event once per (source, event_id) — creating the order for order.created/paid —
        and hand the order to the executor. The same pair again gives the same order and event number
        with ``duplicate: true`` and starts nothing."""
        check_ids(source, event_id)
        check_kind(kind)
        if not isinstance(payload, dict):
            raise InputError("RUN_FIELD_TYPE", "payload", "payload 应为对象", "payload must be an object")
        for attempt in range(3):
            try:
                with self.db.transaction() as session:
                    answer, duplicate = _ingest.receive(session, source, event_id, kind, payload, self.tz,
                                                        self.now())
                break
            except IntegrityError:  # the same order or customer created concurrently: look again
                if attempt == 2:
                    raise
        order_id = answer["order_id"]
        if not duplicate:
            try:
                self.executor.submit([order_id])
            except _TRANSIENT:  # stored: process_pending (the sweeper) runs it later
                log.warning("order %s: processing deferred after a transient database error", order_id,
                            exc_info=True)
        with self.db.read() as session:
            status = session.execute(select(Order.status).where(Order.id == order_id)).scalar_one()
        return {"order_id": order_id, "event_seq": answer.get("event_seq"), "duplicate": duplicate,
                "status": status}

    def process_orders(self, order_ids: list[int]) -> list[dict[str, Any]]:
        """Run every unprocessed event of each order, in sequence order, one transaction per event."""
        results = []
        for order_id in dict.fromkeys(order_ids):
            processed = failed = 0
            while (outcome := self._with_retries(self._process_next, order_id)) is not None:
                if outcome == "failed":
                    failed += 1
                else:
                    processed += 1
            with self.db.read() as session:
                order = session.get(Order, order_id)
                results.append({"order_id": order_id, "processed": processed, "failed": failed,
                                "status": order.status if order else None, "stage": order.stage if order else None})
        return results

    @staticmethod
    def _with_retries(fn: Callable[[int], T], arg: int, attempts: int = 3) -> T:
        """``fn(arg)`` again after a transient database error (a deadlock, a lock timeout, a stale row);
        the last error is raised (the event stays unprocessed for ``process_pending``)."""
        for attempt in range(attempts):
            try:
                return fn(arg)
            except _TRANSIENT:
                if attempt == attempts - 1:
                    raise
                log.warning("transient database error, retrying", exc_info=True)
                time.sleep(0.05 * (attempt + 1))
        raise AssertionError("unreachable")

    def _process_next(self, order_id: int) -> str | None:
        with self.db.transaction() as session:
            order = lock_order(session, order_id)
            if order is None:
                return None
            event = session.execute(
                select(InboundEvent).where(InboundEvent.order_id == order_id, InboundEvent.status == "received")
                .order_by(InboundEvent.seq).limit(1)).scalar_one_or_none()
            if event is None:
                return None
            now = self.now()
            work = Work(session, order, now, self.tz, self._versions)
            outcome = "processed"
            try:
                with session.begin_nested():
                    note = handle_event(work, event)
                response = {**(event.response or {}), "result": note}
            except _TRANSIENT:
                raise
            except Exception as exc:  # recorded on the event; the order's later events still run
                log.exception("order %s: event %s (%s) failed", order_id, event.seq, event.kind)
                work.events.clear()
                outcome = "failed"
                error = exc.to_dict() if isinstance(exc, ServiceError) else {
                    "code": type(exc).__name__, "message_en": str(exc), "message_zh": str(exc)}
                response = {**(event.response or {}), "result": "failed", "error": error}
            event.status = outcome
            event.response = response
            event.processed_at = now
        self._publish(work.events)
        return outcome

    def process_pending(self, limit: int = 200) -> int:
        """Process the orders that have unprocessed events (crash recovery, the sweeper); returns the
        number of events handled."""
        with self.db.read() as session:
            ids = list(session.execute(
                select(InboundEvent.order_id).where(InboundEvent.status == "received",
                                                    InboundEvent.order_id.is_not(None))
                .group_by(InboundEvent.order_id).order_by(InboundEvent.order_id).limit(limit)).scalars())
        return sum(r["processed"] + r["failed"] for r in self.process_orders(ids))

    def fire_due_timers(self, now: datetime | None = None, limit: int = 100) -> int:
        """Fire up to ``limit`` timers due at ``now``, each in its own transaction with its order locked:
        the order is locked first, then the timer claimed with ``UPDATE … WHERE fired_at IS NULL``, so a
        timer fires once however many pollers run."""
        at = (now or self.now()).astimezone(self.tz)
        fired = 0
        skipped: set[int] = set()
        while fired < limit:
            with self.db.transaction() as session:
                query = (select(Timer.id, Timer.instance_id, Timer.key)
                         .where(Timer.fired_at.is_(None), Timer.due_at <= at))
                if skipped:
                    query = query.where(Timer.id.not_in(skipped))
                row = session.execute(query.order_by(Timer.due_at, Timer.id).limit(1)).first()
                if row is None:
                    return fired
                timer_id, instance_id, key = row
                inst = session.get(Instance, instance_id)
                order = lock_order(session, inst.order_id) if inst is not None else None
                claimed = session.execute(
                    update(Timer).where(Timer.id == timer_id, Timer.fired_at.is_(None)).values(fired_at=at)
                    .returning(Timer.id), execution_options={"synchronize_session": False}).first()
                if claimed is None or order is None:
                    skipped.add(timer_id)
                    continue
                session.refresh(inst)
                work = Work(session, order, at, self.tz, self._versions)
                try:
                    with session.begin_nested():
                        run_instance(work, inst, events.timer_fired(key))
                        settle(work)
                except _TRANSIENT:
                    raise
                except Exception:  # the timer stays fired (claimed); the instance is left as it was
                    log.exception("timer %s of instance %s failed", key, instance_id)
                    work.events.clear()
            self._publish(work.events)
            fired += 1
        return fired

    def service_responded(self, call_key: str, ok: bool, status: int | None, body: Any,
                          error: dict[str, Any] | None) -> None:
        """The answer to a ``call_service`` effect (its key is the call id) → ``service.responded``. A
        repeated or late answer nobody waits for is ignored."""
        instance_id = instance_id_of(call_key)

        def find(session: Session) -> int:
            inst = session.get(Instance, instance_id) if instance_id is not None else None
            if inst is None:
                raise NotFound("call", call_key)
            return inst.order_id

        def op(work: Work) -> None:
            inst = work.session.get(Instance, instance_id)
            run_instance(work, inst, events.service_responded(call_key, bool(ok), body, status, error))

        self._on_order(find, op)

    # ---- people -------------------------------------------------------------------------------------
    def list_tasks(self, *, group: str | None = None, status: str | None = None,
                   order_id: int | None = None) -> list[dict[str, Any]]:
        """Tasks, oldest first; ``status`` ``open`` / ``claimed`` / ``decided`` / ``cancelled`` or ``active``
        (open or claimed)."""
        with self.db.read() as session:
            query = select(Task)
            if group is not None:
                query = query.where(Task.assignee_group == group)
            if status == "active":
                query = query.where(Task.status.in_(("open", "claimed")))
            elif status is not None:
                query = query.where(Task.status == status)
            if order_id is not None:
                query = query.where(Task.order_id == order_id)
            versions = _queries.Versions(session)
            out = []
            for task in session.execute(query.order_by(Task.id)).scalars():
                inst = session.get(Instance, task.instance_id)
                out.append(task_view(task, versions(inst.flow_version_id), session.get(Order, task.order_id),
                                     self.tz))
            return out

    def _task_op(self, task_id: int, op: Callable[[Work, Task], None]) -> dict[str, Any]:
        def find(session: Session) -> int:
            task = session.get(Task, task_id)
            if task is None:
                raise NotFound("task", task_id)
            return task.order_id

        def run_op(work: Work) -> Callable[[], dict[str, Any]]:
            task = work.session.get(Task, task_id, populate_existing=True)
            op(work, task)
            return lambda: task_view(task, work.version(work.session.get(Instance, task.instance_id).flow_version_id),
                                     work.order, self.tz)

        return self._on_order(find, run_op)

    def claim_task(self, task_id: int, user: str) -> dict[str, Any]:
        """``user`` takes the task (claiming one's own claim again is harmless)."""
        def op(work: Work, task: Task) -> None:
            check_open(task)
            if task.status == "claimed" and task.assignee not in (None, user):
                raise Refused("RUN_TASK_CLAIMED", f"任务 {task.id} 已被 {task.assignee} 认领",
                              f"task {task.id} is claimed by {task.assignee}", id=task.id, user=task.assignee)
            if task.assignee != user:
                task.status, task.assignee, task.claimed_at = "claimed", user, work.clock
                work.publish_task(task, "task.updated")
        return self._task_op(task_id, op)

    def reassign_task(self, task_id: int, *, group: str | None, user: str | None, actor: str) -> dict[str, Any]:
        """Give the task to another group and/or user (a user claims it for them)."""
        if not group and not user:
            raise InputError("RUN_FIELD_REQUIRED", "group", "请指定新的处理组或处理人", "give a group or a user")

        def op(work: Work, task: Task) -> None:
            check_open(task)
            if group:
                task.assignee_group = group
            task.assignee = user or None
            task.status = "claimed" if user else "open"
            task.claimed_at = work.clock if user else None
            history = list((task.form or {}).get("reassigned", []))
            history.append({"by": actor, "at": work.clock.isoformat(), "group": group, "user": user})
            task.form = {**(task.form or {}), "reassigned": history}
            work.publish_task(task, "task.updated")
        return self._task_op(task_id, op)

    def decide_task(self, task_id: int, decision: str, form: dict[str, Any], actor: str) -> dict[str, Any]:
        """Decide an approval: ``approved`` or ``rejected``, the form checked against the approval's fields;
        the waiting instance goes on in the same transaction."""
        check_decision(decision)

        def op(work: Work, task: Task) -> None:
            check_open(task)
            values = check_form((task.form or {}).get("fields", []), form)
            task.status, task.decided_by, task.decided_at = "decided", actor, work.clock
            task.decision = {"decision": decision, "form": values}
            if task.assignee is None:
                task.assignee = actor
            inst = work.session.get(Instance, task.instance_id)
            try:
                run_instance(work, inst, events.task_decided(task.form["key"], decision, actor, values), strict=True)
            except EventError as exc:
                raise InputError("RUN_FORM_INVALID", "form", f"审批表单无效：{exc}", f"the form is invalid: {exc}") \
                    from exc
            work.publish_task(task, "task.updated")
        return self._task_op(task_id, op)

    # ---- orders and instances -----------------------------------------------------------------------
    def get_order(self, order_id: int) -> dict[str, Any]:
        with self.db.read() as session:
            return _queries.get_order(session, order_id, self.tz)

    def search_orders(self, *, q: str | None = None, channel: str | None = None, status: str | None = None,
                      limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Newest first; ``q`` matches the channel order number (exact or prefix), the phone (exact or
        ending) or the order id."""
        with self.db.read() as session:
            return _queries.search_orders(session, self.tz, q=q, channel=channel, status=status, limit=limit,
                                          offset=offset)

    def timeline(self, order_id: int) -> dict[str, Any]:
        with self.db.read() as session:
            return _queries.timeline(session, order_id, self.tz)

    def get_instance(self, instance_id: int) -> dict[str, Any]:
        with self.db.read() as session:
            inst = session.get(Instance, instance_id)
            if inst is None:
                raise NotFound("instance", instance_id)
            return _queries.instance_dict(session, inst, self.tz)

    def _instance_op(self, instance_id: int, op: Callable[[Work, Instance], None]) -> dict[str, Any]:
        def find(session: Session) -> int:
            inst = session.get(Instance, instance_id)
            if inst is None:
                raise NotFound("instance", instance_id)
            return inst.order_id

        def run_op(work: Work) -> Callable[[], dict[str, Any]]:
            inst = work.session.get(Instance, instance_id, populate_existing=True)
            op(work, inst)
            return lambda: _queries.instance_dict(work.session, inst, self.tz)

        return self._on_order(find, run_op)

    def cancel_instance(self, instance_id: int, reason: str, actor: str) -> dict[str, Any]:
        """End a waiting (or incident) instance: its tasks, timers and sub-flows are cancelled; the stage
        then goes on as if the flow had ended."""
        def op(work: Work, inst: Instance) -> None:
            _instance_state(inst, LIVE, "cancelled", "取消")
            run_instance(work, inst, events.cancel(reason, actor), strict=True)
        return self._instance_op(instance_id, op)

    def retry_instance(self, instance_id: int, actor: str) -> dict[str, Any]:
        """Run the failed node of an instance in incident again, on a fresh snapshot."""
        def op(work: Work, inst: Instance) -> None:
            _instance_state(inst, ("incident",), "retried", "重试")
            run_instance(work, inst, events.retry(actor), strict=True)
        return self._instance_op(instance_id, op)

    def release_hold(self, order_id: int, reason: str, actor: str) -> dict[str, Any]:
        """Release a held order (back to the status it was held from) and let the pipeline go on."""
        def op(work: Work) -> None:
            if work.order.status != "held":
                raise Refused("RUN_ORDER_STATE", f"订单 {order_id} 当前为 {work.order.status}，不能解冻",
                              f"order {order_id} is {work.order.status}; it cannot be released",
                              id=order_id, status=work.order.status, action="released")
            _orders.release(work, reason, actor)
        self._on_order(lambda _s: order_id, op)
        return self.get_order(order_id)

    def close_warehouse(self, warehouse: str, reason: str, actor: str) -> list[int]:
        """Close a warehouse: it gets no new orders; every order with active reservations there has them
        released and gets an ``order.reroute`` event (processed by the executor). Returns those orders."""
        now = self.now()
        with self.db.transaction() as session:
            row = session.get(Warehouse, warehouse)
            if row is None:
                raise NotFound("warehouse", warehouse)
            row.status, row.closed_reason, row.updated_at = "closed", reason, now
            order_ids = sorted(set(session.execute(select(Reservation.order_id).where(
                Reservation.warehouse_code == warehouse, Reservation.status == "active")).scalars()))
            for order_id in order_ids:
                lock_order(session, order_id)
                stock.release(session, order_id, reason=f"warehouse {warehouse} closed: {reason}", now=now)
                receive_event(session, source="orderloom", event_id=f"reroute/{warehouse}/{uuid.uuid4().hex}",
                              kind="order.reroute", order_id=order_id, now=now,
                              payload={"order_id": order_id, "warehouse": warehouse, "actor": actor,
                                       "reason": f"仓库 {warehouse} 关闭：{reason}"})
        if order_ids:
            self.executor.submit(order_ids)
        return order_ids

    def open_warehouse(self, warehouse: str, actor: str) -> None:
        with self.db.transaction() as session:
            row = session.get(Warehouse, warehouse)
            if row is None:
                raise NotFound("warehouse", warehouse)
            row.status, row.closed_reason, row.updated_at = "open", None, self.now()

    # ---- sandbox ------------------------------------------------------------------------------------
    def dry_run(self, document: dict[str, Any], order: dict[str, Any], *, snapshot: dict[str, Any] | None = None,
                clock: datetime | None = None, human: str = "approve",
                services: dict[str, Any] | None = None) -> dict[str, Any]:
        """Run ``document`` for ``order`` in a sandbox: nothing is written or delivered (see
        :mod:`runtime.service.dryrun`)."""
        from runtime.service.dryrun import dry_run

        return dry_run(self, document, order, snapshot=snapshot, clock=clock, human=human, services=services)


def _instance_state(inst: Instance, allowed: tuple[str, ...], action: str, action_zh: str) -> None:
    if inst.status not in allowed:
        raise Refused("RUN_INSTANCE_STATE", f"流程实例 {inst.id} 当前为 {inst.status}，不能{action_zh}",
                      f"instance {inst.id} is {inst.status}; it cannot be {action}",
                      id=inst.id, status=inst.status, action=action)
