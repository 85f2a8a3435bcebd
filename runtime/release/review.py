"""Review: a valid draft is submitted and frozen; a reviewer who is not its author approves or rejects it.

Submitted versions never change: submitting prints the canonical DSL, fixes both hashes and drops the
draft's editing state, and every later write refuses anything but a state change. A rejected version
stays rejected; its author starts a new draft from it (:func:`runtime.store.versions.new_draft`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dsl.document import behaviour_hash, content_hash
from dsl.text import print_flow
from runtime.store import audit
from runtime.store.models import Flow, FlowVersion, VersionDraft
from runtime.store.versions import InvalidDocument, VersionRefused, draft_problems, version_target

DECISIONS = {"approve": "approved", "reject": "rejected"}


def authors(version: FlowVersion) -> set[str]:
    """Who wrote the version (created or submitted it): none of them may review it."""
    return {name for name in (version.created_by, version.submitted_by) if name}


def submit(session: Session, flow: Flow, version: FlowVersion, *, actor: str | None, now: datetime) -> None:
    """Freeze a draft for review; :class:`InvalidDocument` (with every problem) if it is not a valid flow of
    this key and kind."""
    _expect(version, "draft", "submitted")
    problems = draft_problems(session, version)
    if any(p.severity == "error" for p in problems):
        raise InvalidDocument(problems)
    document = version.document
    if document.get("key") != flow.key or document.get("kind") != flow.kind:
        raise VersionRefused(422, "API_VERSION_MISMATCH", key=flow.key, kind=flow.kind)
    version.dsl = print_flow(document)
    version.content_hash, version.behaviour_hash = content_hash(document), behaviour_hash(document)
    version.state, version.submitted_at, version.submitted_by = "in_review", now, actor
    draft = session.get(VersionDraft, version.id)
    if draft is not None:
        session.delete(draft)
    session.flush()
    audit.record(session, actor=actor, action="version.submit", target_type="flow_version",
                 target_id=version_target(flow, version), after_hash=version.content_hash)


def review(session: Session, flow: Flow, version: FlowVersion, *, decision: str, comment: str | None,
           actor: str | None, now: datetime) -> None:
    """Approve or reject a version in review; its author never may (403)."""
    _expect(version, "in_review", "reviewed")
    if actor in authors(version):
        raise VersionRefused(403, "API_OWN_VERSION", number=version.number)
    version.state = DECISIONS[decision]
    version.reviewed_at, version.reviewed_by, version.review_comment = now, actor, comment
    session.flush()
    audit.record(session, actor=actor, action=f"version.{decision}", target_type="flow_version",
                 target_id=version_target(flow, version), before_hash=version.content_hash,
                 after_hash=version.content_hash, comment=comment)


def _expect(version: FlowVersion, state: str, action: str) -> None:
    if version.state != state:
        raise VersionRefused(409, "API_VERSION_STATE", number=version.number, state=version.state, action=action)
