"""``/api/users``: accounts and their roles and groups (admin), each change audited in its transaction."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint

from designer.api.support import not_found, reading, transaction
from designer.auth import current_user
from designer.auth.guard import forget_tokens
from designer.errors import ApiError
from designer.http import load_json
from designer.openapi import operation
from designer.schemas.auth import UserCreateSchema, UserListSchema, UserPatchSchema, UserSchema
from runtime.store import users as store
from runtime.store.audit import record
from runtime.store.models import User

bp = Blueprint("users", __name__)


@bp.get("/users")
@operation(tags=["users"], response=UserListSchema)
def list_users():
    """Every user with role and groups (never a password hash)."""
    with reading() as session:
        return UserListSchema().dump({"users": [user_view(session, u) for u in store.list_users(session)]})


@bp.post("/users")
@operation(tags=["users"], request=UserCreateSchema, response=UserSchema, errors=(400, 409, 415, 422))
def create_user():
    """Create a user with one role and any existing groups; 201. Without `password`: token-only."""
    body = load_json(UserCreateSchema())
    with transaction() as session:
        try:
            user = store.create_user(session, body["username"], body["role"], password=body.get("password"),
                                     groups=body.get("groups", ()), display_name=body.get("display_name", ""))
        except store.UserStoreError as exc:
            raise user_store_error(exc) from None
        view = user_view(session, user)
        audit(session, "user.create", user.username, None, view)
        return UserSchema().dump(view), 201


@bp.patch("/users/<username>")
@operation(tags=["users"], request=UserPatchSchema, response=UserSchema, errors=(400, 404, 409, 415, 422))
def update_user(username: str):
    """Change a user's role, display name, password, groups or `active` (false signs them out everywhere)."""
    body = load_json(UserPatchSchema())
    with transaction() as session:
        user = store.find_user(session, username[:64])
        if user is None:
            raise not_found("API_USER_NOT_FOUND", username)
        before = user_view(session, user)
        try:
            store.update_user(session, user, **body)
        except store.UserStoreError as exc:
            raise user_store_error(exc) from None
        after = user_view(session, user)
        audit(session, "user.update", user.username, before, after,
              details={"changed": sorted(body), "password_changed": "password" in body})
        return UserSchema().dump(after)


def user_view(session, user: User) -> dict[str, Any]:
    return {"username": user.username, "role": user.role, "groups": list(store.groups_of(session, user.id)),
            "display_name": user.display_name or user.username, "active": user.active,
            "has_password": bool(user.password_hash), "created_at": user.created_at, "updated_at": user.updated_at}


def audit(session, action: str, target: str, before: dict | None, after: dict | None, *,
          target_type: str = "user", details: dict | None = None) -> None:
    """The audit entry of an account change, by the current user, in ``session``'s transaction; the change
    may revoke what a cached token could do, so this app's token cache is dropped too."""
    forget_tokens()
    user = current_user()
    record(session, actor=user.username if user else None, action=action, target_type=target_type,
           target_id=target, before_hash=view_hash(before), after_hash=view_hash(after), details=details)


def view_hash(view: dict | None) -> str | None:
    """SHA-256 of a view's canonical JSON, without its timestamps (what changed, not when)."""
    if view is None:
        return None
    content = {k: v for k, v in view.items() if not k.endswith("_at")}
    return hashlib.sha256(json.dumps(content, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


_EXISTS = {"user": ("API_USER_EXISTS", "body.username"), "group": ("API_GROUP_EXISTS", "body.name")}


def user_store_error(exc: store.UserStoreError) -> ApiError:
    """The API's answer to a refusal of :mod:`runtime.store.users`."""
    if exc.kind == "exists" and exc.what in _EXISTS:
        code, path = _EXISTS[exc.what]
        return ApiError.of(409, code, path, name=exc.value)
    if exc.what == "group":
        return ApiError.of(422, "API_GROUP_UNKNOWN", "body.groups", name=exc.value)
    if exc.what == "token":
        return not_found("API_TOKEN_NOT_FOUND", exc.value)
    if exc.what == "password":
        return ApiError.of(422, "API_PASSWORD_WEAK", "body.password", min=store.MIN_PASSWORD)
    if exc.what == "admin":
        return ApiError.of(409, "API_LAST_ADMIN", "body", name=exc.value)
    if exc.what == "role":
        return ApiError.of(422, "API_TOKEN_ROLE", "body.role", detail=exc.detail)
    return ApiError.of(422, "API_FIELD_INVALID", f"body.{exc.what}", detail=exc.detail or exc.kind)
