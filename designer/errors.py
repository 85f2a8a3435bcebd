"""The one error helper: every 4xx/5xx leaves the API as ``application/problem+json`` (RFC 9457).

Body: ``type`` (a link into the problem-code catalogue), ``title``, ``status``, ``detail``,
plus ``problems: [{path, code, severity, message_zh, message_en, line?, column?}]``, the
same shape ``POST /api/validate`` uses for a flow's problems.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, json, request
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from designer.problem_codes import api_problem
from dsl.problems import Problem

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger(__name__)


class ApiError(Exception):
    """A request the API refuses: an HTTP status and the problems that explain it."""

    def __init__(self, status: int, problems: Iterable[Problem], *, code: str | None = None,
                 headers: dict[str, str] | None = None, extensions: dict[str, Any] | None = None):
        self.status = status
        self.problems = list(problems)
        self.code = code or (self.problems[0].code if self.problems else "API_HTTP_ERROR")
        self.headers = headers or {}
        self.extensions = extensions or {}
        super().__init__(f"{status} {self.code}")

    def with_extensions(self, **members: Any) -> ApiError:
        """The same error with extra RFC 9457 members in its body (e.g. a health report)."""
        self.extensions.update(members)
        return self

    @classmethod
    def of(cls, status: int, code: str, path: str = "", **params: Any) -> ApiError:
        """An error carrying one request problem from the API code table."""
        return cls(status, [api_problem(code, path, **params)])


def problem_response(error: ApiError) -> Response:
    """Render an :class:`ApiError` as RFC 9457 problem details."""
    title = HTTPStatus(error.status).phrase
    body: dict[str, Any] = {
        "type": f"/api/problem-codes#{error.code}",
        "title": title,
        "status": error.status,
        "detail": "; ".join(p.message_en for p in error.problems) or title,
        "instance": request.path,
        **error.extensions,
        "problems": [p.to_dict() for p in error.problems],
    }
    response = Response(json.dumps(body, ensure_ascii=False), status=error.status, mimetype=PROBLEM_JSON)
    for name, value in error.headers.items():
        response.headers[name] = value
    return response


def register_error_handlers(app: Flask) -> None:
    """Route every error the app can raise through :func:`problem_response`."""
    app.register_error_handler(ApiError, problem_response)
    app.register_error_handler(ValidationError, lambda exc: problem_response(from_validation_error(exc)))
    app.register_error_handler(HTTPException, lambda exc: problem_response(from_http_exception(exc)))
    app.register_error_handler(Exception, _internal_error)


def from_validation_error(exc: ValidationError, root: str = "body") -> ApiError:
    """422 with one problem per marshmallow message, each at its field path (``body.format``)."""
    return ApiError(422, list(_field_problems(exc.messages, root)), code="API_FIELD_INVALID")


def from_http_exception(exc: HTTPException) -> ApiError:
    """Werkzeug's routing and body errors (404, 405, 413, ...) as located problems."""
    status = exc.code or 500
    headers = {k: v for k, v in exc.get_headers() if k.lower() == "allow"}
    if status == 404:
        return ApiError.of(404, "API_NOT_FOUND", "url", url=request.path)
    if status == 405:
        allowed = headers.get("Allow", "")
        return ApiError(405, [api_problem("API_METHOD_NOT_ALLOWED", method=request.method, allowed=allowed)],
                        headers=headers)
    if status == 413:
        limit = request.max_content_length or 0
        return ApiError.of(413, "API_BODY_TOO_LARGE", "body", limit=limit)
    if status == 400:
        return ApiError.of(400, "API_BAD_REQUEST", "body", detail=exc.description or "bad request")
    if status >= 500:
        return ApiError.of(status, "API_INTERNAL")
    return ApiError.of(status, "API_HTTP_ERROR", detail=exc.description or HTTPStatus(status).phrase)


def _internal_error(exc: Exception) -> Response:
    """A bug: log it with its traceback, answer 500 without leaking internals."""
    log.exception("unhandled error on %s %s", request.method, request.path, exc_info=exc)
    return problem_response(ApiError.of(500, "API_INTERNAL"))


_MESSAGE_CODES = {
    "Missing data for required field.": ("API_FIELD_REQUIRED", {}),
    "Unknown field.": ("API_FIELD_UNKNOWN", {}),
    "Field may not be null.": ("API_FIELD_TYPE", {"expected": "a value, not null"}),
    "Not a valid string.": ("API_FIELD_TYPE", {"expected": "string"}),
    "Not a valid mapping type.": ("API_FIELD_TYPE", {"expected": "object"}),
    "Not a valid list.": ("API_FIELD_TYPE", {"expected": "list"}),
    "Not a valid boolean.": ("API_FIELD_TYPE", {"expected": "boolean"}),
    "Not a valid integer.": ("API_FIELD_TYPE", {"expected": "integer"}),
    "Invalid input type.": ("API_FIELD_TYPE", {"expected": "an object"}),
}


def _field_problems(messages: Any, path: str) -> Iterable[Problem]:
    """Flatten marshmallow's nested messages into problems with dotted/indexed paths."""
    if isinstance(messages, dict):
        for key, inner in messages.items():
            if key == "_schema":
                yield from _field_problems(inner, path)
            elif isinstance(key, int):
                yield from _field_problems(inner, f"{path}[{key}]")
            else:
                yield from _field_problems(inner, f"{path}.{key}" if path else str(key))
    elif isinstance(messages, list | tuple):
        for message in messages:
            yield from _field_problems(message, path)
    elif isinstance(messages, Problem):
        yield messages.under(path) if not messages.path else messages
    else:
        code, params = _MESSAGE_CODES.get(str(messages), ("API_FIELD_INVALID", {"detail": str(messages)}))
        yield api_problem(code, path, **params)
