"""Fixtures of the impact preview tests: 1,000 recorded orders (``world.py``) built once per session into a
SQLite file that each test copies, and a :class:`Runtime` on the copy with a memory publisher."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from runtime.service import MemoryPublisher, Runtime
from runtime.store.db import Database
from tests.runtime.preview import world

ORDERS = 1000


@pytest.fixture(scope="session")
def recorded_template(sqlite_template, tmp_path_factory) -> str:
    """A SQLite file holding the recorded world (migrated, seeded, 1,000 orders run)."""
    path = tmp_path_factory.mktemp("preview-world") / "world.db"
    shutil.copyfile(sqlite_template, path)
    database = Database.open(f"sqlite:///{path}")
    world.build(database, ORDERS)
    database.dispose()  # the last connection checkpoints the WAL into the file
    return str(path)


@pytest.fixture
def recorded(recorded_template, tmp_path) -> Iterator[Database]:
    """This test's copy of the recorded world."""
    path = tmp_path / "world.db"
    shutil.copyfile(recorded_template, path)
    database = Database.open(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture
def preview_rt(recorded) -> Runtime:
    return Runtime(recorded, publisher=MemoryPublisher())
