"""Migrations create the whole schema on an empty database, match the models, and are idempotent."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from runtime.store import migrate
from runtime.store.db import make_engine
from runtime.store.models import metadata


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.services)])
def empty_url(request, tmp_path):
    """An empty database (no tables at all)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    url = request.getfixturevalue("pg_url")
    migrate.downgrade(url, "base")  # pg_url is a migrated copy; take it back to empty
    return url


def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_builds_the_schema_from_empty_and_is_idempotent(empty_url):
    assert _tables(empty_url) <= {"alembic_version"}
    assert migrate.current_revision(empty_url) is None
    assert migrate.upgrade(empty_url) == migrate.head_revision()
    assert _tables(empty_url) == set(metadata.tables) | {"alembic_version"}
    assert migrate.upgrade(empty_url) == migrate.head_revision()  # a second run does nothing


def test_migrated_schema_matches_the_models(empty_url):
    migrate.upgrade(empty_url)
    engine = make_engine(empty_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    finally:
        engine.dispose()
    assert diff == [], "models changed without a migration: python -m runtime.store.migrate revision '…'"


def test_downgrade_to_base_and_up_again(empty_url):
    migrate.upgrade(empty_url)
    migrate.downgrade(empty_url, "base")
    assert _tables(empty_url) <= {"alembic_version"}
    migrate.upgrade(empty_url)
    assert _tables(empty_url) >= set(metadata.tables)


def test_concurrent_upgrades_of_one_database_all_succeed(empty_url):
    errors: list[BaseException] = []

    def run() -> None:
        try:
            migrate.upgrade(empty_url)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert migrate.current_revision(empty_url) == migrate.head_revision()


def test_revisions_are_a_single_line():
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config())
    assert len(script.get_heads()) == 1
    assert [r.revision for r in script.walk_revisions()][-1] == "0001"


def test_the_command_line_migrates_the_configured_database(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("ORDERLOOM_DATA_DIR", str(tmp_path / "var"))
    assert migrate.main(["upgrade"]) == 0  # no URL: Settings.from_env(), the embedded SQLite file
    assert (tmp_path / "var" / "orderloom.db").exists()
    assert migrate.main(["current"]) == 0
    assert capsys.readouterr().out.split() == [migrate.head_revision()] * 2
    assert migrate.main([]) == 2
