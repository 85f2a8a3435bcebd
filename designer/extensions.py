"""The app's connections to the outside world, each bound to an app with ``init_app``.

The objects below hold no state of their own: each app keeps its engine and Redis client in
``app.extensions``, so several apps (tests, the CLI) never share or re-point a connection.
"""

from __future__ import annotations

import redis
from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from runtime.config import Settings


def settings_of(app: Flask) -> Settings:
    """The :class:`Settings` the app was created with."""
    return app.extensions["orderloom.settings"]


class Database:
    """The SQLAlchemy engine for ``ORDERLOOM_DATABASE_URL`` (the embedded SQLite file by default)."""

    key = "orderloom.db"

    def init_app(self, app: Flask) -> None:
        settings = settings_of(app)
        connect_args = {"connect_timeout": 5} if settings.database_kind == "postgresql" else {}
        app.extensions[self.key] = create_engine(settings.sqlalchemy_url, pool_pre_ping=True,
                                                 connect_args=connect_args)

    @property
    def engine(self) -> Engine:
        return current_app.extensions[self.key]

    def check(self) -> str:
        """``ok`` if ``select 1`` answers, else the error in one line."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("select 1")).scalar_one()
        except SQLAlchemyError as exc:
            return f"error: {_one_line(exc)}"
        return "ok"


class Redis:
    """A Redis client for ``ORDERLOOM_REDIS_URL``, or none when running in-process."""

    key = "orderloom.redis"

    def init_app(self, app: Flask) -> None:
        url = settings_of(app).redis_url
        app.extensions[self.key] = (
            redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2) if url else None
        )

    @property
    def client(self) -> redis.Redis | None:
        return current_app.extensions[self.key]

    def check(self) -> str:
        """``not configured``, ``ok`` if PING answers, else the error in one line."""
        if self.client is None:
            return "not configured"
        try:
            self.client.ping()
        except (redis.RedisError, OSError) as exc:
            return f"error: {_one_line(exc)}"
        return "ok"


def _one_line(exc: Exception) -> str:
    cause = getattr(exc, "orig", None) or exc
    first = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first}"[:300]


db = Database()
redis_client = Redis()


def init_app(app: Flask, settings: Settings) -> None:
    """Record the settings and bind every extension to ``app``."""
    app.extensions["orderloom.settings"] = settings
    db.init_app(app)
    redis_client.init_app(app)
