"""Flows, versions and release: publish a document, find a flow's active version.

Returns frozen :class:`VersionRecord` values, not ORM rows, so callers outside the store never
hold SQLAlchemy objects.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dsl.document import behaviour_hash, content_hash
from dsl.problems import Problem
from dsl.text import print_flow
from dsl.validation import validate_document
from runtime.store.models import Flow, FlowRelease, FlowVersion
from runtime.store.types import as_utc, utcnow


class InvalidDocument(ValueError):
    """A flow document that does not validate; ``problems`` are the validator's, with paths and codes."""

    def __init__(self, problems: list[Problem]) -> None:
        errors = [p for p in problems if p.severity == "error"] or problems
        first = errors[0] if errors else None
        summary = f"{first.path or '(document)'}: {first.message_en}" if first else "not a flow document"
        super().__init__(f"the flow document is invalid ({len(errors)} problem(s)); first: {summary}")
        self.problems = problems


@dataclass(frozen=True)
class VersionRecord:
    """A flow version as the rest of Orderloom sees it."""

    id: int
    flow_id: int
    flow_key: str
    kind: str
    number: int
    state: str
    content_hash: str
    behaviour_hash: str
    document: dict[str, Any]
    published_at: datetime | None
    created: bool = True


def _record(flow: Flow, version: FlowVersion, created: bool = True) -> VersionRecord:
    return VersionRecord(id=version.id, flow_id=flow.id, flow_key=flow.key, kind=flow.kind,
                         number=version.number, state=version.state, content_hash=version.content_hash,
                         behaviour_hash=version.behaviour_hash, document=version.document,
                         published_at=version.published_at, created=created)


def published_flow_keys(session: Session) -> set[str]:
    """Keys of the flows that have an active version (what a sub-flow node may call)."""
    return set(session.execute(
        select(Flow.key).join(FlowRelease, FlowRelease.flow_id == Flow.id)
        .where(FlowRelease.active_version_id.is_not(None))).scalars())


def publish_document(session: Session, document: dict[str, Any], *, user: str | None = None,
                     now: datetime | None = None, check_subflows: bool = True) -> VersionRecord:
    """Store ``document`` as a new published version of its flow and make it the active one.

    Creates the flow on first publication; the previously active version becomes ``retired``.
    Publishing the document that is already active (same content hash) changes nothing and
    returns that version with ``created=False``, so re-running a seed is harmless. Raises
    :class:`InvalidDocument` if the document does not validate (sub-flows must already be published
    unless ``check_subflows`` is false).
    """
    known = published_flow_keys(session) if check_subflows else None
    validation = validate_document(document, known_flows=known)
    if not validation.valid:
        raise InvalidDocument(validation.problems)
    when = as_utc(now) if now is not None else utcnow()
    flow = _flow_for(session, document, user, when)
    release = session.execute(
        select(FlowRelease).where(FlowRelease.flow_id == flow.id).with_for_update()).scalar_one()
    digest = content_hash(document)
    active = session.get(FlowVersion, release.active_version_id) if release.active_version_id else None
    if active is not None and active.content_hash == digest:
        return _record(flow, active, created=False)
    number = (session.execute(select(func.max(FlowVersion.number)).where(
        FlowVersion.flow_id == flow.id)).scalar() or 0) + 1
    version = FlowVersion(
        flow_id=flow.id, number=number, state="published", document=document, dsl=print_flow(document),
        content_hash=digest, behaviour_hash=behaviour_hash(document), created_at=when, created_by=user,
        published_at=when, published_by=user)
    session.add(version)
    if active is not None:
        active.state = "retired"
        active.retired_at = when
    flow.name = document.get("name", flow.name)
    flow.kind = document.get("kind", flow.kind)
    flow.description = document.get("description", "") or ""
    session.flush()
    release.active_version_id = version.id
    release.updated_at = when
    release.updated_by = user
    session.flush()
    return _record(flow, version)


def _flow_for(session: Session, document: dict[str, Any], user: str | None, when: datetime) -> Flow:
    """The flow with the document's key, created (with its release record) if it does not exist yet."""
    key = document["key"]
    flow = session.execute(select(Flow).where(Flow.key == key)).scalar_one_or_none()
    if flow is not None:
        return flow
    try:
        with session.begin_nested():
            flow = Flow(key=key, name=document.get("name", key), kind=document["kind"],
                        description=document.get("description", "") or "", created_by=user,
                        created_at=when, updated_at=when)
            session.add(flow)
            session.flush()
            session.add(FlowRelease(flow_id=flow.id, salt=secrets.token_hex(8), updated_at=when,
                                    updated_by=user))
            session.flush()
    except IntegrityError:  # created concurrently by another publisher
        return session.execute(select(Flow).where(Flow.key == key)).scalar_one()
    return flow


def active_version(session: Session, flow_key: str) -> VersionRecord | None:
    """The active version of the flow ``flow_key``, or ``None`` if it has none."""
    row = session.execute(
        select(Flow, FlowVersion)
        .join(FlowRelease, FlowRelease.flow_id == Flow.id)
        .join(FlowVersion, FlowVersion.id == FlowRelease.active_version_id)
        .where(Flow.key == flow_key)).first()
    return _record(row[0], row[1], created=False) if row else None


def active_versions(session: Session, kind: str) -> list[VersionRecord]:
    """The active versions of every flow of ``kind`` (a pipeline stage), in the stage's priority order."""
    rows = session.execute(
        select(Flow, FlowVersion)
        .join(FlowRelease, FlowRelease.flow_id == Flow.id)
        .join(FlowVersion, FlowVersion.id == FlowRelease.active_version_id)
        .where(Flow.kind == kind).order_by(Flow.priority, Flow.key)).all()
    return [_record(flow, version, created=False) for flow, version in rows]
