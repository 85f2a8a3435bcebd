"""Users, business groups and API tokens: create, look up, check a password, resolve a token.

Passwords are hashed with werkzeug's ``generate_password_hash`` (scrypt); an API token is shown
once when created and only its SHA-256 is stored, so a stolen database holds no usable secret.
A token carries a role: the user's own, or any role when the user is an admin (an admin can mint a
narrower token for a system, e.g. an operator token for a channel adapter).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from runtime.store.models.auth import ROLES, ApiToken, Group, User, UserGroup
from runtime.store.types import utcnow

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
GROUP_PATTERN = re.compile(r"^[a-z][a-z0-9_-]{0,62}$")  # the flow language's assignee_group pattern
MIN_PASSWORD = 8
TOKEN_PREFIX = "olt_"
#: the browser session (Flask's signed cookie): its name and the key holding the user id; shared by the
#: designer app and the standalone Socket.IO process, which must read the same cookie
SESSION_COOKIE = "orderloom_session"
SESSION_USER_KEY = "uid"
#: checked against when the user is unknown, so a wrong name costs as long as a wrong password
_DUMMY_HASH = generate_password_hash("not a password of anybody")


class UserStoreError(ValueError):
    """A refused change: ``kind`` says what went wrong (``exists``, ``unknown``, ``invalid``), ``what`` on what."""

    def __init__(self, kind: str, what: str, value: str, detail: str = "") -> None:
        self.kind, self.what, self.value, self.detail = kind, what, value, detail
        super().__init__(f"{what} {value!r}: {kind}{' (' + detail + ')' if detail else ''}")


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: the user, the role it acts with (a token's role) and the user's groups."""

    id: int
    username: str
    role: str
    groups: tuple[str, ...]
    display_name: str


