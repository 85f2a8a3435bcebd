"""``GET /api/openapi.json``: the OpenAPI 3.1 document of this API."""

from flask import Blueprint, current_app, jsonify

from designer.openapi import operation

bp = Blueprint("openapi", __name__)


@bp.get("/openapi.json")
@operation(tags=["meta"], response={"type": "object", "description": "An OpenAPI 3.1 document"})
def get_openapi():
    """This API's OpenAPI 3.1 document, generated from its marshmallow schemas and views."""
    return jsonify(current_app.extensions["orderloom.openapi"])
