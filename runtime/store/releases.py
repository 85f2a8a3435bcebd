"""What serves a flow's orders: the active version, at most one candidate (a percentage of orders or a
segment expression), and the history of every change — publish, candidate, promote, withdraw, roll back.

Every change is made inside the caller's transaction together with its release event and its audit
entry, and moves ``flow_releases.updated_at`` so that every process's version cache notices it.
Orders keep the version they were given (``version_choices``); only new choices follow a change.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.store import audit
from runtime.store.models import Flow, FlowRelease, FlowVersion, ReleaseEvent, ReleaseGuard
from runtime.store.versions import VersionRefused, version_target

#: the guardrail of a flow that never set one: percentage points over the active version's rates
DEFAULT_GUARD = {"enabled": True, "min_sample": 50, "incident_margin": Decimal("5"), "sla_margin": Decimal("5")}
HISTORY_LIMIT = 50


def release_of(session: Session, flow: Flow, *, lock: bool = True) -> FlowRelease:
    """The flow's release record (locked for the transaction: release changes of a flow are serialised)."""
    query = select(FlowRelease).where(FlowRelease.flow_id == flow.id)
    return session.execute(query.with_for_update() if lock else query).scalar_one()


def publish(session: Session, flow: Flow, version: FlowVersion, *, mode: str, actor: str | None, now: datetime,
            percent: int | None = None, segment: str | None = None) -> None:
    """Put an approved version into service: as the active version, or as the candidate."""
    if version.state != "approved":
        raise VersionRefused(409, "API_VERSION_STATE", number=version.number, state=version.state,
                             action="published")
    if mode == "active":
        activate(session, flow, version, actor=actor, now=now)
    else:
        _set_candidate(session, flow, version, percent, segment, actor, now)


def activate(session: Session, flow: Flow, version: FlowVersion, *, actor: str | None, now: datetime,
             action: str = "activate", reason: str | None = None) -> None:
    """Make ``version`` the active one; the previously active version is retired."""
    release = release_of(session, flow)
    previous = session.get(FlowVersion, release.active_version_id) if release.active_version_id else None
    if previous is not None and previous.id != version.id:
        previous.state, previous.retired_at = "retired", now
    version.state, version.retired_at = "published", None
    version.published_at, version.published_by = now, actor
    flow.name = version.document.get("name") or flow.name
    flow.description = version.document.get("description") or ""
    flow.updated_at = now
    if release.candidate_version_id == version.id:
        _clear_candidate(release)
    release.active_version_id = version.id
    _changed(session, flow, release, action, version, previous, actor, now, reason=reason)


def _set_candidate(session: Session, flow: Flow, version: FlowVersion, percent: int | None, segment: str | None,
                   actor: str | None, now: datetime) -> None:
    release = release_of(session, flow)
    if release.active_version_id is None:
        raise VersionRefused(409, "API_RELEASE_STATE", key=flow.key, reason_zh="还没有生效版本，请先直接发布",
                             reason_en="it has no active version yet; publish this one as active")
    if release.candidate_version_id is not None:
        current = session.get(FlowVersion, release.candidate_version_id)
        raise VersionRefused(409, "API_RELEASE_STATE", key=flow.key,
                             reason_zh=f"已有候选版本 {current.number}，请先转正或撤回",
                             reason_en=f"version {current.number} is already the candidate; promote or roll it back")
    if version.document.get("kind") != flow.kind:
        raise VersionRefused(409, "API_RELEASE_STATE", key=flow.key, reason_zh="候选版本的类型与流程不同",
                             reason_en=f"a candidate must be a {flow.kind} flow like the active version")
    version.state, version.published_at, version.published_by = "published", now, actor
    release.candidate_version_id = version.id
    release.candidate_percent, release.candidate_segment = percent, segment
    active = session.get(FlowVersion, release.active_version_id)
    _changed(session, flow, release, "candidate", version, active, actor, now)


