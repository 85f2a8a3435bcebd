"""``/api/flows``: the flows in pipeline order, one flow with its versions and release, creating a flow
(blank or from a template: its first draft) and changing its name, description or priority."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlalchemy import case, or_, select

from designer.api.release_support import (
    clock,
    created,
    etag_header,
    flow_summaries,
    governed,
    load,
    release_view,
    version_summary,
    version_view,
    who,
)
from designer.api.support import load_query, reading
from designer.api.templates import template_document
from designer.auth import current_user
from designer.errors import ApiError
from designer.http import load_json
from designer.openapi import operation
from designer.schemas.flows import (
    FlowDetailSchema,
    FlowListSchema,
    FlowPatchSchema,
    FlowQuerySchema,
    FlowSchema,
    NewFlowSchema,
)
from designer.schemas.versions import CreatedFlowSchema
from dsl.document import FORMAT, KINDS
from runtime.store import audit
from runtime.store.models import Flow, FlowVersion
from runtime.store.versions import create_flow as store_create_flow

bp = Blueprint("flows", __name__)

_PARAMS = tuple({"name": name, "in": "query", "required": False, "schema": schema, "description": text}
                for name, schema, text in (
                    ("kind", {"type": "string", "enum": list(KINDS)}, "Only flows of this stage"),
                    ("state", {"type": "string"}, "Only flows whose newest version is in this state"),
                    ("q", {"type": "string"}, "Part of the key or the name")))


@bp.get("/flows")
@operation(tags=["flows"], response=FlowListSchema, errors=(422,), parameters=_PARAMS)
def list_flows():
    """Every flow in pipeline order (stage, then priority): active, newest and candidate versions."""
    query = load_query(FlowQuerySchema())
    stage_order = case({k: i for i, k in enumerate(KINDS)}, value=Flow.kind, else_=len(KINDS))
    with reading() as session:
        q = select(Flow).order_by(stage_order, Flow.priority, Flow.key)
        if "kind" in query:
            q = q.where(Flow.kind == query["kind"])
        if query.get("q"):
            like = f"%{query['q'].replace('%', '').replace('_', '')}%"
            q = q.where(or_(Flow.key.ilike(like), Flow.name.ilike(like)))
        rows = flow_summaries(session, list(session.execute(q).scalars()))
        if "state" in query:
            rows = [r for r in rows if (r["latest_version"] or {}).get("state") == query["state"]]
        return FlowListSchema().dump({"flows": rows})


@bp.get("/flows/<key>")
@operation(tags=["flows"], response=FlowDetailSchema, errors=(404,))
def get_flow(key: str):
    """One flow: its active version's document and DSL text, every version (newest first) and its release."""
    with reading() as session:
        flow, _ = load(session, key)
        answer = flow_summaries(session, [flow])[0]
        versions = list(session.execute(select(FlowVersion).where(FlowVersion.flow_id == flow.id)
                                        .order_by(FlowVersion.number.desc())).scalars())
        numbers = {v.id: v.number for v in versions}
        active = next((v for v in versions if answer["active_version"] and v.id == answer["active_version"]["id"]),
                      None)
        answer.update(document=active.document if active else None, dsl=active.dsl if active else None,
                      versions=[version_summary(v, numbers) for v in versions], release=release_view(session, flow))
        return FlowDetailSchema().dump(answer)


@bp.post("/flows")
@created
@operation(tags=["flows"], request=NewFlowSchema, response=CreatedFlowSchema, errors=(400, 404, 409, 415, 422))
def create_flow():
    """Create a flow and its first draft: a minimal flow of its kind, or a template's flow under the new key.

    The draft may be edited at once (`PUT .../versions/1` with the answer's ETag)."""
    body = load_json(NewFlowSchema())
    document = _starting_document(body)
    with governed() as session:
        version = store_create_flow(session, key=body["key"], name=body["name"], kind=body["kind"],
                                    description=body["description"], document=document, actor=who(), now=clock())
        flow, _ = load(session, body["key"])
        answer = CreatedFlowSchema().dump({"flow": flow_summaries(session, [flow])[0],
                                           "version": version_view(session, flow, version)})
        return answer, 201, etag_header(session, version)


@bp.patch("/flows/<key>")
@operation(tags=["flows"], request=FlowPatchSchema, response=FlowSchema, errors=(400, 403, 404, 415, 422))
def patch_flow(key: str):
    """Change a flow's name, description or priority (the order of flows within a stage: reviewers only)."""
    body = load_json(FlowPatchSchema())
    user = current_user()
    if "priority" in body and (user is None or not user.may("flow.review")):
        raise ApiError.of(403, "API_FORBIDDEN", "body.priority", role=user.role if user else "anonymous",
                          permission="flow.review")
    with governed() as session:
        flow, _ = load(session, key, lock=True)
        before = {name: getattr(flow, name) for name in body}
        for name, value in body.items():
            setattr(flow, name, value)
        flow.updated_at = clock()
        audit.record(session, actor=who(), action="flow.update", target_type="flow", target_id=flow.key,
                     details={"before": before, "after": body})
        session.flush()
        return FlowSchema().dump(flow_summaries(session, [flow])[0])


def _starting_document(body: dict[str, Any]) -> dict[str, Any]:
    """A template's document under the new key, or a minimal flow of the kind (one end node)."""
    if "template" in body:
        document = template_document(body["template"])
        if document["kind"] != body["kind"]:
            raise ApiError.of(422, "API_FIELD_INVALID", "body.kind",
                              detail=f"the template is a {document['kind']} flow")
    else:
        document = {"format": FORMAT, "kind": body["kind"], "trigger": {"start": "done"},
                    "nodes": [{"id": "done", "type": "end", "label": "结束", "config": {"outcome": "done"},
                               "ui": {"x": 80, "y": 80}}],
                    "edges": []}
    document.update(key=body["key"], name=body["name"])
    if body.get("description") or "template" not in body:
        document["description"] = body.get("description", "")
    return document
