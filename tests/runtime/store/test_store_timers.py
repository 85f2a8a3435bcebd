"""Durable timers: scheduling, cancelling, and concurrent claimers that never fire one timer twice."""

from __future__ import annotations

import multiprocessing
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, insert, select
from store_seed import T0, make_instance, make_order, seed_master
from store_workers import claim_process, claim_until_empty, in_threads, start_together

from runtime.store.db import Database
from runtime.store.models import Timer
from runtime.store.timers import cancel_timers, claim_due_timers, next_due_at, schedule_timer


def _instance(db: Database, flow: dict) -> int:
    with db.transaction() as s:
        seed_master(s)
        return make_instance(s, flow, make_order(s, 1).id)


def test_schedule_claim_and_cancel(db, sample_flow):
    instance_id = _instance(db, sample_flow)
    with db.transaction() as s:
        sla = schedule_timer(s, instance_id, "sla:finance", T0 + timedelta(hours=4))
        assert schedule_timer(s, instance_id, "sla:finance", T0 + timedelta(hours=5)) == sla  # moved, not added
        schedule_timer(s, instance_id, "wait:pickup", T0 + timedelta(hours=1))
    with db.transaction() as s:
        assert next_due_at(s) == T0 + timedelta(hours=1)
        assert claim_due_timers(s, T0 + timedelta(minutes=59)) == []
        due = claim_due_timers(s, T0 + timedelta(hours=6))
        assert [t.key for t in due] == ["wait:pickup", "sla:finance"]
        assert due[1].due_at == T0 + timedelta(hours=5)
    with db.transaction() as s:
        assert claim_due_timers(s, T0 + timedelta(hours=6)) == []  # fired once
        schedule_timer(s, instance_id, "late", T0 + timedelta(days=1))
        assert cancel_timers(s, instance_id) == 1  # fired timers stay as the record


def test_a_rolled_back_claim_fires_later(db, sample_flow):
    instance_id = _instance(db, sample_flow)
    with db.transaction() as s:
        schedule_timer(s, instance_id, "t", T0)
    with pytest.raises(RuntimeError), db.transaction() as s:
        assert len(claim_due_timers(s, T0)) == 1
        raise RuntimeError("the worker failed while firing")
    with db.transaction() as s:
        assert len(claim_due_timers(s, T0)) == 1


def _many_timers(db: Database, flow: dict, count: int) -> set[int]:
    instance_id = _instance(db, flow)
    with db.transaction() as s:
        s.execute(insert(Timer), [{"instance_id": instance_id, "key": f"k{i}", "due_at": T0 + timedelta(seconds=i)}
                                  for i in range(count)])
        return set(s.scalars(select(Timer.id)))


def _check_each_fired_once(db: Database, all_ids: set[int], won: list[int]) -> None:
    counts = Counter(won)
    assert [tid for tid, n in counts.items() if n > 1] == [], "a timer was claimed twice"
    assert set(counts) == all_ids
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Timer).where(Timer.fired_at.is_(None))) == 0


def test_concurrent_claimers_never_fire_a_timer_twice(db_url, sample_flow):
    db = Database.open(db_url, pool_size=8)
    try:
        all_ids = _many_timers(db, sample_flow, 300)
        results, errors = in_threads(6, lambda _i: claim_until_empty(db, T0 + timedelta(hours=1), limit=7))
        assert errors == []
        assert sum(1 for ids in results if ids) >= 2, "the claimers did not actually compete"
        _check_each_fired_once(db, all_ids, [tid for ids in results for tid in ids])
    finally:
        db.dispose()


@pytest.mark.services
def test_claimers_in_two_processes_never_fire_a_timer_twice(db_url, sample_flow):
    db = Database.open(db_url)
    try:
        all_ids = _many_timers(db, sample_flow, 300)
        ctx = multiprocessing.get_context("spawn")
        ready, start, out = ctx.Queue(), ctx.Event(), ctx.Queue()
        procs = [ctx.Process(target=claim_process, args=(db_url, T0 + timedelta(hours=1), 5, ready, start, out))
                 for _ in range(2)]
        start_together(procs, ready, start)
        results = [out.get(timeout=100) for _ in procs]
        for proc in procs:
            proc.join(timeout=30)
        assert [e for _, errs in results for e in errs] == []
        assert all(ids for ids, _ in results), "a process claimed nothing: no race happened"
        _check_each_fired_once(db, all_ids, [tid for ids, _ in results for tid in ids])
    finally:
        db.dispose()
