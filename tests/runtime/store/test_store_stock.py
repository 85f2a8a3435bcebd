"""Stock primitives: all-or-none reservation, release, fulfil, adjust, and the concurrency proof."""

from __future__ import annotations

import multiprocessing
import threading

import pytest
from sqlalchemy import func, select
from store_seed import make_order, seed_hot_sku, seed_master
from store_workers import reserve_attempts, reserve_process, start_together

from runtime.store.db import Database
from runtime.store.models import Reservation, Stock, StockAdjustment
from runtime.store.stock import StockError, StockLine, adjust, fulfil, release, reserve, stock_level

HOT = "SKU-HOT"


def _stock(db: Database, **levels: tuple[int, int]) -> None:
    with db.transaction() as s:
        seed_master(s)
        for sku, (available, reserved) in levels.items():
            s.add(Stock(sku=sku, warehouse_code="hz", available=available, reserved=reserved))
        make_order(s, 1)


def test_reserve_takes_every_line_or_none(db):
    _stock(db, A=(5, 0), B=(1, 0))
    with db.transaction() as s:
        short = reserve(s, 1, "hz", [StockLine("A", 2), StockLine("B", 2)])
    assert not short.ok and short.reservation_ids == ()
    assert [(f.sku, f.wanted, f.available) for f in short.shortfalls] == [("B", 2, 1)]
    with db.read() as s:
        assert stock_level(s, "A", "hz") == (5, 0)  # A's update was rolled back with the savepoint
        assert s.scalar(select(func.count()).select_from(Reservation)) == 0

    with db.transaction() as s:
        ok = reserve(s, 1, "hz", [StockLine("A", 2), StockLine("B", 1), StockLine("A", 1)])
    assert ok.ok and len(ok.reservation_ids) == 2  # A's two lines merged into one reservation
    with db.read() as s:
        assert stock_level(s, "A", "hz") == (2, 3)
        assert stock_level(s, "B", "hz") == (0, 1)


def test_unknown_sku_or_warehouse_is_a_shortfall(db):
    _stock(db, A=(5, 0))
    with db.transaction() as s:
        result = reserve(s, 1, "bj", [StockLine("A", 1)])
    assert not result.ok and result.shortfalls[0].available == 0


def test_quantity_must_be_positive(db):
    _stock(db, A=(5, 0))
    with pytest.raises(ValueError, match="positive"), db.transaction() as s:
        reserve(s, 1, "hz", [StockLine("A", 0)])


def test_release_gives_units_back_once(db):
    _stock(db, A=(5, 0))
    with db.transaction() as s:
        assert reserve(s, 1, "hz", [StockLine("A", 3)]).ok
    with db.transaction() as s:
        assert release(s, 1, reason="order cancelled") == 3
    with db.transaction() as s:
        assert release(s, 1, reason="again") == 0
    with db.read() as s:
        assert stock_level(s, "A", "hz") == (5, 0)
        assert s.scalars(select(Reservation.status)).all() == ["released"]


def test_fulfil_takes_units_out_of_reserved(db):
    _stock(db, A=(5, 0))
    with db.transaction() as s:
        assert reserve(s, 1, "hz", [StockLine("A", 2)]).ok
    with db.transaction() as s:
        assert fulfil(s, 1) == 2
        assert release(s, 1) == 0  # shipped units are not released
    with db.read() as s:
        assert stock_level(s, "A", "hz") == (3, 0)


def test_adjust_records_the_reason_and_refuses_negative(db):
    _stock(db, A=(5, 0))
    with db.transaction() as s:
        assert adjust(s, "A", "hz", -2, "盘点差异", actor="op1") == 3
        assert adjust(s, "NEW", "hz", 7, "到货") == 7  # first units of a SKU create its row
    with pytest.raises(StockError) as refused, db.transaction() as s:
        adjust(s, "A", "hz", -4, "报损")
    assert "only 3 available" in str(refused.value) and "仅有 3 件" in refused.value.message_zh
    with pytest.raises(StockError, match="reason"), db.transaction() as s:
        adjust(s, "A", "hz", 1, "  ")
    with db.read() as s:
        assert stock_level(s, "A", "hz") == (3, 0)
        rows = s.execute(select(StockAdjustment.sku, StockAdjustment.delta, StockAdjustment.available_after,
                                StockAdjustment.reason).order_by(StockAdjustment.id)).all()
        assert [tuple(r) for r in rows] == [("A", -2, 3, "盘点差异"), ("NEW", 7, 7, "到货")]


def _assert_exactly_50_reserved(db: Database) -> None:
    with db.read() as s:
        assert stock_level(s, HOT, "hz") == (0, 50)
        assert s.scalar(select(func.count()).select_from(Reservation)) == 50
        assert s.scalar(select(func.sum(Reservation.qty))) == 50
        per_order = s.execute(select(Reservation.order_id, func.count()).group_by(Reservation.order_id)).all()
        assert all(n == 1 for _, n in per_order)


class _Sampler(threading.Thread):
    """Reads the hot row while the race runs: available never below 0, available + reserved always 50."""

    def __init__(self, db: Database) -> None:
        super().__init__(daemon=True)
        self.db, self.seen, self.stop = db, set(), threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            with self.db.read() as s:
                self.seen.add(stock_level(s, HOT, "hz"))

    def check(self) -> None:
        self.stop.set()
        self.join(10)
        assert self.seen, "the sampler saw nothing"
        assert all(available >= 0 and available + reserved == 50 for available, reserved in self.seen), self.seen


def test_200_concurrent_thread_reservations_of_50_units(db_url):
    db = Database.open(db_url, pool_size=20)
    try:
        order_ids = seed_hot_sku(db, orders=200, available=50)
        sampler = _Sampler(db)
        sampler.start()
        outcomes, errors = reserve_attempts(db, order_ids, HOT, "hz")
        sampler.check()
        assert errors == []
        assert (outcomes.count(True), outcomes.count(False)) == (50, 150)
        _assert_exactly_50_reserved(db)
    finally:
        db.dispose()


@pytest.mark.services
def test_200_reservations_of_50_units_from_4_processes(db_url):
    db = Database.open(db_url, pool_size=4)
    try:
        order_ids = seed_hot_sku(db, orders=200, available=50)
        ctx = multiprocessing.get_context("spawn")
        ready, start, out = ctx.Queue(), ctx.Event(), ctx.Queue()
        procs = [ctx.Process(target=reserve_process, args=(db_url, order_ids[i::4], HOT, "hz", ready, start, out))
                 for i in range(4)]
        sampler = _Sampler(db)
        sampler.start()
        start_together(procs, ready, start)
        results = [out.get(timeout=100) for _ in procs]
        for proc in procs:
            proc.join(timeout=30)
        sampler.check()
        outcomes = [ok for oks, _ in results for ok in oks]
        errors = [e for _, errs in results for e in errs]
        assert errors == []
        assert all(proc.exitcode == 0 for proc in procs)
        assert (outcomes.count(True), outcomes.count(False)) == (50, 150)
        _assert_exactly_50_reserved(db)
    finally:
        db.dispose()
