"""``/api/dead-letters``: outbound effects that exhausted their retries — redrive them, or discard them."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint
from sqlalchemy import func, select

from designer.api.support import ACTOR_PARAM, actor_of, int_id, load_query, not_found, reading, transaction
from designer.errors import ApiError
from designer.extensions import runtime
from designer.http import load_json
from designer.openapi import operation
from designer.schemas.dead_letters import (
    DeadLetterActionSchema,
    DeadLetterListSchema,
    DeadLetterQuerySchema,
    DeadLetterSchema,
)
from runtime.store import outbox
from runtime.store.models import OutboxEffect

bp = Blueprint("dead_letters", __name__)
log = logging.getLogger(__name__)

_PARAMS = tuple(
    {"name": name, "in": "query", "required": False, "schema": schema, "description": text}
    for name, schema, text in (
        ("status", {"type": "string", "enum": ["dead", "discarded", "all"], "default": "dead"},
         "Dead letters (default), discarded ones, or both"),
        ("connection", {"type": "string"}, "Only effects through this connection"),
        ("order_id", {"type": "integer"}, "Only effects of this order"),
        ("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}, "Page size"),
        ("offset", {"type": "integer", "minimum": 0, "default": 0}, "Rows to skip"),
    ))


@bp.get("/dead-letters")
@operation(tags=["dead letters"], response=DeadLetterListSchema, errors=(422,), parameters=_PARAMS)
def list_dead_letters():
    """Dead letters, newest first: what was to be sent, to which connection, and the last error."""
    query = load_query(DeadLetterQuerySchema())
    statuses = ("dead", "discarded") if query["status"] == "all" else (query["status"],)
    where = [OutboxEffect.status.in_(statuses)]
    if "connection" in query:
        where.append(OutboxEffect.connection_name == query["connection"])
    if "order_id" in query:
        where.append(OutboxEffect.order_id == query["order_id"])
    with reading() as session:
        total = session.execute(select(func.count()).select_from(OutboxEffect).where(*where)).scalar_one()
        rows = session.execute(select(OutboxEffect).where(*where).order_by(OutboxEffect.id.desc())
                               .limit(query["limit"]).offset(query["offset"])).scalars().all()
        return DeadLetterListSchema().dump({"items": [_letter(r) for r in rows], "total": total})


@bp.get("/dead-letters/<letter_id>")
@operation(tags=["dead letters"], response=DeadLetterSchema, errors=(404,))
def get_dead_letter(letter_id: str):
    """One dead (or discarded) letter."""
    with reading() as session:
        return DeadLetterSchema().dump(_letter(_get(session, letter_id)))


@bp.post("/dead-letters/<letter_id>/redrive")
@operation(tags=["dead letters"], request=DeadLetterActionSchema, response=DeadLetterSchema,
           errors=(400, 404, 409, 415, 422), parameters=(ACTOR_PARAM,))
def redrive_dead_letter(letter_id: str):
    """Send a dead letter again: back to pending with its attempts reset, under the same idempotency key."""
    return _act(letter_id, "redrive")


@bp.post("/dead-letters/<letter_id>/discard")
@operation(tags=["dead letters"], request=DeadLetterActionSchema, response=DeadLetterSchema,
           errors=(400, 404, 409, 415, 422), parameters=(ACTOR_PARAM,))
def discard_dead_letter(letter_id: str):
    """Give up on a dead letter for good (kept with status `discarded`, for the record)."""
    return _act(letter_id, "discard")


_ACTIONS = {"redrive": ("重新投递", "redriven"), "discard": ("丢弃", "discarded")}


def _act(letter_id: str, action: str) -> Any:
    body = load_json(DeadLetterActionSchema()) if _has_body() else {}
    actor = actor_of(body)
    with transaction() as session:
        row = _get(session, letter_id)
        done = (outbox.redrive(session, row.id, runtime.now()) if action == "redrive"
                else outbox.discard(session, row.id))
        if not done:
            zh, en = _ACTIONS[action]
            raise ApiError.of(409, "API_DEAD_LETTER_STATE", "url", action_zh=zh, action_en=en, state=row.status)
        session.refresh(row)
        answer = _letter(row)
    log.info("dead letter %s %s by %s", row.id, action, actor)
    return DeadLetterSchema().dump(answer)


def _has_body() -> bool:
    from flask import request

    return bool(request.get_data(cache=True)) or request.mimetype not in ("", None)


def _get(session, letter_id: str) -> OutboxEffect:
    row = session.get(OutboxEffect, int_id(letter_id, "API_DEAD_LETTER_NOT_FOUND"))
    if row is None:
        raise not_found("API_DEAD_LETTER_NOT_FOUND", letter_id)
    return row


def _letter(r: OutboxEffect) -> dict[str, Any]:
    return {"id": r.id, "kind": r.kind, "idempotency_key": r.idempotency_key, "connection": r.connection_name,
            "payload": r.payload, "status": r.status, "attempts": r.attempts, "last_error": r.last_error,
            "order_id": r.order_id, "instance_id": r.instance_id, "created_at": r.created_at,
            "next_attempt_at": r.next_attempt_at}

