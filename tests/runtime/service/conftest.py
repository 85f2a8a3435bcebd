"""Fixtures of the runtime service tests: a migrated SQLite database with master data and every template
flow published, a controllable clock, and a :class:`Runtime` with a memory publisher."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from runtime.store.db import Database
from tests.runtime.service.support import Clock, make_runtime, publish, seed

#: every template, sub-flow before its caller
ALL_TEMPLATES = ("s9-ce-certificate-check", "s4-brushing-risk", "s2-remote-freight", "s3-vip-gift",
                 "s9-cross-border-compliance", "s1-high-value-approval", "s5-multi-factor-routing",
                 "s7-weather-carrier", "s8-channel-returns")


@pytest.fixture
def sdb(sqlite_url) -> Iterator[Database]:
    """A migrated, empty SQLite database (most service tests run on SQLite only)."""
    database = Database.open(sqlite_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def world(sdb, clock):
    """(runtime, publisher) on SQLite with the default master data (warehouse cd, which would beat every
    other, closed) and all templates published."""
    seed(sdb, closed=("cd",))
    publish(sdb, *ALL_TEMPLATES)
    return make_runtime(sdb, clock)


@pytest.fixture
def rt(world):
    return world[0]
