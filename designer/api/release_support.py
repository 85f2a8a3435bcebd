"""What the flow, version, review, release and bundle blueprints share: who acts, the clock, one transaction
per change (its audit entry inside), the store's refusals as problem details, and the answers' shapes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from designer.api.support import transaction
from designer.auth import current_user
from designer.errors import ApiError
from designer.extensions import runtime
from runtime.release.guard import verdict
from runtime.store import releases
from runtime.store.models import Flow, FlowRelease, FlowVersion
from runtime.store.versions import (
    InvalidDocument,
    VersionRefused,
    draft_problems,
    draft_state,
    etag,
    flow_by_key,
    version_of,
)

_PATHS = {404: "url", 412: "headers.If-Match", 428: "headers.If-Match"}


def who() -> str:
    """The signed-in user's name (every endpoint here needs one: the guard has checked)."""
    user = current_user()
    if user is None:
        raise ApiError.of(401, "API_AUTH_REQUIRED")
    return user.username


def clock() -> datetime:
    """The runtime's clock: release events and instances are compared on the same time line."""
    return runtime.now()


def created(view: Callable) -> Callable:
    """Document a view's success status as 201 Created (see ``designer.openapi``)."""
    view.success_status = 201  # type: ignore[attr-defined]
    return view


@contextmanager
def governed() -> Iterator[Session]:
    """One transaction for a change and its audit entry; the store's refusals become problem details."""
    try:
        with transaction() as session:
            yield session
    except VersionRefused as exc:
        raise refusal(exc) from None
    except InvalidDocument as exc:
        raise ApiError(422, exc.problems) from None


def refusal(exc: VersionRefused) -> ApiError:
    return ApiError.of(exc.status, exc.code, _PATHS.get(exc.status, ""), **exc.params)


def load(session: Session, key: str, number: int | None = None, *, lock: bool = False
         ) -> tuple[Flow, FlowVersion | None]:
    """The flow ``key`` and its version ``number`` (when given); 404 problem details if unknown."""
    try:
        flow = flow_by_key(session, key, lock=lock)
        return flow, (version_of(session, flow, number, lock=lock) if number is not None else None)
    except VersionRefused as exc:
        raise refusal(exc) from None


def etag_header(session: Session, version: FlowVersion) -> dict[str, str]:
    return {"ETag": f'"{etag(session, version)}"'}


def if_match_tags(header: str | None) -> list[str] | None:
    """The entity tags of an If-Match header (``None`` without one)."""
    if header is None or not header.strip():
        return None
    return [t.strip().removeprefix("W/").strip('"') for t in header.split(",")]


def version_summary(version: FlowVersion, numbers: dict[int, int]) -> dict[str, Any]:
    return {"number": version.number, "state": version.state, "content_hash": version.content_hash,
            "behaviour_hash": version.behaviour_hash, "based_on": numbers.get(version.based_on_version_id or 0),
            "created_by": version.created_by, "created_at": version.created_at,
            "submitted_by": version.submitted_by, "reviewed_by": version.reviewed_by,
            "published_at": version.published_at}


def version_view(session: Session, flow: Flow, version: FlowVersion) -> dict[str, Any]:
    """A version as ``GET /api/flows/{key}/versions/{n}`` answers (problems computed now)."""
    draft = draft_state(session, version)
    problems = draft_problems(session, version)
    based_on = session.get(FlowVersion, version.based_on_version_id) if version.based_on_version_id else None
    release = releases.release_of(session, flow, lock=False)
    serving = ("active" if version.id == release.active_version_id
               else "candidate" if version.id == release.candidate_version_id else None)
    return {**version_summary(version, {based_on.id: based_on.number} if based_on else {}),
            "key": flow.key, "document": version.document, "dsl": version.dsl,
            "valid": not any(p.severity == "error" for p in problems), "problems": [p.to_dict() for p in problems],
            "source": draft.source if draft else None, "revision": draft.revision if draft else None,
            "etag": etag(session, version), "updated_at": draft.updated_at if draft else None,
            "submitted_at": version.submitted_at, "reviewed_at": version.reviewed_at,
            "review_comment": version.review_comment, "published_by": version.published_by,
            "retired_at": version.retired_at, "serving": serving}


