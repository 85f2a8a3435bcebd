"""Schema migrations, without an ``alembic.ini``: ``upgrade(url)`` brings any database to the newest schema.

The schema is only ever created by these migrations (never ``create_all``). ``upgrade`` is
idempotent and safe to run from several processes at once: it migrates inside one transaction
that holds the write lock (SQLite, ``BEGIN IMMEDIATE``) or an advisory lock (PostgreSQL), so a
second process waits and then finds nothing to do.

    python -m runtime.store.migrate upgrade [URL]        # default: ORDERLOOM_DATABASE_URL / embedded
    python -m runtime.store.migrate current [URL]
    python -m runtime.store.migrate revision "message"   # autogenerate the next revision file
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import URL

from runtime.store.db import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
#: pg_advisory_xact_lock key held while migrating ("orderloom" in hex, truncated).
PG_MIGRATION_LOCK = 0x6F7264657200


class MigrationError(RuntimeError):
    """The database could not be brought to the newest schema (the message says why)."""


def alembic_config(connection: Connection | None = None) -> Config:
    """The Alembic configuration of Orderloom, optionally bound to ``connection``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision in ``runtime/migrations/versions``."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise MigrationError("no migration revisions found")
    return head


def current_revision(target: Engine | str | URL) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    with _engine(target) as engine, engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(target: Engine | str | URL, revision: str = "head") -> str | None:
    """Migrate the database at ``target`` to ``revision`` (default: newest); returns the revision reached."""
    with _engine(target) as engine, engine.connect() as conn:
        with _sqlite_foreign_keys_off(conn):
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
                command.upgrade(alembic_config(conn), revision)
                _check_foreign_keys(conn)
        with conn.begin():
            return MigrationContext.configure(conn).get_current_revision()


def downgrade(target: Engine | str | URL, revision: str) -> None:
    """Migrate back to ``revision`` (``base`` drops every table): for tests and emergencies only."""
    with _engine(target) as engine, engine.connect() as conn:
        with _sqlite_foreign_keys_off(conn):
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_MIGRATION_LOCK})
                command.downgrade(alembic_config(conn), revision)


def revision(message: str) -> None:
    """Autogenerate the next revision file from the models, against a scratch SQLite database."""
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/scratch.db")
        try:
            upgrade(engine)
            with engine.connect() as conn, conn.begin():
                script = ScriptDirectory.from_config(alembic_config())
                number = len(list(script.walk_revisions())) + 1
                command.revision(alembic_config(conn), message=message, autogenerate=True,
                                 rev_id=f"{number:04d}")
        finally:
            engine.dispose()


@contextmanager
def _engine(target: Engine | str | URL) -> Iterator[Engine]:
    if isinstance(target, Engine):
        yield target
        return
    engine = make_engine(target)
    try:
        yield engine
    finally:
        engine.dispose()


@contextmanager
def _sqlite_foreign_keys_off(conn: Connection) -> Iterator[None]:
    """SQLite: foreign keys off while tables are rebuilt (batch mode), as SQLite's ALTER TABLE
    procedure requires; the pragma only works outside a transaction, so it goes to the driver."""
    if conn.dialect.name != "sqlite":
        yield
        return
    raw = conn.connection.driver_connection
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        try:
            raw.execute("PRAGMA foreign_keys = ON")
        except Exception:
            conn.invalidate()  # never hand a connection without foreign keys back to the pool
            raise


def _check_foreign_keys(conn: Connection) -> None:
    if conn.dialect.name != "sqlite":
        return
    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise MigrationError(f"migration left rows with broken foreign keys: {broken[:5]}")


def main(argv: list[str] | None = None) -> int:
    """``upgrade [URL]``, ``current [URL]`` or ``revision MESSAGE``."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in ("upgrade", "current", "revision"):
        print(__doc__, file=sys.stderr)
        return 2
    if args[0] == "revision":
        revision(" ".join(args[1:]) or "schema change")
        return 0
    if len(args) > 1:
        url: str = args[1]
    else:
        from runtime.config import Settings

        url = Settings.from_env().sqlalchemy_url
    if args[0] == "upgrade":
        print(upgrade(url))
    else:
        print(current_revision(url))
    return 0


if __name__ == "__main__":
    sys.exit(main())
