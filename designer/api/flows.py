"""``/api/flows``: the flows with their active versions, in pipeline order (publishing is `orderloom publish`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlalchemy import case, func, select

from designer.api.support import load_query, not_found, reading
from designer.openapi import operation
from designer.schemas.flows import FlowDetailSchema, FlowListSchema, FlowQuerySchema
from runtime.store.models import Flow, FlowRelease, FlowVersion

bp = Blueprint("flows", __name__)

STAGES = ("intake", "approval", "routing", "return", "subflow")
_KIND_PARAM = {"name": "kind", "in": "query", "required": False,
               "schema": {"type": "string", "enum": list(STAGES)}, "description": "Only flows of this stage"}


@bp.get("/flows")
@operation(tags=["flows"], response=FlowListSchema, errors=(422,), parameters=(_KIND_PARAM,))
def list_flows():
    """Every flow in pipeline order (stage, then priority), with its active version."""
    query = load_query(FlowQuerySchema())
    stage_order = case({k: i for i, k in enumerate(STAGES)}, value=Flow.kind, else_=len(STAGES))
    with reading() as session:
        q = _rows().order_by(stage_order, Flow.priority, Flow.key)
        if "kind" in query:
            q = q.where(Flow.kind == query["kind"])
        return FlowListSchema().dump({"flows": [_flow(*row) for row in session.execute(q)]})


@bp.get("/flows/<key>")
@operation(tags=["flows"], response=FlowDetailSchema, errors=(404,))
def get_flow(key: str):
    """One flow with its active version's document and DSL text."""
    with reading() as session:
        row = session.execute(_rows().where(Flow.key == key[:63])).first()
        if row is None:
            raise not_found("API_FLOW_NOT_FOUND", key)
        answer = _flow(*row)
        version = row[1]
        answer.update(document=version.document if version else None, dsl=version.dsl if version else None)
        return FlowDetailSchema().dump(answer)


def _rows():
    count = (select(func.count(FlowVersion.id)).where(FlowVersion.flow_id == Flow.id)
             .correlate(Flow).scalar_subquery())
    return (select(Flow, FlowVersion, count)
            .outerjoin(FlowRelease, FlowRelease.flow_id == Flow.id)
            .outerjoin(FlowVersion, FlowVersion.id == FlowRelease.active_version_id))


def _flow(flow: Flow, version: FlowVersion | None, versions: int) -> dict[str, Any]:
    active = None
    if version is not None:
        active = {"id": version.id, "number": version.number, "state": version.state,
                  "content_hash": version.content_hash, "behaviour_hash": version.behaviour_hash,
                  "published_at": version.published_at, "published_by": version.published_by}
    return {"key": flow.key, "name": flow.name, "kind": flow.kind, "description": flow.description,
            "priority": flow.priority, "active_version": active, "versions": versions}
