"""A flow and its versions as one JSON bundle (``orderloom.bundle/1``), and importing one: drafts only.

Nothing imported serves orders without review: each bundle version whose content the flow does not
have yet becomes a new draft (its state, reviews and publication stay behind in the bundle). A DSL file
imports the same way, as one draft.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsl.document import content_hash
from runtime.store import audit
from runtime.store.models import Flow, FlowVersion
from runtime.store.versions import VersionRefused, create_flow, new_draft_from_document, version_target

FORMAT = "orderloom.bundle/1"


def export_bundle(session: Session, flow: Flow, now: datetime) -> dict[str, Any]:
    """The flow and every version (oldest first) with its state, hashes and review."""
    versions = session.execute(select(FlowVersion).where(FlowVersion.flow_id == flow.id)
                               .order_by(FlowVersion.number)).scalars()
    return {"format": FORMAT, "exported_at": now.isoformat(),
            "flow": {"key": flow.key, "name": flow.name, "kind": flow.kind, "description": flow.description,
                     "priority": flow.priority},
            "versions": [{"number": v.number, "state": v.state, "document": v.document, "dsl": v.dsl,
                          "content_hash": v.content_hash, "created_by": v.created_by,
                          "review_comment": v.review_comment} for v in versions]}


def import_bundle(session: Session, bundle: dict[str, Any], *, actor: str | None,
                  now: datetime) -> dict[str, Any]:
    """New drafts for the bundle's versions the flow does not have (the flow is created if missing)."""
    meta = bundle["flow"]
    for item in bundle["versions"]:
        _check_version(meta, item)
    flow = session.execute(select(Flow).where(Flow.key == meta["key"]).with_for_update()).scalar_one_or_none()
    if flow is not None and flow.kind != meta["kind"]:
        raise VersionRefused(409, "API_VERSION_MISMATCH", key=flow.key, kind=flow.kind)
    known = set() if flow is None else set(session.execute(
        select(FlowVersion.content_hash).where(FlowVersion.flow_id == flow.id)).scalars())
    created, skipped = [], []
    for item in sorted(bundle["versions"], key=lambda v: v["number"]):
        digest = content_hash(item["document"])
        if digest in known:
            skipped.append(item["number"])
            continue
        known.add(digest)
        if flow is None:
            version = create_flow(session, key=meta["key"], name=meta["name"], kind=meta["kind"],
                                  description=meta.get("description", ""), document=item["document"],
                                  actor=actor, now=now)
            flow = session.get(Flow, version.flow_id)
        else:
            version = new_draft_from_document(session, flow, item["document"], actor=actor, now=now)
        created.append(version.number)
        audit.record(session, actor=actor, action="version.import", target_type="flow_version",
                     target_id=version_target(flow, version), after_hash=version.content_hash,
                     details={"bundle_version": item["number"], "bundle_state": item.get("state")})
    return {"flow": meta["key"], "created": created, "skipped": skipped}


def _check_version(meta: dict[str, Any], item: dict[str, Any]) -> None:
    """A bundle version must belong to the bundle's flow and match its recorded hash (when it has one)."""
    document = item["document"]
    number = item["number"]
    if document.get("key") != meta["key"] or document.get("kind") != meta["kind"]:
        raise VersionRefused(422, "API_BUNDLE_INVALID",
                             detail=f"version {number}: the document's key and kind must be the flow's")
    if item.get("content_hash") and item["content_hash"] != content_hash(document):
        raise VersionRefused(422, "API_BUNDLE_INVALID",
                             detail=f"version {number}: the content hash does not match the document")


def import_document(session: Session, document: dict[str, Any], *, actor: str | None, now: datetime) -> FlowVersion:
    """A document (e.g. a DSL file) as a new draft of its flow, created if missing."""
    key, kind = document.get("key"), document.get("kind")
    flow = session.execute(select(Flow).where(Flow.key == key).with_for_update()).scalar_one_or_none()
    if flow is None:
        return create_flow(session, key=key, name=str(document.get("name") or key)[:200], kind=kind,
                           description=str(document.get("description") or ""), document=document, actor=actor,
                           now=now)
    if flow.kind != kind:
        raise VersionRefused(409, "API_VERSION_MISMATCH", key=flow.key, kind=flow.kind)
    version = new_draft_from_document(session, flow, document, actor=actor, now=now)
    audit.record(session, actor=actor, action="version.import", target_type="flow_version",
                 target_id=version_target(flow, version), after_hash=version.content_hash)
    return version
