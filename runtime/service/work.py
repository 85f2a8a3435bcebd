"""A unit of work on one order: the session, the locked order, the run's clock, the instances it runs
(a queue of engine events), the rows it writes in bulk and the live events to publish once it commits.

Instances are created with an id handed out ahead (:meth:`runtime.service.batch.Batch.instance_id`)
and are not added to the session straight away: one that ends in its first run (a flow whose
``trigger.when`` is false, a flow that runs straight through) becomes a row written in bulk with the
transaction's other rows; one that stays live, or that a task, timer, outbox effect or child instance
must refer to, is added to the session (:meth:`Work.persist`) and written by the ORM.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, defer, selectinload

from runtime.engine import Snapshot
from runtime.service.release import VersionInfo
from runtime.service.snapshots import customer_view, iso, load_snapshot
from runtime.service.views import ENDED, LIVE, instance_view, stage_parts, task_view
from runtime.store.models import Instance, Order, ReturnRequest, Task, Timer, VersionChoice
from runtime.store.order_states import transition
from runtime.store.versions import VersionRecord

if TYPE_CHECKING:
    from runtime.service.batch import Batch, Rows


def lock_order(session: Session, order_id: int) -> Order | None:
    """The order, locked for this transaction (``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
    already holds the write lock): the events of one order are serialised."""
    query = select(Order).where(Order.id == order_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def lock_orders(session: Session, order_ids: list[int]) -> dict[int, Order]:
    """Several orders locked at once, in id order (so two batches never wait on each other in a circle),
    with their lines, payments, surcharges and status history loaded."""
    query = (select(Order).where(Order.id.in_(sorted(order_ids))).order_by(Order.id)
             .options(selectinload(Order.lines), selectinload(Order.payments), selectinload(Order.surcharges),
                      selectinload(Order.status_changes)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Order)
    return {order.id: order for order in session.execute(query).scalars()}


def load_instances(session: Session, order_ids: list[int]) -> tuple[dict[int, list[Instance]],
                                                                     dict[int, dict[int, int]]]:
    """The instances (without their input snapshots) and version choices of several orders."""
    instances: dict[int, list[Instance]] = {order_id: [] for order_id in order_ids}
    for inst in session.execute(select(Instance).options(defer(Instance.input_snapshot))
                                .where(Instance.order_id.in_(order_ids)).order_by(Instance.id)).scalars():
        instances[inst.order_id].append(inst)
    choices: dict[int, dict[int, int]] = {order_id: {} for order_id in order_ids}
    for order_id, flow_id, version_id in session.execute(
            select(VersionChoice.order_id, VersionChoice.flow_id, VersionChoice.flow_version_id)
            .where(VersionChoice.order_id.in_(order_ids))):
        choices[order_id][flow_id] = version_id
    return instances, choices


_instance_manager = Instance._sa_class_manager  # type: ignore[attr-defined]


def _new_instance(**values: Any) -> Instance:
    """A transient :class:`Instance` with ``values`` (every column but the lease ones and ``row_version``),
    made without the ORM's per-attribute events: an instance that ends in its first run never becomes an
    ORM row, and one that is added to the session is inserted from these values."""
    inst = _instance_manager.new_instance()
    inst.__dict__.update(values)
    return inst


def engine_id(instance_id: int) -> str:
    """The instance id the engine sees (and every effect key starts with)."""
    return f"i{instance_id}"


def instance_id_of(key: str) -> int | None:
    """The instance id an effect key (``i17/node/3``) belongs to."""
    head = key.split("/", 1)[0]
    return int(head[1:]) if head.startswith("i") and head[1:].isdigit() else None


class Work:
    """What one unit of work on one order needs; see the module docstring."""

    def __init__(self, batch: Batch, order: Order, clock: datetime, tz: ZoneInfo) -> None:
        from runtime.service.batch import Rows

        self.batch = batch
        self.session = batch.session
        self.order = order
        self.clock = clock.astimezone(tz)
        self.tz = tz
        self.master = batch.master
        self.events: list[dict[str, Any]] = []
        self.queue: deque[tuple[int, dict[str, Any]]] = deque()
        self.rows: Rows = Rows()
        self.held: dict[int, Instance] = {}  # the order's instances by id (the session holds weakly)
        self._all: list[Instance] | None = None
        self._choices: dict[int, int] | None = None
        self._bulk: set[int] = set()  # instances written as bulk rows (ended in their first run)
        self.created: set[int] = set()  # instances started in this unit of work
        self.referred: set[int] = set()  # instances that made a task or a timer here
        self.timers: dict[tuple[int, str], Timer] = {}  # timers made here, by (instance, key)
        self._snapshot: tuple[int, int | None, Snapshot] | None = None
        self._snapshot_dicts: dict[int, dict[str, Any]] = {}
        self._snapshot_owner: tuple[dict[str, Any], int] | None = None
        self._customer: dict[str, Any] | None = None
        self._times: dict[str, datetime] = {}
        self.changes = 0  # bumped whenever the order, its lines or its stock change: snapshots are rebuilt

    # ---- reading --------------------------------------------------------------------------------------
    def version(self, version_id: int) -> VersionInfo:
        return self.batch.versions.info(self.session, version_id)

    def order_instances(self) -> list[Instance]:
        """Every instance of the order, oldest first (read once, then kept up to date in memory)."""
        if self._all is None:
            self._all, self._choices = self.batch.order_state(self.order.id)
            for inst in self._all:
                self.held[inst.id] = inst
        return self._all

    def instances(self, *, stage: str | None = None, live: bool = False,
                  top_level: bool = False) -> list[Instance]:
        return [i for i in self.order_instances() if (stage is None or i.stage == stage)
                and (not live or i.status in LIVE) and (not top_level or i.parent_instance_id is None)]

    def stage_flows(self, kind: str) -> list[VersionRecord]:
        """The active versions of a stage's flows, in priority order."""
        return self.batch.versions.stage_flows(self.session, kind)

    def choose_version(self, flow_id: int, active_version_id: int | None) -> int | None:
        """The version serving this order for the flow: the stored choice, else the release policy's (the
        active version, or the candidate for the orders of its share or segment) — stored now (a row of this
        unit of work), before anything of it runs. ``None``: nothing to serve."""
        self.order_instances()
        assert self._choices is not None
        chosen = self._choices.get(flow_id)
        if chosen is not None or active_version_id is None:
            return chosen
        version_id, reason, bucket = self.batch.versions.choose(
            self.session, flow_id, self.order.id, active_version_id, lambda: self.snapshot(None), self.clock)
        self._choices[flow_id] = version_id
        self.rows.choices.append({"flow_id": flow_id, "order_id": self.order.id, "flow_version_id": version_id,
                                  "reason": reason, "bucket": bucket, "chosen_at": self.clock})
        return version_id

    def customer(self) -> dict[str, Any]:
        if self._customer is None:
            self._customer = self.batch.customer(self.order) or customer_view(self.session, self.order)
        return self._customer

    def snapshot(self, request: ReturnRequest | None) -> Snapshot:
        """The context snapshot of this order now; reused until the order or the stock changes."""
        key = request.id if request is not None else None
        cached = self._snapshot
        if cached is not None and cached[0] == self.changes and cached[1] == key:
            return cached[2]
        snap = load_snapshot(self.session, self.order, self.tz, self.master, request, stock=self.batch.stock,
                             customer=self.customer())
        self._snapshot = (self.changes, key, snap)
        return snap

    def snapshot_dict(self, snapshot: Snapshot) -> dict[str, Any]:
        """``snapshot.to_dict()``, made once per snapshot (instances started on the same one share it)."""
        found = self._snapshot_dicts.get(id(snapshot))
        if found is None:
            self._snapshot_dicts.clear()
            found = self._snapshot_dicts[id(snapshot)] = snapshot.to_dict()
        return found

    def snapshot_owner(self, stored: dict[str, Any]) -> int | None:
        """The instance of this unit of work whose row holds ``stored`` in full, if any."""
        owner = self._snapshot_owner
        return owner[1] if owner is not None and owner[0] is stored else None

    def own_snapshot(self, stored: dict[str, Any], instance_id: int) -> None:
        self._snapshot_owner = (stored, instance_id)

    def parse_time(self, text: str) -> datetime:
        """``datetime.fromisoformat``, remembered (a run's steps mostly carry the run's own clock)."""
        found = self._times.get(text)
        if found is None:
            found = self._times[text] = datetime.fromisoformat(text)
        return found

    def return_request(self) -> ReturnRequest | None:
        return self.session.execute(select(ReturnRequest).where(ReturnRequest.order_id == self.order.id)
                                    .order_by(ReturnRequest.id.desc()).limit(1)).scalar_one_or_none()

    # ---- changing -------------------------------------------------------------------------------------
    def create_instance(self, version_id: int, stage: str, parent: Instance | None = None,
                        parent_node: str | None = None) -> Instance:
        """A new instance (id handed out now; not in the session yet — see the module docstring)."""
        inst = _new_instance(
            id=self.batch.instance_id(), flow_version_id=version_id, order_id=self.order.id, stage=stage,
            status="running", parent_instance_id=parent.id if parent is not None else None, parent_node_id=parent_node,
            state={}, input_snapshot={}, outcome=None, error=None, created_at=self.clock, updated_at=self.clock,
            ended_at=None)
        self.order_instances().append(inst)
        self.held[inst.id] = inst
        self.created.add(inst.id)
        return inst

    def persisted(self, inst: Instance) -> bool:
        """Whether the instance has a row (or will have one when the session flushes)."""
        return inst.id in self._bulk or inst in self.session

    def persist(self, inst: Instance) -> None:
        """Make the instance an ORM row (it stays live, or other rows are about to refer to it; the unit of
        work inserts instances before the tasks, timers and outbox rows that refer to them)."""
        if inst.id in self._bulk:
            raise RuntimeError(f"instance {inst.id} was already written in bulk")
        if inst not in self.session:
            self.session.add(inst)

    def in_bulk(self, inst: Instance) -> bool:
        """Whether the instance ended in its first run and is a bulk row (it never had tasks or timers)."""
        return inst.id in self._bulk

    def ended_in_bulk(self, inst: Instance) -> bool:
        """An instance that ended and has no row yet becomes a bulk row; ``False`` if it has one."""
        if inst in self.session or inst.id in self._bulk or inst.status not in ENDED:
            return False
        self._bulk.add(inst.id)
        self.rows.instances.append({
            "id": inst.id, "flow_version_id": inst.flow_version_id, "order_id": inst.order_id, "stage": inst.stage,
            "status": inst.status, "parent_instance_id": inst.parent_instance_id,
            "parent_node_id": inst.parent_node_id, "state": inst.state, "input_snapshot": inst.input_snapshot,
            "outcome": inst.outcome, "error": inst.error, "row_version": 1, "lease_owner": None,
            "lease_expires_at": None, "heartbeat_at": None, "created_at": inst.created_at,
            "updated_at": inst.updated_at, "ended_at": inst.ended_at})
        return True

    def flush_pending(self, *models: type) -> None:
        """Flush the session if it holds new rows of ``models`` (before reading or deleting those tables)."""
        if any(isinstance(obj, models) for obj in self.session.new):
            self.session.flush()

    def instance(self, instance_id: int) -> Instance | None:
        inst = self.held.get(instance_id)
        if inst is None:
            self.order_instances()
            inst = self.held.get(instance_id)
        if inst is None:
            inst = self.session.get(Instance, instance_id)
            if inst is not None:
                self.held[instance_id] = inst
        return inst

    def transition(self, to: str, reason: str, actor: str | None = None) -> None:
        """Move the order through the state machine and announce it."""
        previous = self.order.status
        transition(self.order, to, reason, actor=actor, at=self.clock)
        self.changes += 1
        self.publish_status(previous, reason, actor)

    def set_stage(self, key: str) -> None:
        self.order.stage = key
        self.publish_status(self.order.status, f"stage {key}", None)

    # ---- announcing -----------------------------------------------------------------------------------
    @property
    def live(self) -> bool:
        """Whether live events are wanted (callers skip building them when not)."""
        return self.batch.live

    def publish(self, event: str, rooms: list[str], data: dict[str, Any]) -> None:
        if not self.batch.live:
            return
        for room in rooms:
            self.events.append({"event": event, "room": room, "data": data})

    def publish_status(self, previous: str, reason: str, actor: str | None) -> None:
        if not self.batch.live:
            return
        stage, rnd = stage_parts(self.order.stage)
        self.publish("order.status", [f"order:{self.order.id}"], {
            "order_id": self.order.id, "status": self.order.status, "previous": previous, "stage": stage,
            "round": rnd, "reason": reason, "actor": actor, "at": iso(self.clock, self.tz)})

    def publish_instance(self, inst: Instance) -> None:
        if not self.batch.live:
            return
        info = self.version(inst.flow_version_id)
        self.publish("instance.status", [f"order:{inst.order_id}", f"flow:{info.flow_key}"],
                     instance_view(inst, info, self.tz))

    def publish_task(self, task: Task, event: str) -> None:
        if not self.batch.live:
            return
        inst = self.instance(task.instance_id)
        info = self.version(inst.flow_version_id) if inst is not None else None
        self.publish(event, [f"group:{task.assignee_group}", f"order:{task.order_id}"],
                     task_view(task, info, self.order, self.tz))
