"""``/api/auth``: sign in with a password (session cookie + CSRF token), sign out, who am I."""

from __future__ import annotations

from flask import Blueprint, session

from designer.api.support import reading, transaction
from designer.auth import AuthUser, current_user
from designer.auth.guard import csrf_token, start_session
from designer.errors import ApiError
from designer.http import load_json
from designer.openapi import operation
from designer.schemas.auth import LoginSchema, LogoutSchema, SessionSchema
from runtime.store.audit import record
from runtime.store.users import check_password, principal

bp = Blueprint("auth", __name__)


@bp.post("/auth/login")
@operation(tags=["auth"], request=LoginSchema, response=SessionSchema, errors=(400, 401, 415, 422))
def login():
    """Sign in: sets the HttpOnly session cookie and answers the user and the CSRF token.

    Send the CSRF token as `X-CSRF-Token` on every POST/PUT/PATCH/DELETE made with the cookie.
    A wrong username or password is a 401 `API_AUTH_FAILED` (the same for both, and audited).
    """
    body = load_json(LoginSchema())
    with reading() as store:
        found = check_password(store, body["username"], body["password"])
        user = AuthUser.of(principal(store, found)) if found is not None else None
    with transaction() as store:
        record(store, actor=body["username"][:64], action="auth.login", target_type="user",
               target_id=body["username"][:64], outcome="ok" if user else "refused")
    if user is None:
        raise ApiError.of(401, "API_AUTH_FAILED", "body")
    return SessionSchema().dump({"user": user.public(), "csrf_token": start_session(user)})


@bp.post("/auth/logout")
@operation(tags=["auth"], response=LogoutSchema, errors=(401, 403))
def logout():
    """Sign out: the session cookie is cleared (API tokens are revoked with `DELETE /api/tokens/<id>`)."""
    session.clear()
    return LogoutSchema().dump({"signed_out": True})


@bp.get("/auth/me")
@operation(tags=["auth"], response=SessionSchema, errors=(401,))
def me():
    """The signed-in user (role, groups) and, for a cookie session, its CSRF token."""
    user = current_user()
    return SessionSchema().dump({"user": user.public(), "csrf_token": csrf_token()})
