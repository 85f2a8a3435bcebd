"""``POST /api/dry-runs``: run a draft flow on a sample order in a sandbox — the canvas's test run."""

from __future__ import annotations

from flask import Blueprint

from designer.api.support import reading, runtime_errors
from designer.errors import ApiError
from designer.extensions import runtime
from designer.http import load_json
from designer.openapi import operation
from designer.schemas.dry_runs import DryRunRequestSchema, DryRunResultSchema
from dsl.validation import validate_document, validate_source
from runtime.store.versions import published_flow_keys

bp = Blueprint("dry_runs", __name__)


@bp.post("/dry-runs")
@operation(tags=["dry runs"], request=DryRunRequestSchema, response=DryRunResultSchema,
           errors=(400, 413, 415, 422))
@runtime_errors
def dry_run():
    """Run a flow (document or DSL text) on an order with the real engine in a sandbox; change nothing.

    A draft with problems is a 422 carrying the validator's problems (document paths under
    `body.document`, or line and column of `body.dsl`). Stock and master data are copied from the
    database unless `snapshot` gives them; effects are recorded in the answer, never delivered.
    """
    body = load_json(DryRunRequestSchema())
    with reading() as session:
        known = published_flow_keys(session)
    if "dsl" in body:
        result = validate_source(body["dsl"], syntax="dsl", known_flows=known)
        root = "body.dsl"
    else:
        result = validate_document(body["document"], known_flows=known)
        root = "body.document"
    errors = [p for p in result.problems if p.severity == "error"]
    if errors or result.document is None:
        problems = [p if root == "body.dsl" and p.line is not None else p.under(root) for p in result.problems]
        raise ApiError(422, problems or errors)
    answer = runtime.rt.dry_run(result.document, body["order"], snapshot=body.get("snapshot"),
                                clock=body.get("clock"), human=body["human"])
    return DryRunResultSchema().dump(answer)
