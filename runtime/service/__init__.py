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
import threading
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
from runtime.release.guard import after_batch
from runtime.service import ingest as _ingest
from runtime.service import orders as _orders
from runtime.service import queries as _queries
from runtime.service.batch import Batch
from runtime.service.errors import InputError, NotFound, Refused, ServiceError
from runtime.service.payloads import check_ids, check_kind
from runtime.service.pipeline import handle_event, settle
from runtime.service.publishing import MemoryPublisher, NullPublisher, Publisher
from runtime.service.release import VersionCache, choose_version
from runtime.service.runs import run_instance
from runtime.service.tasks import check_decision, check_form, check_open
from runtime.service.views import LIVE, task_view
from runtime.service.work import Work, instance_id_of, lock_order, lock_orders
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
        self._versions = VersionCache()  # flow versions and each stage's active ones, per process
        self._channels: set[str] = set()  # channel codes known to exist
        self._ingests = GroupCommit(self._ingest_group)
        self.batch_size = 32  # orders per transaction in process_orders
        # … or fewer, once a transaction has used this much CPU (its thread's: the write lock is held meanwhile).
        # CPU, not wall time: on a busy machine a wall-clock budget cut batches after a few orders, and the
        # orders a cut batch had locked and loaded were loaded again by the next one — more CPU per order,
        # slower batches, more cuts (measured: 17 ms of CPU per order instead of ~5 at load average 12)
        self.batch_seconds = 0.1

    # ---- plumbing ------------------------------------------------------------------------------------
    def now(self) -> datetime:
        """The runtime's clock (aware, in the business zone)."""
        value = self._clock() if self._clock is not None else datetime.now(self.tz)
        if value.tzinfo is None:
            raise ValueError("the runtime clock must return an aware datetime")
        return value.astimezone(self.tz)

    def _live(self) -> bool:
        """Whether anyone listens to live events: not a :class:`NullPublisher`, nor a publisher whose
        ``listening`` is false (a local Socket.IO server with no client connected)."""
        return getattr(self.publisher, "listening", True) and not isinstance(self.publisher, NullPublisher)

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
            batch = Batch(session, self._versions, live=self._live())
            work = Work(batch, order, now or self.now(), self.tz)
            answer = op(work)
            settle(work)
            batch.keep(work.rows)
            batch.write()
            value = answer() if callable(answer) else answer
        self._publish(work.events)
        return value

    # ---- orders in ----------------------------------------------------------------------------------
    def ingest(self, source: str, event_id: str, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Store an inbound event once per (source, event_id) — creating the order for order.created/paid —
        and hand the order to the executor. The same pair again gives the same order and event number
        with ``duplicate: true`` and starts nothing.

        Concurrent calls commit together (:class:`GroupCommit`): the payload is checked in the calling
        thread, then one caller stores every event waiting at that moment in one transaction
        (:func:`runtime.service.ingest.receive_many`) and each caller returns once its event committed."""
        check_ids(source, event_id)
        check_kind(kind)
        if not isinstance(payload, dict):
            raise InputError("RUN_FIELD_TYPE", "payload", "payload 应为对象", "payload must be an object")
        item = _ingest.Inbound.read(source, event_id, kind, payload, self.tz)
        self._ingests(item)
        if item.error is not None:
            raise item.error
        assert item.answer is not None
        order_id = item.answer["order_id"]
        status = item.status
        if not item.duplicate:
            try:
                done = self.executor.submit([order_id])
            except _TRANSIENT:  # stored: process_pending (the sweeper) runs it later
                log.warning("order %s: processing deferred after a transient database error", order_id,
                            exc_info=True)
                done = None
            if isinstance(done, list):  # processed in this call: its status now
                status = next((r["status"] for r in done if r.get("order_id") == order_id), None)
            elif done is not None or status is None:
                status = None
        if status is None or item.duplicate:
            with self.db.read() as session:
                status = session.execute(select(Order.status).where(Order.id == order_id)).scalar_one()
        return {"order_id": order_id, "event_seq": item.answer.get("event_seq"), "duplicate": item.duplicate,
                "status": status}

    def _ingest_group(self, items: list[_ingest.Inbound]) -> None:
        """Store a group of events in one transaction; if that fails (another process created the same order
        or customer meanwhile), each alone, as before."""
        try:
            with self.db.transaction() as session:
                created = _ingest.receive_many(session, items, self.now(), self._channels)
            self._channels.update(created)
            return
        except Exception:  # noqa: BLE001 - rolled back: one by one below
            log.debug("group ingest of %d events rolled back; one by one", len(items), exc_info=True)
        for item in items:
            item.answer, item.duplicate, item.error, item.status = None, False, None, None
            try:
                item.answer, item.duplicate = self._receive_one(item)
            except Exception as exc:  # noqa: BLE001 - the caller raises it
                item.error = exc

    def _receive_one(self, item: _ingest.Inbound) -> tuple[dict[str, Any], bool]:
        for attempt in range(3):
            try:
                with self.db.transaction() as session:
                    return _ingest.receive(session, item.source, item.event_id, item.kind, item.payload, self.tz,
                                           self.now())
            except IntegrityError:  # the same order or customer created concurrently: look again
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def process_orders(self, order_ids: list[int]) -> list[dict[str, Any]]:
        """Run every unprocessed event of each order, in sequence order; returns
        ``[{order_id, processed, failed, status, stage}]`` in the order asked.

        Orders are processed in batches, one transaction per batch (at most :attr:`batch_size` orders, and
        no more once it has used :attr:`batch_seconds` of CPU), the orders locked together in id order. A batch is
        first run optimistically (no savepoint per event, reservations checked against the stock read in
        the transaction and their conditional updates made at the end, every row written in bulk — see
        :mod:`runtime.service.batch`); if anything goes wrong it rolls back and runs carefully: each event
        in its own savepoint, so an event that fails is rolled back alone and marked ``failed`` while the
        others commit. If that fails as a whole too (a transient database error, a deadlock between
        workers), its orders run one transaction per order, with retries.
        """
        ids = list(dict.fromkeys(int(i) for i in order_ids))
        results: dict[int, dict[str, Any]] = {}
        pending = ids
        while pending:
            chunk, pending = pending[:self.batch_size], pending[self.batch_size:]
            try:
                done, rest = self._process_batch(chunk, careful=False)
            except Exception:  # noqa: BLE001 - rolled back: run it again carefully
                log.debug("optimistic batch of %d orders rolled back; running it carefully", len(chunk),
                          exc_info=True)
                try:
                    done, rest = self._process_batch(chunk, careful=True)
                except Exception:  # noqa: BLE001 - each order alone, with retries
                    log.warning("a batch of %d orders failed; processing them one by one", len(chunk),
                                exc_info=True)
                    done, rest = {}, []
                    for order_id in chunk:
                        done.update(self._with_retries(
                            lambda one: self._process_batch([one], careful=True, alone=True)[0], order_id))
            results.update(done)
            pending = rest + pending
        after_batch(self.db, self._versions, self.now())  # the release guardrail (runtime.release.guard)
        return [results[order_id] for order_id in ids]

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

    def _process_batch(self, order_ids: list[int], *, careful: bool, alone: bool = False,
                       ) -> tuple[dict[int, dict[str, Any]], list[int]]:
        """One transaction over ``order_ids`` (see :meth:`process_orders`); returns the results and the orders
        left for another transaction (the time budget ran out). ``alone``: the rows of each event are
        written inside its savepoint, so an error writing them fails that event only."""
        published: list[dict[str, Any]] = []
        results: dict[int, dict[str, Any]] = {}
        started = time.thread_time()
        rest: list[int] = []
        with self.db.transaction() as session, session.no_autoflush:
            waiting = set(session.execute(select(InboundEvent.order_id).where(
                InboundEvent.order_id.in_(order_ids), InboundEvent.status == "received").distinct()).scalars())
            for order_id, status, stage in session.execute(select(Order.id, Order.status, Order.stage).where(
                    Order.id.in_([i for i in order_ids if i not in waiting]))) if len(waiting) < len(order_ids) else ():
                results[order_id] = {"order_id": order_id, "processed": 0, "failed": 0, "status": status,
                                     "stage": stage}  # nothing to do (already processed, e.g. by the sweeper)
            order_ids = [i for i in order_ids if i in waiting or i not in results]
            orders = lock_orders(session, [i for i in order_ids if i in waiting])
            batch = Batch(session, self._versions, careful=careful, live=self._live())
            batch.prepare(orders.values())
            received: dict[int, list[InboundEvent]] = {}
            for event in session.execute(
                    select(InboundEvent).where(InboundEvent.order_id.in_(list(orders)),
                                               InboundEvent.status == "received")
                    .order_by(InboundEvent.order_id, InboundEvent.seq)).scalars():
                received.setdefault(event.order_id, []).append(event)  # type: ignore[arg-type]
            for position, order_id in enumerate(order_ids):
                if position and time.thread_time() - started > self.batch_seconds:
                    rest = order_ids[position:]
                    break
                order = orders.get(order_id)
                processed = failed = 0
                for event in received.get(order_id, ()) if order is not None else ():
                    outcome, events_out = self._process_event(batch, order, event, alone)
                    published.extend(events_out)
                    if outcome == "failed":
                        failed += 1
                    else:
                        processed += 1
                results[order_id] = {"order_id": order_id, "processed": processed, "failed": failed,
                                     "status": order.status if order is not None else None,
                                     "stage": order.stage if order is not None else None}
            batch.write()
        self._publish(published)
        return results, rest

    def _process_event(self, batch: Batch, order: Order, event: InboundEvent,
                       alone: bool) -> tuple[str, list[dict[str, Any]]]:
        """One inbound event of a locked order; returns (outcome, live events). Careful: in its own savepoint,
        a failure recorded on the event; optimistic: a failure raises (the batch runs again carefully)."""
        session = batch.session
        now = self.now()
        work = Work(batch, order, now, self.tz)
        if not batch.careful:
            note = handle_event(work, event)
            batch.keep(work.rows)
            self._record(event, "processed", {**(event.response or {}), "result": note}, now)
            return "processed", work.events
        outcome = "processed"
        try:
            with session.begin_nested():
                note = handle_event(work, event)
                session.flush()
                if alone:
                    batch.keep(work.rows)
                    batch.write()
            batch.keep(work.rows)
            response = {**(event.response or {}), "result": note}
        except _TRANSIENT:
            raise
        except Exception as exc:  # recorded on the event; the order's later events still run
            log.exception("order %s: event %s (%s) failed", order.id, event.seq, event.kind)
            work.events.clear()
            work.rows.clear()
            batch.forget_order(order.id)
            outcome = "failed"
            error = exc.to_dict() if isinstance(exc, ServiceError) else {
                "code": type(exc).__name__, "message_en": str(exc), "message_zh": str(exc)}
            response = {**(event.response or {}), "result": "failed", "error": error}
        self._record(event, outcome, response, now)
        return outcome, work.events

    @staticmethod
    def _record(event: InboundEvent, outcome: str, response: dict[str, Any], now: datetime) -> None:
        event.status = outcome
        event.response = response
        event.processed_at = now

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
                batch = Batch(session, self._versions, live=self._live())
                work = Work(batch, order, at, self.tz)
                try:
                    with session.begin_nested():
                        run_instance(work, inst, events.timer_fired(key))
                        settle(work)
                        batch.keep(work.rows)
                        batch.write()
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
            inst = work.instance(instance_id)
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
            return lambda: task_view(task, work.version(work.instance(task.instance_id).flow_version_id),
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
            inst = work.instance(task.instance_id)
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
            work.held[inst.id] = inst
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


class GroupCommit:
    """Group commit: concurrent callers queue their item; the first one in leads — it runs ``run(items)``
    on everything queued (at most ``limit``), in one go, and hands the lead to the next waiting caller
    before it returns; the others return as soon as the group that holds their item is done. One
    transaction then serves many requests: the commits (and SQLite's single write lock) are shared
    instead of queued for. ``run`` reports per item (it must not raise)."""

    def __init__(self, run: Callable[[list[Any]], None], limit: int = 64) -> None:
        self._run = run
        self._limit = limit
        self._lock = threading.Lock()
        self._queue: list[list[Any]] = []  # [item, done event, promoted to lead]
        self._busy = False

    def __call__(self, item: Any) -> None:
        entry = [item, threading.Event(), False]
        with self._lock:
            self._queue.append(entry)
            lead = not self._busy
            self._busy = True
        if not lead:
            entry[1].wait()
            if not entry[2]:
                return
        with self._lock:
            group, self._queue = self._queue[:self._limit], self._queue[self._limit:]
        try:
            self._run([e[0] for e in group])
        finally:
            with self._lock:
                for e in group:
                    if e is not entry:
                        e[1].set()
                if self._queue:
                    self._queue[0][2] = True
                    self._queue[0][1].set()
                else:
                    self._busy = False


def _instance_state(inst: Instance, allowed: tuple[str, ...], action: str, action_zh: str) -> None:
    if inst.status not in allowed:
        raise Refused("RUN_INSTANCE_STATE", f"流程实例 {inst.id} 当前为 {inst.status}，不能{action_zh}",
                      f"instance {inst.id} is {inst.status}; it cannot be {action}",
                      id=inst.id, status=inst.status, action=action)