def hash_token(raw: str) -> str:
    """The stored form of an API token: hex SHA-256 of its text."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


# ---- users -----------------------------------------------------------------------------------------------

def create_user(session: Session, username: str, role: str, *, password: str | None = None,
                groups: Iterable[str] = (), display_name: str = "") -> User:
    """A new user in existing ``groups``; ``password`` None makes a token-only user."""
    _check(USERNAME_PATTERN, "username", username)
    check_role(role)
    if find_user(session, username) is not None:
        raise UserStoreError("exists", "user", username)
    user = User(username=username, role=role, display_name=display_name or username, active=True,
                password_hash=_hashed(password) if password is not None else None)
    session.add(user)
    session.flush()
    set_groups(session, user, groups)
    return user


def update_user(session: Session, user: User, *, role: str | None = None, display_name: str | None = None,
                password: str | None = None, active: bool | None = None, groups: Iterable[str] | None = None) -> User:
    """Change the given fields of ``user`` (``groups`` replaces the memberships); the last active admin
    stays an active admin, so nobody locks the system out of its own user management."""
    if user.role == "admin" and user.active and (role not in (None, "admin") or active is False):
        _keep_an_admin(session, user)
    if role is not None:
        user.role = check_role(role)
    if display_name is not None:
        user.display_name = display_name
    if password is not None:
        user.password_hash = _hashed(password)
    if active is not None:
        user.active = active
    if groups is not None:
        set_groups(session, user, groups)
    user.updated_at = utcnow()
    session.flush()
    return user


def _keep_an_admin(session: Session, user: User) -> None:
    others = session.scalars(select(User.id).where(User.role == "admin", User.active.is_(True),
                                                   User.id != user.id).limit(1)).first()
    if others is None:
        raise UserStoreError("invalid", "admin", user.username, "the last active admin must stay one")


def find_user(session: Session, username: str) -> User | None:
    return session.scalars(select(User).where(User.username == username)).one_or_none()


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def check_password(session: Session, username: str, password: str) -> User | None:
    """The active user if ``password`` is theirs, else None (same cost whether or not the user exists)."""
    user = find_user(session, username)
    stored = user.password_hash if user is not None and user.password_hash else _DUMMY_HASH
    matches = check_password_hash(stored, password)
    if user is None or not user.active or not user.password_hash or not matches:
        return None
    return user


def principal(session: Session, user: User, role: str | None = None) -> Principal:
    """The :class:`Principal` of ``user`` acting with ``role`` (default: the user's own)."""
    return Principal(user.id, user.username, role or user.role, groups_of(session, user.id),
                     user.display_name or user.username)


def principal_by_id(session: Session, user_id: int) -> Principal | None:
    """The active user ``user_id`` (a session cookie's user) as a principal, or None."""
    user = session.get(User, user_id)
    return principal(session, user) if user is not None and user.active else None


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserStoreError("invalid", "role", role, f"one of {', '.join(ROLES)}")
    return role


def _hashed(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserStoreError("invalid", "password", "***", f"at least {MIN_PASSWORD} characters")
    return generate_password_hash(password)


def _check(pattern: re.Pattern[str], what: str, value: str) -> None:
    if not isinstance(value, str) or pattern.match(value) is None:
        raise UserStoreError("invalid", what, str(value), f"must match {pattern.pattern}")


# ---- groups ----------------------------------------------------------------------------------------------

def create_group(session: Session, name: str, description: str = "") -> Group:
    _check(GROUP_PATTERN, "group", name)
    if session.scalars(select(Group).where(Group.name == name)).one_or_none() is not None:
        raise UserStoreError("exists", "group", name)
    group = Group(name=name, description=description)
    session.add(group)
    session.flush()
    return group


def ensure_groups(session: Session, names: Iterable[str]) -> None:
    """Create those of ``names`` that do not exist yet (the CLI and the demo data)."""
    known = {g.name for g in list_groups(session)}
    for name in dict.fromkeys(names):
        if name not in known:
            create_group(session, name)


def list_groups(session: Session) -> list[Group]:
    return list(session.scalars(select(Group).order_by(Group.name)))


def members_by_group(session: Session) -> dict[int, list[str]]:
    """Group id → usernames of its members."""
    rows = session.execute(select(UserGroup.group_id, User.username).join(User, User.id == UserGroup.user_id)
                           .order_by(User.username))
    found: dict[int, list[str]] = {}
    for group_id, username in rows:
        found.setdefault(group_id, []).append(username)
    return found


def set_groups(session: Session, user: User, names: Iterable[str]) -> None:
    """Make ``names`` (existing groups) exactly the groups of ``user``."""
    wanted = list(dict.fromkeys(names))
    by_name = {g.name: g for g in session.scalars(select(Group).where(Group.name.in_(wanted)))}
    missing = [n for n in wanted if n not in by_name]
    if missing:
        raise UserStoreError("unknown", "group", missing[0])
    for link in session.scalars(select(UserGroup).where(UserGroup.user_id == user.id)):
        session.delete(link)
    session.flush()
    session.add_all(UserGroup(user_id=user.id, group_id=by_name[n].id) for n in wanted)
    session.flush()


def groups_of(session: Session, user_id: int) -> tuple[str, ...]:
    rows = session.scalars(select(Group.name).join(UserGroup, UserGroup.group_id == Group.id)
                           .where(UserGroup.user_id == user_id).order_by(Group.name))
    return tuple(rows)


# ---- API tokens ------------------------------------------------------------------------------------------

def create_token(session: Session, user: User, *, role: str | None = None, name: str = "",
                 created_by: str | None = None) -> tuple[ApiToken, str]:
    """A new token of ``user`` and its secret text (shown once, never stored)."""
    role = check_role(role or user.role)
    if role != user.role and user.role != "admin":
        raise UserStoreError("invalid", "role", role, f"{user.role} users only get {user.role} tokens")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, role=role, token_hash=hash_token(raw), prefix=raw[:12],
                     created_by=created_by)
    session.add(token)
    session.flush()
    return token, raw


def principal_for_token(session: Session, raw: str) -> Principal | None:
    """The principal of a live token (not revoked, its user active and still holding the token's role), or None."""
    row = session.execute(select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                          .where(ApiToken.token_hash == hash_token(raw), ApiToken.revoked_at.is_(None),
                                 User.active.is_(True))).one_or_none()
    if row is None:
        return None
    token, user = row
    if token.role != user.role and user.role != "admin":  # the user lost the role the token was minted with
        return None
    return principal(session, user, token.role)


def user_for_credentials(database: Any, *, token: str | None, session_user: Any) -> Principal | None:
    """The principal of an API token, else of a session's user id; None when neither is valid."""
    with database.read() as session:
        if token:
            return principal_for_token(session, token)
        if isinstance(session_user, int) and not isinstance(session_user, bool):
            return principal_by_id(session, session_user)
    return None


def list_tokens(session: Session, username: str | None = None) -> list[tuple[ApiToken, str]]:
    """Tokens (newest first) with their user's name; only ``username``'s when given."""
    query = (select(ApiToken, User.username).join(User, User.id == ApiToken.user_id)
             .order_by(ApiToken.id.desc()))
    if username:
        query = query.where(User.username == username)
    return [(token, owner) for token, owner in session.execute(query)]


def revoke_token(session: Session, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise UserStoreError("unknown", "token", str(token_id))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.flush()
    return token
