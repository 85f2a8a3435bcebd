"""Databases for every runtime test: a freshly migrated SQLite file or PostgreSQL database per test.

Each kind is migrated once per session into a template (a file, or a PostgreSQL template
database) and copied per test, so every test starts from an empty, fully migrated schema.
PostgreSQL tests carry the ``services`` mark and use the server ``make test`` starts
(``ORDERLOOM_TEST_DATABASE_URL``); under ``CI=true`` a missing server fails them.

Fixtures: ``sqlite_url``, ``pg_url`` (one kind), ``db_url`` / ``db`` (parametrised: SQLite, and
PostgreSQL marked ``services``).
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from runtime.store.db import Database, make_engine
from runtime.store.migrate import upgrade

_counter = itertools.count()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> str:
    """Path of a SQLite file migrated to head, copied by every SQLite test."""
    path = tmp_path_factory.mktemp("runtime-db-template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()  # the last connection checkpoints the WAL into the file
    return str(path)


@pytest.fixture
def sqlite_url(sqlite_template, tmp_path) -> str:
    """URL of a migrated, empty SQLite file of this test."""
    path = tmp_path / "orderloom.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


def _admin_engine(url: str):
    return make_engine(make_url(url).set(database="postgres")).execution_options(isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template(postgres_url) -> Iterator[str]:
    """Name of a PostgreSQL template database migrated to head (created for this test session)."""
    name = f"ol_runtime_tpl_{os.getpid()}"
    admin = _admin_engine(postgres_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(postgres_url).set(database=name))
    upgrade(engine)
    engine.dispose()
    yield name
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def pg_url(postgres_url, pg_template) -> Iterator[str]:
    """URL of a migrated, empty PostgreSQL database of this test (dropped afterwards)."""
    name = f"ol_runtime_{os.getpid()}_{next(_counter)}"
    admin = _admin_engine(postgres_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{pg_template}"'))
    yield make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def db_url(request) -> str:
    """The URL of a fresh migrated database, once on SQLite and once on PostgreSQL."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def db(db_url) -> Iterator[Database]:
    """A :class:`Database` on :func:`db_url`."""
    database = Database.open(db_url)
    yield database
    database.dispose()
