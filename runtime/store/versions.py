"""Flows and their versions: publish a document, find a flow's active version, create flows and drafts,
save a draft (valid or not) under optimistic locking, copy a version into a new draft.

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
from dsl.validation import validate_document, validate_source
from dsl.validation.source import load_source
from runtime.store import audit
from runtime.store.models import Flow, FlowRelease, FlowVersion, VersionDraft
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

    Creates the flow on first publication; the previously active version becomes ``retired``; the
    release event and the audit entry are written in the same transaction (no review: this is the
    admin's ``orderloom publish`` and the demo seed).
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
        flow_id=flow.id, number=number, state="approved", document=document, dsl=print_flow(document),
        content_hash=digest, behaviour_hash=behaviour_hash(document), created_at=when, created_by=user)
    session.add(version)
    flow.kind = document.get("kind", flow.kind)
    session.flush()
    from runtime.store.releases import activate  # releases builds on this module

    activate(session, flow, version, actor=user, now=when, reason="published without review (orderloom publish)")
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


# ---- drafts: create, save (valid or not), copy -----------------------------------------------------------

class VersionRefused(Exception):
    """A change the version's state (or the caller) does not allow: an HTTP-like ``status``, a problem
    ``code`` of the API catalogue and the parameters of its message."""

    def __init__(self, status: int, code: str, **params: Any) -> None:
        super().__init__(f"{status} {code} {params}")
        self.status, self.code, self.params = status, code, params


def flow_by_key(session: Session, key: str, *, lock: bool = False) -> Flow:
    """The flow ``key`` (``FOR UPDATE`` with ``lock``), or :class:`VersionRefused` 404."""
    query = select(Flow).where(Flow.key == key[:63])
    if lock:
        query = query.with_for_update()
    flow = session.execute(query).scalar_one_or_none()
    if flow is None:
        raise VersionRefused(404, "API_FLOW_NOT_FOUND", id=key[:80])
    return flow


def version_of(session: Session, flow: Flow, number: int, *, lock: bool = False) -> FlowVersion:
    """Version ``number`` of ``flow``, or :class:`VersionRefused` 404."""
    query = select(FlowVersion).where(FlowVersion.flow_id == flow.id, FlowVersion.number == number)
    if lock:
        query = query.with_for_update()
    version = session.execute(query).scalar_one_or_none()
    if version is None:
        raise VersionRefused(404, "API_VERSION_NOT_FOUND", id=f"{flow.key} v{number}")
    return version


def draft_state(session: Session, version: FlowVersion) -> VersionDraft | None:
    return session.get(VersionDraft, version.id)


def etag(session: Session, version: FlowVersion) -> str:
    """The version's entity tag: a draft's revision (every save bumps it), else its content hash."""
    draft = draft_state(session, version)
    return f"r{draft.revision}-{version.content_hash[:16]}" if draft is not None else version.content_hash


def create_flow(session: Session, *, key: str, name: str, kind: str, description: str,
                document: dict[str, Any], actor: str | None, now: datetime) -> FlowVersion:
    """A new flow (with its release record) and its first draft holding ``document``; 409 if the key exists."""
    flow = Flow(key=key, name=name, kind=kind, description=description, created_by=actor, created_at=now,
                updated_at=now)
    try:
        with session.begin_nested():  # the key is unique: a concurrent creation of the same key loses here
            session.add(flow)
            session.flush()
    except IntegrityError:
        raise VersionRefused(409, "API_FLOW_EXISTS", key=key) from None
    session.add(FlowRelease(flow_id=flow.id, salt=secrets.token_hex(8), updated_at=now, updated_by=actor))
    version = _add_draft(session, flow, document, None, actor, now)
    audit.record(session, actor=actor, action="flow.create", target_type="flow", target_id=key,
                 after_hash=version.content_hash, details={"kind": kind, "name": name})
    return version


def new_draft(session: Session, flow: Flow, based_on: FlowVersion, *, actor: str | None,
              now: datetime) -> FlowVersion:
    """A new draft copied from ``based_on`` (any state: a rejected version's author starts over from it)."""
    copy = _add_draft(session, flow, based_on.document, based_on.id, actor, now)
    copy.dsl = based_on.dsl  # a draft's text as typed, or the canonical text of a frozen version
    origin = draft_state(session, based_on)
    if origin is not None:
        draft_state(session, copy).source = origin.source  # type: ignore[union-attr]
    audit.record(session, actor=actor, action="version.create", target_type="flow_version",
                 target_id=version_target(flow, copy), after_hash=copy.content_hash,
                 details={"based_on": based_on.number})
    return copy


def new_draft_from_document(session: Session, flow: Flow, document: dict[str, Any], *, actor: str | None,
                            now: datetime) -> FlowVersion:
    """A new draft holding ``document`` (an import); the caller records the audit entry."""
    return _add_draft(session, flow, document, None, actor, now)


def _add_draft(session: Session, flow: Flow, document: dict[str, Any], based_on_id: int | None,
               actor: str | None, now: datetime) -> FlowVersion:
    number = (session.execute(select(func.max(FlowVersion.number)).where(
        FlowVersion.flow_id == flow.id)).scalar() or 0) + 1
    version = FlowVersion(flow_id=flow.id, number=number, state="draft", document=document,
                          dsl=printed(document), content_hash=content_hash(document),
                          behaviour_hash=behaviour_hash(document), based_on_version_id=based_on_id,
                          created_at=now, created_by=actor)
    session.add(version)
    session.flush()
    session.add(VersionDraft(version_id=version.id, revision=1, source="document", updated_at=now, updated_by=actor))
    session.flush()
    return version


def save_draft(session: Session, flow: Flow, version: FlowVersion, *, if_match: list[str] | None, actor: str | None,
               now: datetime, document: dict[str, Any] | None = None, dsl: str | None = None,
               editing_session: str | None = None) -> FlowVersion:
    """Save a draft's content as JSON ``document`` or DSL text ``dsl`` — valid or not, it is kept.

    ``if_match`` (the If-Match header's tags) must name the draft's current :func:`etag` or be ``*`` (412
    otherwise, nothing written; 428 without the header). DSL text is
    kept as typed; when it parses, the document follows it, else the document stays as it was and the
    problems say where the text is broken. Only a draft can change (409 otherwise). The audit entry of
    the saves of one ``editing_session`` is one entry (coalesced)."""
    draft = draft_state(session, version)
    if version.state != "draft" or draft is None:
        raise VersionRefused(409, "API_VERSION_STATE", number=version.number, state=version.state, action="saved")
    if if_match is None:
        raise VersionRefused(428, "API_IF_MATCH_REQUIRED")
    if "*" not in if_match and etag(session, version) not in if_match:
        raise VersionRefused(412, "API_VERSION_STALE", number=version.number)
    before = version.content_hash
    if dsl is not None:
        version.dsl = dsl
        parsed = load_draft_text(dsl)
        if parsed is not None:
            document = parsed
        draft.source = "dsl"
    elif document is not None:
        version.dsl = printed(document)
        draft.source = "document"
    if document is not None:
        version.document = document
        version.content_hash = content_hash(document)
        version.behaviour_hash = behaviour_hash(document)
    draft.revision += 1
    draft.updated_at, draft.updated_by = now, actor
    session.flush()
    target = version_target(flow, version)
    coalesce = f"autosave:{flow.key}:{version.number}:{actor}:{editing_session}" if editing_session else None
    audit.record(session, actor=actor, action="version.save", target_type="flow_version", target_id=target,
                 before_hash=before, after_hash=version.content_hash, coalesce_key=coalesce,
                 details={"source": draft.source, "revision": draft.revision})
    return version


def version_target(flow: Flow, version: FlowVersion) -> str:
    """How the audit log names a version: ``<flow key>/v<number>``."""
    return f"{flow.key}/v{version.number}"


def draft_problems(session: Session, version: FlowVersion) -> list[Problem]:
    """The version's problems now: a draft saved as DSL is checked as text (line and column), else its
    document; sub-flow calls are checked against the published flows."""
    known = published_flow_keys(session)
    draft = draft_state(session, version)
    if draft is not None and draft.source == "dsl":
        return validate_source(version.dsl, syntax="dsl", known_flows=known).problems
    return validate_document(version.document, known_flows=known).problems


def printed(document: dict[str, Any]) -> str:
    """The canonical DSL of a document, or ``""`` for one too broken to print (a draft may be)."""
    try:
        return print_flow(document)
    except Exception:  # noqa: BLE001 - a work-in-progress document of any shape
        return ""


def load_draft_text(text: str) -> dict[str, Any] | None:
    """The document of a DSL text, or ``None`` when it does not parse."""
    loaded = load_source(text, "dsl")
    return loaded.document if isinstance(loaded.document, dict) else None
