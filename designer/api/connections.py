"""``/api/connections``: named endpoints (base URL, signing secret, timeout) that flows call through.

Admin-managed (the auth issue adds the role check). The secret is write-only: answers carry
``has_secret`` instead.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint
from sqlalchemy import select

from designer.api.support import ACTOR_PARAM, actor_of, not_found, reading, transaction
from designer.errors import ApiError
from designer.extensions import runtime
from designer.http import load_json
from designer.openapi import operation
from designer.problem_codes import api_problem
from designer.schemas.connections import ConnectionListSchema, ConnectionPutSchema, ConnectionSchema
from runtime.store.models import Connection

bp = Blueprint("connections", __name__)

NAME = re.compile(r"^[a-z][a-z0-9_\-]{0,62}$")
DEMO_ACTOR = "demo"


@bp.get("/connections")
@operation(tags=["connections"], response=ConnectionListSchema)
def list_connections():
    """Every connection (without secrets)."""
    with reading() as session:
        rows = session.execute(select(Connection).order_by(Connection.name)).scalars().all()
        return ConnectionListSchema().dump({"connections": [connection_dict(c) for c in rows]})


@bp.get("/connections/<name>")
@operation(tags=["connections"], response=ConnectionSchema, errors=(404,))
def get_connection(name: str):
    """One connection (without its secret)."""
    with reading() as session:
        return ConnectionSchema().dump(connection_dict(_get(session, name)))


@bp.put("/connections/<name>")
@operation(tags=["connections"], request=ConnectionPutSchema, response=ConnectionSchema,
           errors=(400, 415, 422), parameters=(ACTOR_PARAM,))
def put_connection(name: str):
    """Create or update a connection (`base_url`, `secret`, `timeout_ms`)."""
    if not NAME.match(name):
        raise ApiError(422, [api_problem("API_FIELD_INVALID", "url.name", detail=(
            "a connection name is lower-case letters, digits, `_` and `-`, starting with a letter (1-63)"))])
    body = load_json(ConnectionPutSchema())
    now = runtime.now()
    with transaction() as session:
        row = session.execute(select(Connection).where(Connection.name == name)).scalar_one_or_none()
        if row is None:
            row = Connection(name=name, secret="", created_at=now)
            session.add(row)
        row.base_url, row.timeout_ms = body["base_url"], body["timeout_ms"]
        if "secret" in body:
            row.secret = body["secret"]
        row.updated_at, row.updated_by = now, actor_of(body)
        session.flush()
        return ConnectionSchema().dump(connection_dict(row))


@bp.delete("/connections/<name>")
@operation(tags=["connections"], response=ConnectionSchema, errors=(404,))
def delete_connection(name: str):
    """Delete a connection; effects that still name it fail and become dead letters."""
    with transaction() as session:
        row = _get(session, name)
        answer = connection_dict(row)
        session.delete(row)
        return ConnectionSchema().dump(answer)


def _get(session, name: str) -> Connection:
    row = session.execute(select(Connection).where(Connection.name == name[:63])).scalar_one_or_none()
    if row is None:
        raise not_found("API_CONNECTION_NOT_FOUND", name)
    return row


def connection_dict(c: Connection) -> dict[str, Any]:
    return {"name": c.name, "base_url": c.base_url, "timeout_ms": c.timeout_ms, "has_secret": bool(c.secret),
            "demo": c.updated_by == DEMO_ACTOR, "created_at": c.created_at, "updated_at": c.updated_at,
            "updated_by": c.updated_by}