def change_share(session: Session, flow: Flow, *, percent: int | None, segment: str | None, actor: str | None,
                 now: datetime) -> None:
    """Serve the candidate to another share (orders already given it keep it: buckets only grow)."""
    release = release_of(session, flow)
    candidate = _candidate(session, flow, release)
    release.candidate_percent, release.candidate_segment = percent, segment
    _changed(session, flow, release, "candidate", candidate, None, actor, now)


def promote(session: Session, flow: Flow, *, actor: str | None, now: datetime) -> None:
    """The candidate becomes the active version for every new order."""
    candidate = _candidate(session, flow, release_of(session, flow))
    activate(session, flow, candidate, actor=actor, now=now, action="promote")


def withdraw(session: Session, flow: Flow, *, actor: str | None, now: datetime, action: str = "withdraw",
             reason: str | None = None, details: dict[str, Any] | None = None) -> FlowVersion:
    """Take the candidate out of service (retired); new orders get the active version again."""
    release = release_of(session, flow)
    candidate = _candidate(session, flow, release)
    candidate.state, candidate.retired_at = "retired", now
    _clear_candidate(release)
    active = session.get(FlowVersion, release.active_version_id) if release.active_version_id else None
    _changed(session, flow, release, action, candidate, active, actor, now, reason=reason, details=details)
    return candidate


def rollback(session: Session, flow: Flow, *, actor: str | None, now: datetime, comment: str | None) -> str:
    """One action back to safety: withdraw the candidate if there is one, else make the previously active
    version active again. Returns what was done (``withdrew`` / ``reactivated``)."""
    release = release_of(session, flow)
    if release.candidate_version_id is not None:
        withdraw(session, flow, actor=actor, now=now, action="rollback", reason=comment)
        return "withdrew"
    previous = previous_active(session, flow, release)
    if previous is None:
        raise VersionRefused(409, "API_RELEASE_STATE", key=flow.key, reason_zh="没有可以回滚到的上一个生效版本",
                             reason_en="there is no previously active version to roll back to")
    activate(session, flow, previous, actor=actor, now=now, action="rollback", reason=comment)
    return "reactivated"


def previous_active(session: Session, flow: Flow, release: FlowRelease) -> FlowVersion | None:
    """The version that was active before the current one became active by publishing or promotion."""
    if release.active_version_id is None:
        return None
    made_active = session.execute(
        select(ReleaseEvent.previous_version_id)
        .where(ReleaseEvent.flow_id == flow.id, ReleaseEvent.version_id == release.active_version_id,
               ReleaseEvent.action.in_(("activate", "promote")))
        .order_by(ReleaseEvent.id.desc()).limit(1)).first()
    previous_id = made_active[0] if made_active is not None else None
    if made_active is None:  # published before release events were kept: the last one retired
        previous_id = session.execute(
            select(FlowVersion.id).where(FlowVersion.flow_id == flow.id, FlowVersion.state == "retired",
                                         FlowVersion.published_at.is_not(None),
                                         FlowVersion.id != release.active_version_id)
            .order_by(FlowVersion.retired_at.desc(), FlowVersion.id.desc()).limit(1)).scalar()
    return session.get(FlowVersion, previous_id) if previous_id is not None else None


def retire(session: Session, flow: Flow, version: FlowVersion, *, actor: str | None, now: datetime) -> None:
    """Retire an approved or published version that serves no order (not active, not the candidate)."""
    release = release_of(session, flow)
    serving = version.id in (release.active_version_id, release.candidate_version_id)
    if version.state not in ("approved", "published") or serving:
        raise VersionRefused(409, "API_VERSION_STATE", number=version.number,
                             state="serving orders" if serving else version.state, action="retired")
    version.state, version.retired_at = "retired", now
    audit.record(session, actor=actor, action="version.retire", target_type="flow_version",
                 target_id=version_target(flow, version), before_hash=version.content_hash)


