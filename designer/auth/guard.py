"""The check every request passes: who is calling, may their role call this endpoint, and CSRF.

Credentials: ``Authorization: Bearer <token>`` (systems, tests, the CLI) or the signed session
cookie set by ``POST /api/auth/login`` (the browser). A cookie-authenticated unsafe request must
also carry ``X-CSRF-Token`` equal to the session's token: SameSite=Lax already keeps other sites'
forms out, the header closes the rest. Token requests need no CSRF token (no ambient credential).

Refusals: 401 ``API_AUTH_REQUIRED`` without credentials, 401 ``API_AUTH_INVALID`` for a bad token,
403 ``API_FORBIDDEN`` (naming the permission) for a role without it or an endpoint missing from
``RULES``; every 403 and 412 the API answers is written to the audit log (:mod:`designer.auth.refusals`).
"""

from __future__ import annotations

import hmac
import secrets
import time
from datetime import timedelta

from flask import Flask, current_app, request, session
from sqlalchemy.exc import OperationalError

from designer.auth.identity import AuthUser, current_user, set_current_user
from designer.auth.policy import permission_of, role_may
from designer.errors import ApiError
from designer.extensions import db
from designer.problem_codes import api_problem
from runtime.store.users import SESSION_COOKIE, SESSION_USER_KEY, hash_token, principal_by_id, principal_for_token

SESSION_USER = SESSION_USER_KEY
SESSION_CSRF = "csrf"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
SESSION_HOURS = 12
CHALLENGE = 'Bearer realm="orderloom"'
TOKEN_CACHE = "orderloom.auth.tokens"
TOKEN_CACHE_SECONDS = 10.0
TOKEN_CACHE_SIZE = 1024


def init_app(app: Flask) -> None:
    """Session cookie settings and the per-request check."""
    app.config.update(SESSION_COOKIE_NAME=SESSION_COOKIE, SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS))
    app.before_request(authorize)


def authorize() -> None:
    """Resolve the user and refuse the request unless their role holds the endpoint's permission."""
    endpoint = request.endpoint
    if endpoint is None or request.method == "OPTIONS":
        return  # no route (the 404/405 handlers answer) or a preflight
    permission = permission_of(endpoint)
    if permission == "public":
        return
    user, by_cookie = identify()
    set_current_user(user)
    if permission is None:
        raise forbidden(user, "(no rule for this endpoint)")
    if user is None:
        raise ApiError(401, [api_problem("API_AUTH_REQUIRED")], headers={"WWW-Authenticate": CHALLENGE})
    if not role_may(user.role, permission):
        raise forbidden(user, permission)
    if by_cookie and request.method in UNSAFE_METHODS:
        check_csrf()


def forbidden(user: AuthUser | None, permission: str) -> ApiError:
    return ApiError.of(403, "API_FORBIDDEN", role=user.role if user else "(anonymous)", permission=permission)


def identify() -> tuple[AuthUser | None, bool]:
    """(the user, whether the session cookie said so); a bad bearer token is a 401, never a fallback."""
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, raw = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not raw.strip():
            raise _invalid_token()
        user = _token_user(raw.strip())
        if user is None:
            raise _invalid_token()
        return user, False
    user_id = session.get(SESSION_USER)
    if not isinstance(user_id, int):
        return None, False
    principal = _lookup(principal_by_id, user_id)
    if principal is None:  # deactivated or deleted since login
        session.clear()
        return None, False
    return AuthUser.of(principal), True


def _token_user(raw: str) -> AuthUser | None:
    """The token's user: from this app's short-lived cache (a system sends the same token with every request),
    else from the store. A change made through this app (revoke, deactivate, new role) clears the cache;
    another process sees it within :data:`TOKEN_CACHE_SECONDS`."""
    cache: dict[str, tuple[float, AuthUser]] = current_app.extensions.setdefault(TOKEN_CACHE, {})
    key, now = hash_token(raw), time.monotonic()
    hit = cache.get(key)
    if hit is not None and hit[0] > now:
        return hit[1]
    principal = _lookup(principal_for_token, raw)
    if principal is None:
        cache.pop(key, None)
        return None
    if len(cache) >= TOKEN_CACHE_SIZE:
        cache.clear()
    cache[key] = (now + TOKEN_CACHE_SECONDS, AuthUser.of(principal))
    return cache[key][1]


def forget_tokens() -> None:
    """Drop this app's cached token users (after a change to users or tokens)."""
    current_app.extensions.get(TOKEN_CACHE, {}).clear()


def _lookup(find, key):
    try:
        with db.database.read() as store:
            return find(store, key)
    except OperationalError as exc:
        raise ApiError.of(503, "API_UNAVAILABLE", detail=f"database: {type(exc.orig).__name__}") from exc


def _invalid_token() -> ApiError:
    return ApiError(401, [api_problem("API_AUTH_INVALID", "header.Authorization")],
                    headers={"WWW-Authenticate": f'{CHALLENGE}, error="invalid_token"'})


def check_csrf() -> None:
    given = request.headers.get(CSRF_HEADER, "")
    if not given:
        raise ApiError.of(403, "API_CSRF_REQUIRED", f"header.{CSRF_HEADER}")
    expected = session.get(SESSION_CSRF)
    if not isinstance(expected, str) or not hmac.compare_digest(given.encode(), expected.encode()):
        raise ApiError.of(403, "API_CSRF_INVALID", f"header.{CSRF_HEADER}")


def start_session(user: AuthUser) -> str:
    """Sign ``user`` in on this browser: a fresh session (no fixation) with a new CSRF token, returned."""
    session.clear()
    session.permanent = True
    session[SESSION_USER] = user.id
    session[SESSION_CSRF] = secrets.token_urlsafe(32)
    return session[SESSION_CSRF]


def csrf_token() -> str | None:
    """The session's CSRF token (None for a token-authenticated request)."""
    token = session.get(SESSION_CSRF)
    return token if isinstance(token, str) else None


def require_member(groups: tuple[str | None, ...]) -> None:
    """403 ``API_FORBIDDEN_GROUP`` unless the current user is in one of ``groups`` (or an admin)."""
    user = current_user()
    if user is None or not user.in_any(groups):
        names = ", ".join(dict.fromkeys(g for g in groups if g)) or "-"
        raise ApiError.of(403, "API_FORBIDDEN_GROUP", groups=names)