def release_view(session: Session, flow: Flow) -> dict[str, Any]:
    """``GET /api/flows/{key}/release``: active, candidate, the guardrail (settings and reading), history."""
    release = releases.release_of(session, flow, lock=False)
    active = session.get(FlowVersion, release.active_version_id) if release.active_version_id else None
    candidate = session.get(FlowVersion, release.candidate_version_id) if release.candidate_version_id else None
    settings = {k: str(v) if k.endswith("margin") else v
                for k, v in releases.guard_settings(session, flow.id).items()}
    reading = verdict(session, flow, release, clock())
    if reading is not None:
        reading = {k: v for k, v in reading.items() if k != "since"}
    return {"key": flow.key, "active": _serving(active), "history": releases.history(session, flow),
            "candidate": None if candidate is None else {
                **_serving(candidate), "percent": release.candidate_percent,  # type: ignore[dict-item]
                "segment": release.candidate_segment,
                "since": releases.candidate_since(session, flow, candidate.id)},
            "auto_rollback": {**settings, "reading": reading}}


def _serving(version: FlowVersion | None) -> dict[str, Any] | None:
    """A version that serves (or served) orders, as the flow list and the release show it."""
    if version is None:
        return None
    return {"id": version.id, "number": version.number, "state": version.state,
            "content_hash": version.content_hash, "behaviour_hash": version.behaviour_hash,
            "published_at": version.published_at, "published_by": version.published_by}


def flow_summaries(session: Session, flows: list[Flow]) -> list[dict[str, Any]]:
    """The flow list's rows: each flow with its active, newest and candidate versions (five statements)."""
    ids = [f.id for f in flows]
    release_rows = {r.flow_id: r for r in session.execute(
        select(FlowRelease).where(FlowRelease.flow_id.in_(ids))).scalars()}
    counts = dict(session.execute(select(FlowVersion.flow_id, func.count()).where(FlowVersion.flow_id.in_(ids))
                                  .group_by(FlowVersion.flow_id)).all())
    newest = select(FlowVersion.flow_id, func.max(FlowVersion.number).label("n")).where(
        FlowVersion.flow_id.in_(ids)).group_by(FlowVersion.flow_id).subquery()
    latest = {v.flow_id: v for v in session.execute(select(FlowVersion).join(
        newest, (newest.c.flow_id == FlowVersion.flow_id) & (newest.c.n == FlowVersion.number))).scalars()}
    wanted = {i for r in release_rows.values() for i in (r.active_version_id, r.candidate_version_id) if i}
    serving = {v.id: v for v in session.execute(select(FlowVersion).where(FlowVersion.id.in_(wanted))).scalars()}
    return [_summary(f, release_rows.get(f.id), serving, latest.get(f.id), counts.get(f.id, 0)) for f in flows]


def _summary(flow: Flow, release: FlowRelease | None, serving: dict[int, FlowVersion], latest: FlowVersion | None,
             count: int) -> dict[str, Any]:
    active = serving.get(release.active_version_id) if release and release.active_version_id else None
    candidate = serving.get(release.candidate_version_id) if release and release.candidate_version_id else None
    return {
        "key": flow.key, "name": flow.name, "kind": flow.kind, "description": flow.description,
        "priority": flow.priority, "versions": count,
        "active_version": _serving(active),
        "latest_version": None if latest is None else {
            "number": latest.number, "state": latest.state, "created_by": latest.created_by,
            "created_at": latest.created_at},
        "candidate": None if candidate is None or release is None else {
            "number": candidate.number, "percent": release.candidate_percent, "segment": release.candidate_segment},
    }