def candidate_since(session: Session, flow: Flow, candidate_id: int) -> datetime | None:
    """When the candidate first started serving orders (the guardrail's sample window starts there)."""
    return session.execute(select(func.min(ReleaseEvent.at)).where(
        ReleaseEvent.flow_id == flow.id, ReleaseEvent.version_id == candidate_id,
        ReleaseEvent.action == "candidate")).scalar()


def guard_settings(session: Session, flow_id: int) -> dict[str, Any]:
    """The flow's automatic-rollback settings (the defaults when it never set any)."""
    row = session.get(ReleaseGuard, flow_id)
    if row is None:
        return dict(DEFAULT_GUARD)
    return {"enabled": row.enabled, "min_sample": row.min_sample, "incident_margin": row.incident_margin,
            "sla_margin": row.sla_margin}


def set_guard(session: Session, flow: Flow, values: dict[str, Any], *, actor: str | None, now: datetime) -> None:
    """Change some of the flow's automatic-rollback settings."""
    row = session.get(ReleaseGuard, flow.id)
    before = guard_settings(session, flow.id)
    if row is None:
        row = ReleaseGuard(flow_id=flow.id, **before)
        session.add(row)
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at, row.updated_by = now, actor
    session.flush()
    audit.record(session, actor=actor, action="release.guard", target_type="flow_release", target_id=flow.key,
                 details={"before": _plain(before), "after": _plain(guard_settings(session, flow.id))})


def history(session: Session, flow: Flow, limit: int = HISTORY_LIMIT) -> list[dict[str, Any]]:
    """The flow's release events, newest first, with version numbers."""
    numbers = dict(session.execute(select(FlowVersion.id, FlowVersion.number).where(
        FlowVersion.flow_id == flow.id)).all())
    events = session.execute(select(ReleaseEvent).where(ReleaseEvent.flow_id == flow.id)
                             .order_by(ReleaseEvent.id.desc()).limit(limit)).scalars()
    return [{"at": e.at, "actor": e.actor, "action": e.action, "version": numbers.get(e.version_id),
             "previous_version": numbers.get(e.previous_version_id), "percent": e.percent, "segment": e.segment,
             "reason": e.reason, "details": e.details or {}} for e in events]


def _candidate(session: Session, flow: Flow, release: FlowRelease) -> FlowVersion:
    if release.candidate_version_id is None:
        raise VersionRefused(409, "API_RELEASE_STATE", key=flow.key, reason_zh="没有候选版本",
                             reason_en="it has no candidate version")
    return session.get(FlowVersion, release.candidate_version_id)


def _clear_candidate(release: FlowRelease) -> None:
    release.candidate_version_id = release.candidate_percent = release.candidate_segment = None


def _changed(session: Session, flow: Flow, release: FlowRelease, action: str, version: FlowVersion | None,
             previous: FlowVersion | None, actor: str | None, now: datetime, *, reason: str | None = None,
             details: dict[str, Any] | None = None) -> None:
    """Record a release change: the release record moves, a release event and an audit entry are written."""
    release.updated_at, release.updated_by = now, actor
    session.add(ReleaseEvent(flow_id=flow.id, at=now, actor=actor, action=action,
                             version_id=version.id if version else None,
                             previous_version_id=previous.id if previous else None,
                             percent=release.candidate_percent if action == "candidate" else None,
                             segment=release.candidate_segment if action == "candidate" else None,
                             reason=reason, details=details or {}))
    session.flush()
    audit.record(session, actor=actor, action=f"release.{action}", target_type="flow_release", target_id=flow.key,
                 before_hash=previous.content_hash if previous else None,
                 after_hash=version.content_hash if version else None, comment=reason,
                 details={"version": version.number if version else None,
                          "previous_version": previous.number if previous else None,
                          "percent": release.candidate_percent, "segment": release.candidate_segment,
                          **(details or {})})


def _plain(values: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, Decimal) else v for k, v in values.items()}
