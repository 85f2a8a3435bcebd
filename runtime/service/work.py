"""A unit of work on one order: the session, the locked order, the run's clock, the instances it runs
(a queue of engine events) and the live events to publish once it commits."""

from __future__ import annotations

from collections import deque
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from runtime.engine import Snapshot
from runtime.service.release import VersionInfo, version_info
from runtime.service.snapshots import Master, iso, load_snapshot
from runtime.service.views import LIVE, instance_view, stage_parts, task_view
from runtime.store.models import Instance, Order, ReturnRequest, Task
from runtime.store.order_states import transition
from runtime.store.versions import VersionRecord, active_versions


def lock_order(session: Session, order_id: int) -> Order | None:
    """The order, locked for this transaction (``FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
    already holds the write lock): the events of one order are serialised."""
    query = select(Order).where(Order.id == order_id)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()
    return session.execute(query).scalar_one_or_none()


def engine_id(instance_id: int) -> str:
    """The instance id the engine sees (and every effect key starts with)."""
    return f"i{instance_id}"


def instance_id_of(key: str) -> int | None:
    """The instance id an effect key (``i17/node/3``) belongs to."""
    head = key.split("/", 1)[0]
    return int(head[1:]) if head.startswith("i") and head[1:].isdigit() else None


class Work:
    """What one transaction on one order needs; see the module docstring."""

    def __init__(self, session: Session, order: Order, clock: datetime, tz: ZoneInfo,
                 versions: dict[int, VersionInfo] | None = None) -> None:
        self.session = session
        self.order = order
        self.clock = clock.astimezone(tz)
        self.tz = tz
        self.master = Master(session)
        self.events: list[dict[str, Any]] = []
        self.queue: deque[tuple[int, dict[str, Any]]] = deque()
        self._versions: dict[int, VersionInfo] = versions if versions is not None else {}
        self.held: dict[int, Instance] = {}  # instances of this unit of work, kept alive (the session holds weakly)
        self._stage_flows: dict[str, list[VersionRecord]] = {}
        self._snapshot: tuple[int, int | None, Snapshot] | None = None
        self.changes = 0  # bumped whenever the order, its lines or its stock change: snapshots are rebuilt

    # ---- reading --------------------------------------------------------------------------------------
    def version(self, version_id: int) -> VersionInfo:
        info = self._versions.get(version_id)
        if info is None:
            info = self._versions[version_id] = version_info(self.session, version_id)
        return info

    def instances(self, *, stage: str | None = None, live: bool = False,
                  top_level: bool = False) -> list[Instance]:
        query = select(Instance).options(defer(Instance.input_snapshot)).where(Instance.order_id == self.order.id)
        if stage is not None:
            query = query.where(Instance.stage == stage)
        if live:
            query = query.where(Instance.status.in_(LIVE))
        if top_level:
            query = query.where(Instance.parent_instance_id.is_(None))
        return list(self.session.execute(query.order_by(Instance.id)).scalars())

    def stage_flows(self, kind: str) -> list[VersionRecord]:
        """The active versions of a stage's flows, in priority order (read once per unit of work)."""
        if kind not in self._stage_flows:
            self._stage_flows[kind] = active_versions(self.session, kind)
        return self._stage_flows[kind]

    def snapshot(self, request: ReturnRequest | None) -> Snapshot:
        """The context snapshot of this order now; reused until the order or the stock changes."""
        key = request.id if request is not None else None
        cached = self._snapshot
        if cached is not None and cached[0] == self.changes and cached[1] == key:
            return cached[2]
        snap = load_snapshot(self.session, self.order, self.tz, self.master, request)
        self._snapshot = (self.changes, key, snap)
        return snap

    def return_request(self) -> ReturnRequest | None:
        return self.session.execute(select(ReturnRequest).where(ReturnRequest.order_id == self.order.id)
                                    .order_by(ReturnRequest.id.desc()).limit(1)).scalar_one_or_none()

    # ---- changing -------------------------------------------------------------------------------------
    def create_instance(self, version_id: int, stage: str, parent: Instance | None = None,
                        parent_node: str | None = None) -> Instance:
        inst = Instance(flow_version_id=version_id, order_id=self.order.id, stage=stage, status="running",
                        parent_instance_id=parent.id if parent is not None else None, parent_node_id=parent_node,
                        state={}, input_snapshot={}, created_at=self.clock, updated_at=self.clock)
        self.session.add(inst)
        self.session.flush()
        self.held[inst.id] = inst
        return inst

    def instance(self, instance_id: int) -> Instance | None:
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
    def publish(self, event: str, rooms: list[str], data: dict[str, Any]) -> None:
        for room in rooms:
            self.events.append({"event": event, "room": room, "data": data})

    def publish_status(self, previous: str, reason: str, actor: str | None) -> None:
        stage, rnd = stage_parts(self.order.stage)
        self.publish("order.status", [f"order:{self.order.id}"], {
            "order_id": self.order.id, "status": self.order.status, "previous": previous, "stage": stage,
            "round": rnd, "reason": reason, "actor": actor, "at": iso(self.clock, self.tz)})

    def publish_instance(self, inst: Instance) -> None:
        info = self.version(inst.flow_version_id)
        self.publish("instance.status", [f"order:{inst.order_id}", f"flow:{info.flow_key}"],
                     instance_view(inst, info, self.tz))

    def publish_task(self, task: Task, event: str) -> None:
        inst = self.session.get(Instance, task.instance_id)
        info = self.version(inst.flow_version_id) if inst is not None else None
        self.publish(event, [f"group:{task.assignee_group}", f"order:{task.order_id}"],
                     task_view(task, info, self.order, self.tz))
