"""Outbox tests: a fresh migrated database per test (SQLite, and PostgreSQL marked ``services``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from runtime.store.db import Database
from tests.runtime.distributed.support import PgDatabases, migrated_sqlite_template, sqlite_copy


@pytest.fixture(scope="session")
def outbox_sqlite_template(tmp_path_factory) -> str:
    return migrated_sqlite_template(tmp_path_factory.mktemp("outbox-template"))


@pytest.fixture(scope="session")
def outbox_pg(postgres_url) -> Iterator[PgDatabases]:
    dbs = PgDatabases(postgres_url, "ol_outbox")
    yield dbs
    dbs.close()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def db(request, tmp_path) -> Iterator[Database]:
    if request.param == "sqlite":
        url = sqlite_copy(request.getfixturevalue("outbox_sqlite_template"), tmp_path)
    else:
        url = request.getfixturevalue("outbox_pg").fresh()
    database = Database.open(url)
    yield database
    database.dispose()
