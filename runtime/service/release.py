"""Which version of a flow serves an order: chosen once per (flow, order), stored, never re-rolled.

:func:`choose_version` is the one place the release policy lives. Today the policy is "the active
version"; the release issue adds canary buckets (SHA-256(flow key, salt, order id)) and segments
here, and stores their ``reason`` and ``bucket`` the same way.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.engine import Plan, compile_plan
from runtime.store.models import Flow, FlowRelease, FlowVersion, VersionChoice
from runtime.store.versions import VersionRecord, active_versions


@dataclass(frozen=True)
class VersionInfo:
    """A flow version as the runtime needs it: ids, key, number, kind, and its document."""

    id: int
    flow_id: int
    flow_key: str
    flow_name: str
    kind: str
    number: int
    behaviour_hash: str
    document: dict[str, Any]


def version_info(session: Session, version_id: int) -> VersionInfo:
    row = session.execute(select(FlowVersion, Flow).join(Flow, Flow.id == FlowVersion.flow_id)
                          .where(FlowVersion.id == version_id)).one()
    version, flow = row
    return VersionInfo(version.id, flow.id, flow.key, flow.name, flow.kind, version.number, version.behaviour_hash,
                       version.document)


def choose_version(session: Session, flow_id: int, order_id: int, *, now: datetime,
                   active_version_id: int | None = None) -> int | None:
    """The version id that serves ``order_id`` for flow ``flow_id``: the stored choice if there is one,
    else the release policy's choice (now: the active version), stored before anything runs. ``None``
    when the flow has no version to serve. ``active_version_id``: the active version if the caller has
    already read it (saves reading the release record)."""
    chosen = session.execute(select(VersionChoice.flow_version_id).where(
        VersionChoice.flow_id == flow_id, VersionChoice.order_id == order_id)).scalar_one_or_none()
    if chosen is not None:
        return chosen
    if active_version_id is None:
        release = session.get(FlowRelease, flow_id)
        active_version_id = release.active_version_id if release is not None else None
    if active_version_id is None:
        return None
    session.add(VersionChoice(flow_id=flow_id, order_id=order_id, flow_version_id=active_version_id,
                              reason="active", bucket=None, chosen_at=now))
    return active_version_id


class VersionCache:
    """Per process (one per :class:`~runtime.service.Runtime`): the flow versions by id (a version never
    changes) and the active versions of each stage, read again whenever the release data changed —
    :meth:`refresh`, once per transaction, compares a fingerprint of ``flows`` and ``flow_releases``
    (count and sum of the active version ids, newest ``updated_at``, newest version id): a publish, a
    retirement or a priority change in any process shows up there."""

    def __init__(self) -> None:
        self.infos: dict[int, VersionInfo] = {}
        self._stages: dict[str, list[VersionRecord]] = {}
        self._fingerprint: tuple[Any, ...] | None = None
        self._lock = threading.Lock()

    def refresh(self, session: Session) -> None:
        fingerprint = tuple(session.execute(select(
            select(func.count(FlowRelease.active_version_id)).scalar_subquery(),
            select(func.sum(FlowRelease.active_version_id)).scalar_subquery(),
            select(func.max(FlowRelease.updated_at)).scalar_subquery(),
            select(func.max(Flow.updated_at)).scalar_subquery(),
            select(func.max(FlowVersion.id)).scalar_subquery())).one())
        with self._lock:
            if fingerprint != self._fingerprint:
                self._stages = {}
                self._fingerprint = fingerprint

    def info(self, session: Session, version_id: int) -> VersionInfo:
        info = self.infos.get(version_id)
        if info is None:
            info = version_info(session, version_id)
            with self._lock:
                self.infos[version_id] = info
        return info

    def stage_flows(self, session: Session, kind: str) -> list[VersionRecord]:
        """The active versions of a stage's flows in priority order (as of the last :meth:`refresh`)."""
        flows = self._stages.get(kind)
        if flows is None:
            flows = active_versions(session, kind)
            with self._lock:
                self._stages[kind] = flows
        return flows


_plans: dict[str, Plan] = {}
_plans_lock = threading.Lock()


def plan_for(info: VersionInfo) -> Plan:
    """The compiled plan of a version, compiled once per process (keyed by the behaviour hash)."""
    plan = _plans.get(info.behaviour_hash)
    if plan is None:
        compiled = compile_plan(info.document)
        with _plans_lock:
            plan = _plans.setdefault(info.behaviour_hash, compiled)
    return plan
