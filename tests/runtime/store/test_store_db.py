"""Engine set-up and units of work: SQLite pragmas and BEGIN IMMEDIATE, rollback, types, row versions."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm.exc import StaleDataError
from store_seed import T0, make_order, seed_master

from runtime.store.db import Database, make_engine, normalise_url, session_scope
from runtime.store.models import Order


def test_sqlite_connections_are_tuned(sqlite_url):
    engine = make_engine(sqlite_url)
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
    finally:
        engine.dispose()


def test_sqlite_units_of_work_take_the_write_lock_at_begin(sqlite_url):
    """A writer holding BEGIN IMMEDIATE makes a second writer wait at BEGIN; a reader still reads."""
    holder = Database.open(sqlite_url)
    impatient = Database.open(sqlite_url, busy_timeout_s=0.1)
    try:
        with holder.transaction() as s:
            seed_master(s)
            s.flush()
            with pytest.raises(Exception, match="locked"):
                with impatient.transaction() as other:
                    other.execute(text("SELECT 1"))  # not even a write: the BEGIN itself waits
            with impatient.read() as reader:
                assert reader.execute(text("SELECT count(*) FROM channels")).scalar() == 0
    finally:
        holder.dispose()
        impatient.dispose()


def test_sqlite_savepoints_work_inside_units_of_work(sqlite_url):
    db = Database.open(sqlite_url)
    try:
        with db.transaction() as s:
            seed_master(s)
            with pytest.raises(RuntimeError):
                with s.begin_nested():
                    make_order(s, 1)
                    raise RuntimeError("undo the order only")
            make_order(s, 2)
        with db.read() as s:
            assert s.scalars(select(Order.channel_order_no)).all() == ["TM2"]
    finally:
        db.dispose()


def test_a_failing_unit_of_work_is_rolled_back(db):
    with pytest.raises(RuntimeError), db.transaction() as s:
        seed_master(s)
        make_order(s, 1)
        raise RuntimeError("boom")
    with db.read() as s:
        assert s.scalar(select(Order.id)) is None
    with session_scope(db.sessions) as s:  # the module-level helper behaves the same
        seed_master(s)
    with db.read() as s:
        assert s.execute(text("SELECT count(*) FROM warehouses")).scalar() == 2


def test_times_are_aware_utc_and_money_is_decimal(db):
    shanghai = timezone(timedelta(hours=8))
    with db.transaction() as s:
        seed_master(s)
        make_order(s, 1, total=Decimal("5000.005"), paid_at=datetime(2026, 11, 11, 10, 0, tzinfo=shanghai))
    with db.read() as s:
        order = s.scalars(select(Order)).one()
        assert order.paid_at == T0 and order.paid_at.tzinfo is not None
        assert order.paid_at.utcoffset() == timedelta(0)
        assert order.total == Decimal("5000.01") and isinstance(order.total, Decimal)
        assert order.lines[0].price == Decimal("5000.01")


def test_naive_times_and_float_money_are_refused(db):
    with pytest.raises(Exception, match="naive"), db.transaction() as s:
        seed_master(s)
        make_order(s, 1, paid_at=datetime(2026, 11, 11, 10, 0))
    with pytest.raises(Exception, match="float"), db.transaction() as s:
        seed_master(s)
        make_order(s, 2, total=19.9)


def test_row_version_refuses_a_stale_write(db):
    with db.transaction() as s:
        seed_master(s)
        order_id = make_order(s, 1).id
    first, second = db.sessions(), db.sessions()
    try:
        b = second.get(Order, order_id)
        second.commit()  # b was read in an earlier unit of work (and stays loaded)
        a = first.get(Order, order_id)
        assert a.row_version == b.row_version == 1
        a.tags = ["vip"]
        first.commit()
        b.tags = ["remote-freight"]
        with pytest.raises(StaleDataError):
            second.commit()
    finally:
        first.close()
        second.close()
    with db.read() as s:
        order = s.get(Order, order_id)
        assert (order.tags, order.row_version) == (["vip"], 2)


def test_postgres_urls_get_the_psycopg_driver():
    assert normalise_url("postgres://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("postgresql://u@h/db").drivername == "postgresql+psycopg"
    assert normalise_url("sqlite:///x.db").drivername == "sqlite"


def test_sqlite_library_supports_returning():
    assert sqlite3.sqlite_version_info >= (3, 35)  # RETURNING, used by the conditional updates
