"""What the resource blueprints share: query strings through marshmallow, the acting user, ids, errors.

The actor is a request field for now (``actor`` in the body, else the ``X-Orderloom-User``
header); the auth issue replaces :func:`actor_of` with the signed-in user.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from designer.auth import current_user
from designer.auth.writes import audit_in_transaction
from designer.errors import ApiError, from_validation_error
from designer.extensions import db
from designer.problem_codes import all_codes, api_problem
from dsl.problems import Problem
from runtime.service.errors import InputError, NotFound, ServiceError
from runtime.store.order_states import IllegalTransition
from runtime.store.stock import StockError

ACTOR_HEADER = "X-Orderloom-User"
ANONYMOUS = "anonymous"
MAX_ID = 2**63 - 1

ACTOR_PARAM = {"name": ACTOR_HEADER, "in": "header", "required": False, "schema": {"type": "string"},
               "description": "Ignored when signed in (always, on this endpoint): the signed-in user acts"}


def load_query(schema: Schema) -> dict[str, Any]:
    """The query string loaded through ``schema``; errors are a 422 at ``query.<name>``."""
    try:
        return schema.load(request.args.to_dict(flat=True))
    except ValidationError as exc:
        raise from_validation_error(exc, root="query") from None


def actor_of(body: dict[str, Any] | None = None, *, required: bool = False) -> str:
    """The signed-in user (designer/auth); without one (public endpoints): ``actor`` from the body, else the
    ``X-Orderloom-User`` header, else ``anonymous`` (or 422)."""
    user = current_user()
    if user is not None:
        return user.username
    value = (body or {}).get("actor") or (request.headers.get(ACTOR_HEADER) or "").strip()[:100]
    if value:
        return value
    if required:
        raise ApiError.of(422, "API_ACTOR_REQUIRED", "body.actor")
    return ANONYMOUS


def int_id(value: str, code: str) -> int:
    """A numeric id from the URL, or 404 ``code`` (``abc``, ``-1`` and overflow are unknown ids too)."""
    if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_ID:
        return int(value)
    raise not_found(code, value)


def not_found(code: str, ident: Any) -> ApiError:
    shown = str(ident)
    return ApiError.of(404, code, "url", id=shown if len(shown) <= 80 else shown[:77] + "...")


@contextmanager
def transaction() -> Iterator[Session]:
    """A unit of work on the app's store; a database that is down is a 503, not a 500. A write that records
    no audit entry of its own gets the request's generic one in this transaction (``designer.auth.writes``)."""
    with _database_errors(), db.database.transaction() as session:
        yield session
        audit_in_transaction(session)


@contextmanager
def reading() -> Iterator[Session]:
    """A read-only unit of work on the app's store."""
    with _database_errors(), db.database.read() as session:
        yield session


@contextmanager
def _database_errors() -> Iterator[None]:
    try:
        yield
    except OperationalError as exc:
        raise unavailable(exc) from exc


def unavailable(exc: OperationalError) -> ApiError:
    """503: the database is down, or locked for longer than its busy timeout."""
    return ApiError.of(503, "API_UNAVAILABLE", detail=f"database: {type(exc.orig).__name__}")


def runtime_errors(view: Callable) -> Callable:
    """Map the runtime's refusals to problem details (see :func:`from_runtime_error`)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except ApiError:
            raise
        except OperationalError as exc:
            raise unavailable(exc) from exc
        except (ServiceError, StockError, IllegalTransition) as exc:
            raise from_runtime_error(exc) from exc

    return wrapper


_NOT_FOUND_CODES = {
    "order": "API_ORDER_NOT_FOUND", "instance": "API_INSTANCE_NOT_FOUND", "task": "API_TASK_NOT_FOUND",
    "warehouse": "API_WAREHOUSE_NOT_FOUND", "flow": "API_FLOW_NOT_FOUND",
}


def from_runtime_error(exc: ServiceError | StockError | IllegalTransition, *, input_root: str = "body") -> ApiError:
    """Problem details for a refusal of ``runtime.service`` (``InputError`` 422, ``NotFound`` 404, ``Refused``
    409) or of the store (``StockError`` 422, ``IllegalTransition`` 409).

    A runtime code in the catalogue (the runtime's ``CODES`` are merged into it) is answered as is;
    any other is wrapped in ``API_EVENT_INVALID`` / ``API_RUNTIME_REFUSED``. The body keeps the
    runtime's code as ``runtime_code``. ``input_root`` prefixes the paths of input problems
    (``body`` → ``body.payload.lines[0].qty``).
    """
    if isinstance(exc, StockError):
        return ApiError(422, [api_problem("API_STOCK_REFUSED", "body", detail_zh=exc.message_zh,
                                          detail_en=exc.message_en)])
    if isinstance(exc, IllegalTransition):
        return ApiError(409, [api_problem("API_RUNTIME_REFUSED", "", code="ORDER_ILLEGAL_TRANSITION",
                                          detail_zh=exc.message_zh, detail_en=exc.message_en)])
    if isinstance(exc, NotFound) and exc.what in _NOT_FOUND_CODES:
        return not_found(_NOT_FOUND_CODES[exc.what], exc.ident).with_extensions(runtime_code=exc.code)
    known = all_codes()
    if isinstance(exc, InputError):
        problems = [_input_problem(p, input_root, known) for p in exc.problems] or [
            _input_problem(exc, input_root, known)]
        return ApiError(422, problems).with_extensions(runtime_code=exc.code)
    path = "url" if isinstance(exc, NotFound) else ""
    if exc.code in known:
        problem = Problem(code=exc.code, path=path, message_zh=exc.message_zh, message_en=exc.message_en)
    else:
        problem = api_problem("API_RUNTIME_REFUSED", path, code=exc.code, detail_zh=exc.message_zh,
                              detail_en=exc.message_en)
    status = exc.status if 400 <= exc.status < 500 else 409
    return ApiError(status, [problem]).with_extensions(runtime_code=exc.code)


def _input_problem(p: Any, root: str, known: dict[str, Any]) -> Problem:
    path = str(getattr(p, "path", "") or "")
    full = f"{root}{'' if path.startswith('[') or not path else '.'}{path}" if root else path
    code = str(getattr(p, "code", "") or "API_FIELD_INVALID")
    if code in known:
        return Problem(code=code, path=full, severity=getattr(p, "severity", "error"),
                       message_zh=p.message_zh, message_en=p.message_en,
                       line=getattr(p, "line", None), column=getattr(p, "column", None))
    return api_problem("API_EVENT_INVALID", full, code=code, detail_zh=p.message_zh, detail_en=p.message_en)
