"""The app's connections to the outside world, each bound to an app with ``init_app``.

The objects below hold no state of their own: each app keeps its store handle, runtime and Redis
client in ``app.extensions``, so several apps (tests, the CLI) never share or re-point a connection.

- :data:`db`: a :class:`runtime.store.db.Database` (engine from ``runtime.store.db.make_engine``:
  WAL and ``BEGIN IMMEDIATE`` on SQLite). On the embedded default (SQLite) the schema is migrated
  to the newest revision when the app starts; on PostgreSQL migrations are run explicitly
  (``python -m runtime.store.migrate upgrade``) and a database behind head is reported by health.
- :data:`runtime`: the :class:`runtime.service.Runtime` facade every flow-running endpoint calls,
  with an in-process executor (``background=True`` in a server: a thread runs instances, due
  timers and the outbox; ``False`` in tests: work runs inside the request).
- :data:`redis_client`: a Redis client for ``ORDERLOOM_REDIS_URL``, or none when running in-process.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime
from typing import Any

import redis
from flask import Flask, current_app
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from runtime.config import Settings
from runtime.store.db import Database as StoreDatabase

log = logging.getLogger(__name__)


def settings_of(app: Flask) -> Settings:
    """The :class:`Settings` the app was created with."""
    return app.extensions["orderloom.settings"]


class Database:
    """The store's :class:`~runtime.store.db.Database` for ``ORDERLOOM_DATABASE_URL``."""

    key = "orderloom.db"
    migration_key = "orderloom.db.migration"

    def init_app(self, app: Flask, *, migrate: bool | None = None) -> None:
        """Open the database; migrate it when ``migrate`` (default: on the embedded SQLite file).

        A database that cannot be opened or migrated does not stop the app: ``GET /api/health``
        reports the error (503) and the endpoints that need the database answer 503 too.
        """
        settings = settings_of(app)
        database = StoreDatabase.open(settings.sqlalchemy_url)
        app.extensions[self.key] = database
        app.extensions[self.migration_key] = None
        if migrate if migrate is not None else settings.database_kind == "sqlite":
            from runtime.store.migrate import upgrade

            try:
                upgrade(database.engine)
            except Exception as exc:  # noqa: BLE001 - reported by health, never a crash at start
                log.warning("the database could not be migrated: %s", _one_line(exc))
                app.extensions[self.migration_key] = f"error: {_one_line(exc)}"

    @property
    def database(self) -> StoreDatabase:
        return current_app.extensions[self.key]

    @property
    def engine(self) -> Engine:
        return self.database.engine

    def check(self) -> str:
        """``ok`` if ``select 1`` answers (and the schema could be migrated), else the error in one line."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("select 1")).scalar_one()
        except SQLAlchemyError as exc:
            return f"error: {_one_line(exc)}"
        return current_app.extensions.get(self.migration_key) or "ok"


class Runtime:
    """The runtime facade (``runtime.service.Runtime``) over this app's database."""

    key = "orderloom.runtime"

    def init_app(self, app: Flask, *, background: bool = False, clock: Any = None) -> None:
        """Bind a runtime with an in-process executor; ``clock`` (a callable giving an aware now)
        lets tests drive SLA timers. Nothing runs in the background unless ``background``."""
        settings = settings_of(app)
        app.extensions[self.key] = _make_runtime(app.extensions[Database.key], settings,
                                                 background=background, clock=clock)

    @property
    def rt(self) -> Any:
        return current_app.extensions[self.key]

    def shutdown(self, app: Flask) -> None:
        """Stop the executor's background work (server shutdown, end of a test)."""
        rt = app.extensions.get(self.key)
        pump = getattr(rt, "outbox_pump", None)
        if pump is not None:
            pump.stop()
        for part in (getattr(rt, "executor", None), getattr(rt, "publisher", None)):
            close = getattr(part, "close", None)
            if callable(close):
                close()

    def now(self) -> datetime:
        """The runtime's clock (the real time unless a test injected one)."""
        return self.rt.now()


def _make_runtime(database: StoreDatabase, settings: Settings, *, background: bool, clock: Any) -> Any:
    """Embedded (no Redis): an in-process executor, and with ``background`` a thread that also delivers the
    outbox. Distributed (``ORDERLOOM_REDIS_URL``): orders go to the Celery workers, which run timers and
    the outbox too, and live events go to Socket.IO and the Redis stream."""
    from runtime.service import Runtime as RuntimeFacade

    if settings.redis_url:
        from runtime.executors.celery_app import create_app as celery_app
        from runtime.executors.celery_executor import CeleryExecutor
        from runtime.live.publisher import make_publisher

        rt = RuntimeFacade(database, timezone=settings.timezone, clock=clock,
                           publisher=make_publisher(settings.redis_url))
        rt.executor = CeleryExecutor(celery_app(settings))
        rt.outbox_pump = None
        return rt
    from runtime.executors import InProcessExecutor

    rt = RuntimeFacade(database, timezone=settings.timezone, clock=clock)
    rt.executor = InProcessExecutor(rt, background=background)
    rt.outbox_pump = OutboxPump(rt).start() if background else None
    return rt


class OutboxPump:
    """The embedded default's outbox deliverer: a daemon thread that runs ``deliver_due`` every ``interval``
    seconds with the runtime as responder (Celery beat does this in distributed mode)."""

    def __init__(self, rt: Any, *, interval: float = 1.0) -> None:
        self.rt = rt
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> OutboxPump:
        self._thread = threading.Thread(target=self._loop, name="orderloom-outbox", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        from runtime.outbox import deliver_due

        while not self._stop.wait(self.interval):
            try:
                deliver_due(self.rt.db, responder=self.rt)
            except Exception:  # noqa: BLE001 - the next round tries again; the rows are the truth
                log.exception("outbox delivery round failed")


def serve_live(app: Flask) -> Any:
    """The embedded default's live updates: this app serves Socket.IO itself and the runtime publishes to it
    directly (coalesced per window), building its events only while a client is connected. Returns the
    ``SocketIO``. (Distributed mode has its own Socket.IO process fed by Redis: ``docs/distributed.md``.)"""
    from runtime.live.publisher import SocketIOPublisher
    from runtime.live.socket_server import CONNECTIONS, register_socketio

    sio = register_socketio(app)
    connections = app.extensions[CONNECTIONS]
    rt = app.extensions[Runtime.key]
    rt.publisher = SocketIOPublisher(server=sio, listening=lambda: bool(connections))
    return sio


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
runtime = Runtime()
redis_client = Redis()


def init_app(app: Flask, settings: Settings, *, background: bool = False, clock: Any = None) -> None:
    """Record the settings and bind every extension to ``app``."""
    app.extensions["orderloom.settings"] = settings
    db.init_app(app)
    runtime.init_app(app, background=background, clock=clock)
    redis_client.init_app(app)
