"""Which version of a flow serves an order: chosen once per (flow, order), stored, never re-rolled.

The release policy lives here (:class:`ReleaseRule`): a flow with a candidate serves it to the orders
whose bucket — SHA-256(flow key, release salt, order id), :mod:`runtime.release.buckets` — falls in
its percentage, or to the orders its segment expression matches; every other order gets the active
version. The choice is stored with its ``reason`` (``active`` / ``candidate-percent`` /
``candidate-segment``) and bucket before anything of the flow runs, so an order never changes version
(instances finish on the version they started on). The rules are read once per release change into
:class:`VersionCache` (a segment compiled once), so a choice costs no statement.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.engine import Plan, Snapshot, compile_plan
from runtime.release.buckets import bucket, in_share
from runtime.release.segments import matches
from runtime.store.models import Flow, FlowRelease, FlowVersion, ReleaseEvent, VersionChoice
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


@dataclass(frozen=True)
class ReleaseRule:
    """A flow's candidate and who gets it: ``percent`` of the buckets, or the orders ``segment`` matches."""

    flow_key: str
    salt: str
    candidate_version_id: int
    percent: int | None
    segment: str | None

    def choose(self, order_id: int, active_version_id: int, snapshot: Callable[[], Snapshot],
               clock: datetime) -> tuple[int, str, int | None]:
        """(version id, reason, bucket) for an order that has no stored choice yet."""
        if self.segment:
            snap = snapshot()
            env = {"order": snap.order, "customer": snap.customer, "return_request": snap.return_request,
                   "context": snap.context, "vars": {}}
            if matches(self.segment, env, clock):
                return self.candidate_version_id, "candidate-segment", None
            return active_version_id, "active", None
        drawn = bucket(self.flow_key, self.salt, order_id)
        if self.percent is not None and in_share(drawn, self.percent):
            return self.candidate_version_id, "candidate-percent", drawn
        return active_version_id, "active", drawn


def choose_version(session: Session, flow_id: int, order_id: int, *, now: datetime,
                   active_version_id: int | None = None, snapshot: Callable[[], Snapshot] | None = None,
                   versions: VersionCache | None = None) -> int | None:
    """The version id that serves ``order_id`` for flow ``flow_id``: the stored choice if there is one,
    else the release policy's choice, stored before anything runs. ``None`` when the flow has no version
    to serve. ``active_version_id``: the active version if the caller has already read it; ``snapshot``:
    the order's context snapshot (needed by a segment release)."""
    chosen = session.execute(select(VersionChoice.flow_version_id).where(
        VersionChoice.flow_id == flow_id, VersionChoice.order_id == order_id)).scalar_one_or_none()
    if chosen is not None:
        return chosen
    if active_version_id is None:
        release = session.get(FlowRelease, flow_id)
        active_version_id = release.active_version_id if release is not None else None
    if active_version_id is None:
        return None
    cache = versions or VersionCache()
    cache.refresh(session)
    rule = cache.release_rule(session, flow_id)
    version_id, reason, drawn = active_version_id, "active", None
    if rule is not None:
        if snapshot is None and rule.segment:
            raise ValueError("a segment release needs the order's snapshot")
        version_id, reason, drawn = rule.choose(order_id, active_version_id, snapshot, now)  # type: ignore[arg-type]
    session.add(VersionChoice(flow_id=flow_id, order_id=order_id, flow_version_id=version_id,
                              reason=reason, bucket=drawn, chosen_at=now))
    return version_id


class VersionCache:
    """Per process (one per :class:`~runtime.service.Runtime`): the flow versions by id (a version never
    changes), the active versions of each stage and the release rules of the flows with a candidate,
    read again whenever the release data changed — :meth:`refresh`, once per transaction, compares a
    fingerprint of ``flows``, ``flow_releases`` and ``release_events`` (count and sum of the active
    version ids, newest ``updated_at``, newest version id, newest release event): a publish, a
    candidate, a rollback, a retirement or a priority change in any process shows up there."""

    def __init__(self) -> None:
        self.infos: dict[int, VersionInfo] = {}
        self._stages: dict[str, list[VersionRecord]] = {}
        self._rules: dict[int, ReleaseRule] | None = None
        self._fingerprint: tuple[Any, ...] | None = None
        self._lock = threading.Lock()

    def refresh(self, session: Session) -> None:
        fingerprint = tuple(session.execute(select(
            select(func.count(FlowRelease.active_version_id)).scalar_subquery(),
            select(func.sum(FlowRelease.active_version_id)).scalar_subquery(),
            select(func.max(FlowRelease.updated_at)).scalar_subquery(),
            select(func.max(Flow.updated_at)).scalar_subquery(),
            select(func.max(FlowVersion.id)).scalar_subquery(),
            select(func.max(ReleaseEvent.id)).scalar_subquery())).one())
        with self._lock:
            if fingerprint != self._fingerprint:
                self._stages = {}
                self._rules = None
                self._fingerprint = fingerprint

    def info(self, session: Session, version_id: int) -> VersionInfo:
        info = self.infos.get(version_id)
        if info is None:
            info = version_info(session, version_id)
            with self._lock:
                self.infos[version_id] = info
        return info

    def release_rule(self, session: Session, flow_id: int) -> ReleaseRule | None:
        """The flow's candidate rule (``None``: every order gets the active version)."""
        rules = self._rules
        if rules is None:
            rules = {flow_id: ReleaseRule(key, salt, candidate, percent, segment)
                     for flow_id, key, salt, candidate, percent, segment in session.execute(
                         select(FlowRelease.flow_id, Flow.key, FlowRelease.salt, FlowRelease.candidate_version_id,
                                FlowRelease.candidate_percent, FlowRelease.candidate_segment)
                         .join(Flow, Flow.id == FlowRelease.flow_id)
                         .where(FlowRelease.candidate_version_id.is_not(None)))}
            with self._lock:
                self._rules = rules
        return rules.get(flow_id)

    def has_candidates(self) -> bool:
        """Whether any flow had a candidate at the last read (``True`` when not read yet: look)."""
        rules = self._rules
        return rules is None or bool(rules)

    def choose(self, session: Session, flow_id: int, order_id: int, active_version_id: int,
               snapshot: Callable[[], Snapshot], clock: datetime) -> tuple[int, str, int | None]:
        """(version id, reason, bucket) for an order without a stored choice (see :class:`ReleaseRule`)."""
        rule = self.release_rule(session, flow_id)
        if rule is None:
            return active_version_id, "active", None
        return rule.choose(order_id, active_version_id, snapshot, clock)

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
