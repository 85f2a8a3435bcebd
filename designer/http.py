"""Reading request bodies strictly: JSON only when it is JSON, loaded through a marshmallow schema."""

from __future__ import annotations

import json
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError

from designer.errors import ApiError, from_validation_error

JSON_TYPES = ("application/json",)


def is_json_request() -> bool:
    """True for ``application/json`` and any ``application/*+json`` body."""
    mimetype = request.mimetype or ""
    return mimetype in JSON_TYPES or (mimetype.startswith("application/") and mimetype.endswith("+json"))


def require_media_type(*expected: str) -> str:
    """The request's media type if it is one of ``expected`` (``json`` = any JSON type), else 415."""
    mimetype = request.mimetype or ""
    for kind in expected:
        if (kind == "json" and is_json_request()) or mimetype == kind:
            return kind
    shown = ", ".join("application/json" if k == "json" else k for k in expected)
    raise ApiError.of(415, "API_UNSUPPORTED_MEDIA_TYPE", "headers.Content-Type", got=mimetype or "(none)",
                      expected=shown)


def raw_body() -> bytes:
    """The body bytes; over ``MAX_CONTENT_LENGTH`` werkzeug raises 413 here."""
    return request.get_data(cache=True)


def json_body() -> Any:
    """Parse the body as strict JSON (UTF-8, no NaN/Infinity), or raise a located 400."""
    data = raw_body()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError.of(400, "API_BODY_ENCODING", "body", offset=exc.start) from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        problem = ApiError.of(400, "API_JSON_SYNTAX", "body", detail=exc.msg).problems[0]
        raise ApiError(400, [problem.at(exc.lineno, exc.colno)]) from None
    except ValueError as exc:
        raise ApiError.of(400, "API_JSON_SYNTAX", "body", detail=str(exc)) from None
    except RecursionError:
        raise ApiError.of(400, "API_JSON_SYNTAX", "body", detail="nesting is too deep") from None


def load_json(schema: Schema) -> dict[str, Any]:
    """The JSON body loaded through ``schema``; field errors become a 422 with ``body.<field>`` paths."""
    require_media_type("json")
    try:
        return schema.load(json_body())
    except ValidationError as exc:
        raise from_validation_error(exc) from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
