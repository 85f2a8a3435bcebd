"""Automatic rollback: a candidate whose incident rate or SLA-breach rate exceeds the active version's by
more than the flow's margin, over at least ``min_sample`` of its instances, is withdrawn.

The sample is the top-level instances each version started since the candidate began serving (those
whose trigger did not apply are left out). Rates are percentages; margins are percentage points. A
withdrawal is one transaction: the candidate retired, a release event and an audit entry saying why
(both rates, both samples, the margin) and a ``notify`` effect to the reviewers (connection
``notify_reviewers``: the team's chat or mail webhook, configured by an admin).

Where it runs: :func:`check_releases` from the timer loops (the embedded executor's timer round and
Celery beat's ``sweep``), and :func:`after_batch` after every batch of processed orders — free when no
flow has a candidate (read from the process's version cache), else at most once a second per process.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from runtime.store import audit
from runtime.store.models import Flow, FlowRelease, FlowVersion, Instance, Task
from runtime.store.outbox import enqueue_effect
from runtime.store.releases import candidate_since, guard_settings, withdraw

if TYPE_CHECKING:
    from runtime.service.release import VersionCache
    from runtime.store.db import Database

log = logging.getLogger(__name__)
GUARD_ACTOR = "orderloom:guard"
REVIEWERS_CONNECTION = "notify_reviewers"
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Rates:
    """One version's sample since the candidate began: instances, those in incident, SLA breaches."""

    sample: int
    incidents: int
    sla_breaches: int

    @property
    def incident_rate(self) -> Decimal:
        return _percent(self.incidents, self.sample)

    @property
    def sla_rate(self) -> Decimal:
        return _percent(self.sla_breaches, self.sample)

    def to_dict(self) -> dict[str, Any]:
        return {"sample": self.sample, "incidents": self.incidents, "sla_breaches": self.sla_breaches,
                "incident_rate": str(self.incident_rate), "sla_rate": str(self.sla_rate)}


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.01")) if whole else Decimal(0)


def version_rates(session: Session, version_ids: list[int], since: datetime, now: datetime) -> dict[int, Rates]:
    """The :class:`Rates` of each version: two grouped statements, whatever the number of orders."""
    top = and_(Instance.flow_version_id.in_(version_ids), Instance.parent_instance_id.is_(None),
               Instance.created_at >= since, Instance.status != "not_applicable")
    counts = {vid: (n, inc or 0) for vid, n, inc in session.execute(
        select(Instance.flow_version_id, func.count(), func.sum(case((Instance.status == "incident", 1), else_=0)))
        .where(top).group_by(Instance.flow_version_id))}
    breached = or_(Task.escalated_at.is_not(None),
                   and_(Task.sla_due_at < now, or_(Task.decided_at.is_(None), Task.decided_at > Task.sla_due_at)))
    breaches = dict(session.execute(
        select(Instance.flow_version_id, func.count(func.distinct(Task.instance_id)))
        .join(Instance, Instance.id == Task.instance_id).where(top, breached).group_by(Instance.flow_version_id)).all())
    return {vid: Rates(counts.get(vid, (0, 0))[0], int(counts.get(vid, (0, 0))[1]), int(breaches.get(vid, 0)))
            for vid in version_ids}


