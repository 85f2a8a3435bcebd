"""``POST /api/validate``: a flow, as JSON or as DSL text, in; its problems out."""

from typing import Any

from flask import Blueprint, request

from designer.http import load_json, raw_body, require_media_type
from designer.openapi import operation
from designer.schemas.validation import ValidateRequestSchema, ValidationResultSchema
from dsl.document import behaviour_hash, content_hash
from dsl.validation import validate_document, validate_source

bp = Blueprint("validation", __name__)

_KNOWN_FLOWS_PARAM = {
    "name": "known_flows", "in": "query", "required": False, "schema": {"type": "string"},
    "description": "For `text/plain` bodies: comma-separated keys of the flows that exist",
}


@bp.post("/validate")
@operation(tags=["validation"], request=ValidateRequestSchema, response=ValidationResultSchema,
           request_media_types=("application/json", "text/plain"), errors=(400, 413, 415, 422),
           parameters=(_KNOWN_FLOWS_PARAM,))
def validate_flow():
    """Check a flow and return its problems.

    Send JSON `{"document": {...}}` or `{"dsl": "..."}` (optionally `known_flows`), or the DSL
    text itself as `text/plain`. A flow with problems is still a 200 with `valid: false`;
    only a malformed request is a 4xx.
    """
    if require_media_type("json", "text/plain") == "text/plain":
        known = [k.strip() for k in request.args.get("known_flows", "").split(",") if k.strip()]
        result = validate_source(raw_body(), syntax="dsl", known_flows=set(known) if known else None)
    else:
        body = load_json(ValidateRequestSchema())
        known_flows = set(body["known_flows"]) if "known_flows" in body else None
        if "document" in body:
            result = validate_document(body["document"], known_flows=known_flows)
        else:
            result = validate_source(body["dsl"], syntax="dsl", known_flows=known_flows)
    return ValidationResultSchema().dump(_answer(result))


def _answer(result: Any) -> dict[str, Any]:
    document = result.document
    return {
        "valid": result.valid,
        "problems": [p.to_dict() for p in result.problems],
        "document": document,
        "content_hash": content_hash(document) if document is not None else None,
        "behaviour_hash": behaviour_hash(document) if document is not None else None,
    }
