"""Credentials for tests: a client acting as a role, a token for a subprocess server, a browser-style login.

Users are created on first use (``username`` defaults to the role's name) with the groups asked for
(created when missing); each call mints a fresh API token through the store, as ``orderloom token
create`` does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from runtime.store import users
from runtime.store.db import Database

#: the groups a default test operator belongs to (every group the templates' approvals use)
OPERATOR_GROUPS = ("finance", "finance-manager", "risk", "after-sales", "compliance")


def client_as(app: Flask, role: str, *, username: str | None = None, groups: Iterable[str] = ()) -> FlaskClient:
    """A test client of ``app`` that sends ``Authorization: Bearer <token>`` of ``username`` (a ``role``)."""
    client = app.test_client()
    token = _token(app.extensions["orderloom.db"], role, username, groups)
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def token_for(app_or_database_url: Flask | str, role: str, username: str | None = None,
              groups: Iterable[str] = ()) -> str:
    """An API token of ``username`` (a ``role``) in the app's database, or in the (migrated) database at a URL."""
    if isinstance(app_or_database_url, Flask):
        return _token(app_or_database_url.extensions["orderloom.db"], role, username, groups)
    database = Database.open(app_or_database_url)
    try:
        return _token(database, role, username, groups)
    finally:
        database.dispose()


def login(client: FlaskClient, username: str, password: str) -> str:
    """Sign ``client`` in like the browser (session cookie); the CSRF token for its unsafe requests."""
    response = client.post("/api/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["csrf_token"]


def create_user(app: Flask, username: str, role: str, *, password: str | None = None,
                groups: Iterable[str] = ()) -> None:
    """A user with a password (for :func:`login`), through the store."""
    with app.extensions["orderloom.db"].transaction() as session:
        users.ensure_groups(session, groups)
        users.create_user(session, username, role, password=password, groups=groups)


def _token(database: Database, role: str, username: str | None, groups: Iterable[str]) -> str:
    wanted = tuple(groups)
    with database.transaction() as session:
        user = _user(session, username or role, role, wanted)
        _, raw = users.create_token(session, user, role=role, name="test")
    return raw


def _user(session: Any, username: str, role: str, groups: tuple[str, ...]) -> Any:
    users.ensure_groups(session, groups)
    user = users.find_user(session, username)
    if user is None:
        return users.create_user(session, username, role, groups=groups)
    if user.role != role and user.role != "admin":
        users.update_user(session, user, role=role)
    if groups:
        users.set_groups(session, user, sorted(set(users.groups_of(session, user.id)) | set(groups)))
    return user