def verdict(session: Session, flow: Flow, release: FlowRelease, now: datetime) -> dict[str, Any] | None:
    """The guardrail's reading of the flow's candidate: both versions' rates, the settings and, when it
    trips, ``reason`` (zh/en); ``None`` without a candidate."""
    if release.candidate_version_id is None or release.active_version_id is None:
        return None
    settings = guard_settings(session, flow.id)
    since = candidate_since(session, flow, release.candidate_version_id) or release.updated_at
    rates = version_rates(session, [release.candidate_version_id, release.active_version_id], since, now)
    candidate, active = rates[release.candidate_version_id], rates[release.active_version_id]
    reading = {"candidate": candidate.to_dict(), "active": active.to_dict(), "since": since,
               "min_sample": settings["min_sample"], "incident_margin": str(settings["incident_margin"]),
               "sla_margin": str(settings["sla_margin"]), "enabled": settings["enabled"], "tripped": None}
    if not settings["enabled"] or candidate.sample < settings["min_sample"]:
        return reading
    for what, mine, theirs, margin in (
            ("incident", candidate.incident_rate, active.incident_rate, settings["incident_margin"]),
            ("sla", candidate.sla_rate, active.sla_rate, settings["sla_margin"])):
        if mine - theirs > margin:
            reading["tripped"] = what
            reading["reason_en"] = (f"{what} rate {mine}% over {candidate.sample} instances exceeds the active "
                                    f"version's {theirs}% by more than {margin} points")
            reading["reason_zh"] = (f"候选版本{'异常' if what == 'incident' else 'SLA 超时'}率 {mine}%"
                                    f"（{candidate.sample} 个实例）比生效版本的 {theirs}% 高出 {margin} 个百分点以上")
            break
    return reading


def check_releases(db: Database, now: datetime) -> list[str]:
    """Read every candidate's guardrail; withdraw those that trip. Returns the flow keys rolled back."""
    with db.read() as session:
        flow_ids = list(session.execute(select(FlowRelease.flow_id).where(
            FlowRelease.candidate_version_id.is_not(None))).scalars())
    rolled_back = []
    for flow_id in flow_ids:
        try:
            key = _check_flow(db, flow_id, now)
        except Exception:  # noqa: BLE001 - one flow's failure must not stop the others' guardrails
            log.exception("release guardrail of flow %s failed", flow_id)
            continue
        if key is not None:
            rolled_back.append(key)
    return rolled_back


def _check_flow(db: Database, flow_id: int, now: datetime) -> str | None:
    with db.transaction() as session:
        flow = session.get(Flow, flow_id)
        release = session.execute(select(FlowRelease).where(FlowRelease.flow_id == flow_id)
                                  .with_for_update()).scalar_one()
        reading = verdict(session, flow, release, now)
        if reading is None or reading["tripped"] is None:
            return None
        details = {k: v for k, v in reading.items() if k not in ("since", "reason_en", "reason_zh")}
        candidate = withdraw(session, flow, actor=GUARD_ACTOR, now=now, action="auto_rollback",
                             reason=reading["reason_en"], details=details)
        _notify_reviewers(session, flow, candidate, reading, now)
        log.warning("release guardrail: %s version %s withdrawn: %s", flow.key, candidate.number, reading["reason_en"])
        return flow.key


def _notify_reviewers(session: Session, flow: Flow, candidate: FlowVersion, reading: dict[str, Any],
                      now: datetime) -> None:
    title = f"{flow.name}（{flow.key}）候选版本 {candidate.number} 已自动回滚"
    enqueue_effect(session, kind="notify", idempotency_key=f"release/{flow.key}/v{candidate.number}/auto_rollback",
                   connection_name=REVIEWERS_CONNECTION, now=now,
                   payload={"channel": "reviewers", "to": "group", "group": "reviewer", "title": title,
                            "message": f"{reading['reason_zh']} / {reading['reason_en']}", "flow": flow.key,
                            "version": candidate.number, "candidate": reading["candidate"],
                            "active": reading["active"]})
    audit.record(session, actor=GUARD_ACTOR, action="release.notify", target_type="flow_release",
                 target_id=flow.key, comment=title, details={"connection": REVIEWERS_CONNECTION})


class AfterBatch:
    """The check after each processed batch: nothing when the process's version cache knows no candidate,
    else :func:`check_releases` at most every ``interval`` seconds."""

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._last = float("-inf")
        self._lock = threading.Lock()

    def __call__(self, db: Database, versions: VersionCache, now: datetime) -> list[str]:
        if not versions.has_candidates():
            return []
        with self._lock:
            if time.monotonic() - self._last < self.interval:
                return []
            self._last = time.monotonic()
        try:
            return check_releases(db, now)
        except Exception:  # noqa: BLE001 - the guardrail never fails the orders' processing; the timer loop retries
            log.exception("release guardrail after a batch failed")
            return []


after_batch = AfterBatch()
