"""Engines and units of work: SQLite tuned for one writer at a time, PostgreSQL through psycopg 3.

SQLite (the embedded default) runs in WAL mode with a busy timeout and foreign keys on, and
SQLAlchemy, not the ``sqlite3`` module, emits ``BEGIN``: ``BEGIN IMMEDIATE`` for every unit of
work, so a writer takes the write lock up front (waiting up to the busy timeout) instead of
failing half-way with "database is locked"; read-only units use a deferred ``BEGIN``, which
WAL lets run beside the writer. This is the recipe of SQLAlchemy's pysqlite documentation
("Serializable isolation / Savepoints / Transactional DDL"), which also makes SAVEPOINT work.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.orm import Session, sessionmaker

READ_ONLY = "orderloom_read_only"
DEFAULT_BUSY_TIMEOUT_S = 5.0


def normalise_url(url: str | URL) -> URL:
    """``url`` with the driver Orderloom uses: ``postgres://``/``postgresql://`` become psycopg 3."""
    parsed = make_url(url)
    if parsed.drivername in ("postgres", "postgresql"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def json_text(value: Any) -> str:
    """JSON columns' text, by orjson (several times faster than ``json.dumps`` on steps, states and snapshots;
    UTF-8 rather than ``\\u`` escapes). Refuses what ``json.dumps`` refuses (Decimal, objects), so a value that
    was not made JSON-ready still fails loudly; integers beyond 64 bits go through ``json.dumps``."""
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME).decode()
    except TypeError as exc:
        if "Integer exceeds" not in str(exc):
            raise
        return json.dumps(value, ensure_ascii=False)


def make_engine(url: str | URL, *, busy_timeout_s: float = DEFAULT_BUSY_TIMEOUT_S,
                pool_size: int | None = None, echo: bool = False) -> Engine:
    """An engine for ``url`` set up as Orderloom needs it (see the module docstring)."""
    parsed = normalise_url(url)
    kwargs: dict[str, Any] = {"echo": echo, "json_serializer": json_text, "json_deserializer": orjson.loads}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": busy_timeout_s}
        if pool_size is not None and not _is_memory(parsed):
            kwargs.update(pool_size=pool_size, max_overflow=0)
        engine = create_engine(parsed, **kwargs)
        _tune_sqlite(engine, busy_timeout_s)
        return engine
    if parsed.get_backend_name() == "postgresql":
        kwargs.update(pool_pre_ping=True, connect_args={"options": "-c timezone=UTC"})
        if pool_size is not None:
            kwargs.update(pool_size=pool_size, max_overflow=0)
    return create_engine(parsed, **kwargs)


def _is_memory(url: URL) -> bool:
    return url.database in (None, "", ":memory:") or "mode=memory" in str(url)


def _tune_sqlite(engine: Engine, busy_timeout_s: float) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # the driver emits no BEGIN; _on_begin does
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")  # durable at checkpoints; the WAL default
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        read_only = conn.get_execution_options().get(READ_ONLY, False)
        conn.exec_driver_sql("BEGIN DEFERRED" if read_only else "BEGIN IMMEDIATE")


@dataclass(frozen=True)
class Database:
    """An engine and its session factories: the handle the rest of the runtime is given.

    On a SQLite file, :meth:`transaction` also takes ``write_lock`` (a re-entrant lock of this process)
    for the whole unit of work: SQLite has one writer at a time, and a thread that finds the write lock
    taken waits in SQLite's busy handler by sleeping (1, 2, 5 … up to 100 ms a round), so writers of one
    process (HTTP requests, the executor's worker) queue on the lock instead and go in the moment it is
    free. Other processes still wait in the busy handler.
    """

    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    write_lock: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def open(cls, url: str | URL, **engine_kwargs: Any) -> Database:
        """Create the engine for ``url`` (see :func:`make_engine`) and its session factories."""
        return cls.from_engine(make_engine(url, **engine_kwargs))

    @classmethod
    def from_engine(cls, engine: Engine) -> Database:
        """Wrap an engine made by :func:`make_engine`."""
        read_engine = engine.execution_options(**{READ_ONLY: True})
        if engine.dialect.name == "postgresql":
            read_engine = read_engine.execution_options(postgresql_readonly=True)
        sqlite_file = engine.dialect.name == "sqlite" and not _is_memory(engine.url)
        return cls(engine=engine,
                   sessions=sessionmaker(engine, expire_on_commit=False),
                   read_sessions=sessionmaker(read_engine, expire_on_commit=False),
                   write_lock=threading.RLock() if sqlite_file else None)

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.engine.dialect.name

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One unit of work: commit at the end of the block, roll back if it raises."""
        if self.write_lock is None:
            with session_scope(self.sessions) as session:
                yield session
            return
        with self.write_lock, session_scope(self.sessions) as session:
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work (never blocks the writer on SQLite); rolled back at the end."""
        with self.read_sessions() as session:
            try:
                yield session
            finally:
                session.rollback()

    def dispose(self) -> None:
        """Close every pooled connection (tests, and after a fork)."""
        self.engine.dispose()


@contextmanager
def session_scope(factory: sessionmaker[Session] | Engine) -> Iterator[Session]:
    """One transaction per unit of work: commit when the block ends, roll back and re-raise on error."""
    make = factory if isinstance(factory, sessionmaker) else sessionmaker(factory, expire_on_commit=False)
    with make() as session, session.begin():
        yield session


transaction = session_scope
