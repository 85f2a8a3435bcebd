"""``/api/tokens``: API tokens for systems and scripts (admin); the secret is in the create answer only."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from designer.api.support import int_id, load_query, reading, transaction
from designer.api.users import audit, user_store_error
from designer.auth import current_user
from designer.errors import ApiError
from designer.http import load_json
from designer.openapi import operation
from designer.schemas.auth import (
    TokenCreatedSchema,
    TokenCreateSchema,
    TokenListSchema,
    TokenQuerySchema,
    TokenSchema,
)
from runtime.store import users as store
from runtime.store.models import ApiToken, User

bp = Blueprint("tokens", __name__)

_QUERY = ({"name": "username", "in": "query", "required": False, "schema": {"type": "string"},
           "description": "Only this user's tokens"},)


@bp.get("/tokens")
@operation(tags=["users"], response=TokenListSchema, errors=(422,), parameters=_QUERY)
def list_tokens():
    """Tokens, newest first, revoked ones included (never their secrets)."""
    query = load_query(TokenQuerySchema())
    with reading() as session:
        rows = store.list_tokens(session, query.get("username"))
        return TokenListSchema().dump({"tokens": [token_view(t, owner) for t, owner in rows]})


@bp.post("/tokens")
@operation(tags=["users"], request=TokenCreateSchema, response=TokenCreatedSchema, errors=(400, 415, 422))
def create_token():
    """Create a token for a user; 201 with the secret `token`, shown this once (only its SHA-256 is kept)."""
    body = load_json(TokenCreateSchema())
    admin = current_user()
    with transaction() as session:
        user = store.find_user(session, body["username"])
        if user is None:
            raise ApiError.of(422, "API_USER_NOT_FOUND", "body.username", id=body["username"])
        try:
            token, raw = store.create_token(session, user, role=body.get("role"), name=body["name"],
                                            created_by=admin.username if admin else None)
        except store.UserStoreError as exc:
            raise user_store_error(exc) from None
        view = token_view(token, user.username)
        audit(session, "token.create", str(token.id), None, view, target_type="token",
              details={"user": user.username, "role": token.role})
        return TokenCreatedSchema().dump({**view, "token": raw}), 201


@bp.delete("/tokens/<token_id>")
@operation(tags=["users"], response=TokenSchema, errors=(404,))
def revoke_token(token_id: str):
    """Revoke a token: requests carrying it get 401 from now on (the row stays, for the record)."""
    tid = int_id(token_id, "API_TOKEN_NOT_FOUND")
    with transaction() as session:
        try:
            token = store.revoke_token(session, tid)
        except store.UserStoreError as exc:
            raise user_store_error(exc) from None
        owner = session.get(User, token.user_id)
        view = token_view(token, owner.username if owner else "")
        audit(session, "token.revoke", str(token.id), None, view, target_type="token")
        return TokenSchema().dump(view)


def token_view(token: ApiToken, username: str) -> dict[str, Any]:
    return {"id": token.id, "username": username, "name": token.name, "role": token.role, "prefix": token.prefix,
            "created_at": token.created_at, "created_by": token.created_by, "revoked_at": token.revoked_at}
