"""``/api/schemas/*`` and ``/api/problem-codes``: the published contracts the canvas reads."""

from flask import Blueprint, Response, json, request

from designer.api.support import not_found
from designer.openapi import operation
from designer.problem_codes import all_codes
from designer.schemas.problems import ProblemCodesSchema
from dsl.document import flow_schema
from dsl.order_model import order_model_schema
from runtime import contracts

bp = Blueprint("schemas", __name__)

SCHEMA_JSON = "application/schema+json"
_ANY_SCHEMA = {"type": "object", "description": "A JSON Schema (draft 2020-12)"}


@bp.get("/schemas/flow")
@operation(tags=["schemas"], response=_ANY_SCHEMA, media_type=SCHEMA_JSON)
def get_flow_schema():
    """The flow document's JSON Schema (`orderloom.flow/1`)."""
    return _schema_response(flow_schema())


@bp.get("/schemas/order-model")
@operation(tags=["schemas"], response=_ANY_SCHEMA, media_type=SCHEMA_JSON)
def get_order_model_schema():
    """What a flow's expressions can read: order, lines, customer, aggregates, context."""
    return _schema_response(order_model_schema())


@bp.get("/schemas/contracts/<name>")
@operation(tags=["schemas"], response=_ANY_SCHEMA, media_type=SCHEMA_JSON, errors=(404,))
def get_contract(name: str):
    """A published runtime contract: `step`, `live-events` or `stream-record` (JSON Schema files)."""
    try:
        return _schema_response(contracts.load(name))
    except KeyError:
        raise not_found("API_CONTRACT_NOT_FOUND", name) from None


@bp.get("/problem-codes")
@operation(tags=["schemas"], response=ProblemCodesSchema)
def list_problem_codes():
    """The catalogue of problem codes with their zh/en message templates, for the UI."""
    codes = [{"code": code, "severity": e.severity, "message_zh": e.zh, "message_en": e.en}
             for code, e in sorted(all_codes().items())]
    return ProblemCodesSchema().dump({"codes": codes})


def _schema_response(schema: dict) -> Response:
    """A JSON Schema document with an ETag, so the canvas can revalidate cheaply."""
    response = Response(json.dumps(schema, ensure_ascii=False), mimetype=SCHEMA_JSON)
    response.add_etag()
    return response.make_conditional(request)
