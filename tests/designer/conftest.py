"""Designer fixtures: an app on the embedded default in a tmp data dir, and its test clients.

``client`` acts as an admin (every endpoint is open to it); ``anonymous`` sends no credentials;
``client_as(role, ...)`` (``tests/auth_support.py``) gives any other role.
"""

from __future__ import annotations

import pytest

from designer import create_app
from runtime.config import Settings
from tests.auth_support import client_as


@pytest.fixture
def settings(tmp_path) -> Settings:
    """The embedded default, with its data in the test's tmp dir."""
    return Settings.from_env({"ORDERLOOM_DATA_DIR": str(tmp_path / "var")})


@pytest.fixture
def app(settings):
    app = create_app(settings)
    app.testing = True
    return app


@pytest.fixture
def client(app):
    """A client signed in as an admin (API token)."""
    return client_as(app, "admin")


@pytest.fixture
def anonymous(app):
    """A client without credentials."""
    return app.test_client()


@pytest.fixture
def problem_of():
    """``problem_of(response, status, code=None)``: assert RFC 9457 problem details, return the body."""
    return _problem_of


def _problem_of(response, status: int, code: str | None = None) -> dict:
    """``response`` is RFC 9457 problem details with ``status`` (and a problem with ``code``)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status
    assert {"type", "title", "detail", "problems"} <= body.keys()
    for p in body["problems"]:
        assert {"path", "code", "severity", "message_zh", "message_en"} <= p.keys()
    if code is not None:
        assert code in [p["code"] for p in body["problems"]], body
    return body
