"""Orderloom designer: the Flask app (API, OpenAPI, later Socket.IO and the canvas) and the CLI."""

from __future__ import annotations

from typing import Any

from flask import Flask

from designer import auth, extensions, frontend
from designer.api import metrics, register_blueprints
from designer.errors import register_error_handlers
from designer.openapi import build_spec
from designer.version import __version__
from runtime.config import Settings

__all__ = ["__version__", "create_app"]

MAX_BODY_BYTES = 2 * 1024 * 1024


def create_app(settings: Settings | None = None, *, background: bool = False, clock: Any = None) -> Flask:
    """Build the designer app; without ``settings`` they are read from the environment.

    ``background``: the in-process executor runs instances, due timers and the outbox on its own
    thread (a server); without it the work runs inside each request (tests, the CLI). ``clock``:
    a callable giving an aware "now" for the runtime (tests drive SLA timers with it).
    """
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(SECRET_KEY=settings.secret_key, MAX_CONTENT_LENGTH=MAX_BODY_BYTES)
    app.json.ensure_ascii = False  # Chinese labels stay readable
    app.json.sort_keys = False  # documents keep their authored key order

    extensions.init_app(app, settings, background=background, clock=clock)
    register_error_handlers(app)
    auth.init_app(app)
    register_blueprints(app)
    app.register_blueprint(metrics.bp)  # GET /metrics (Prometheus), outside /api
    frontend.init_app(app)
    app.extensions["orderloom.openapi"] = build_spec(app, title="Orderloom API", version=__version__)
    return app
