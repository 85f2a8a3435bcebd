"""The leased runner without Celery: what a delivery claims, an event that arrives while the lease is held,
a batch that fails, the heartbeat, the sweeper's hand-over (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from runtime.executors.leased import Heartbeat, LeasedRunner, sweep
from runtime.service import NullPublisher, Runtime
from runtime.store import leases
from runtime.store.models import InboundEvent, OrderLease
from runtime.store.types import utcnow
from tests.runtime.distributed.support import order_payload, seed

TTL = timedelta(seconds=30)


class Collect:
    def __init__(self) -> None:
        self.ids: list[int] = []

    def submit(self, order_ids: list[int]) -> None:
        self.ids.extend(order_ids)


@pytest.fixture
def runtime(db):
    seed(db, "http://127.0.0.1:9")
    return Runtime(db, executor=Collect(), publisher=NullPublisher())


def paid(runtime, n: int) -> int:
    return runtime.ingest("tmall", f"paid-{n}", "order.paid", order_payload(n))["order_id"]


def statuses(db, order_id: int) -> list[str]:
    with db.read() as s:
        return list(s.scalars(select(InboundEvent.status).where(InboundEvent.order_id == order_id)
                              .order_by(InboundEvent.seq)))


def lease(db, order_id: int):
    with db.read() as s:
        return s.execute(select(OrderLease.owner, OrderLease.claims).where(OrderLease.order_id == order_id)).one()


def test_a_delivery_claims_and_runs_what_has_work_and_a_repeat_claims_nothing(db, runtime):
    a, b = paid(runtime, 1), paid(runtime, 2)
    runner = LeasedRunner(runtime, "worker-1", TTL)
    assert runner.run([a, b, a]) == {"claimed": [a, b], "events": 2}
    assert runner.run([a, b]) == {"claimed": [], "events": 0}
    assert statuses(db, a) == statuses(db, b) == ["processed"]
    assert tuple(lease(db, a)) == (None, 1)  # released, taken once


class EventArrivesDuringTheRun:
    """A runtime whose first batch sees another event of the same order committed while it runs (its message
    found the lease held and claimed nothing)."""

    def __init__(self, runtime: Runtime, order_id: int) -> None:
        self.runtime, self.db, self.order_id, self.batches = runtime, runtime.db, order_id, []

    def process_orders(self, order_ids):
        self.batches.append(list(order_ids))
        results = self.runtime.process_orders(order_ids)
        if len(self.batches) == 1:
            self.runtime.ingest("wms", "restock-1", "custom.stock.available", {"order_id": self.order_id})
            assert LeasedRunner(self.runtime, "worker-2", TTL).run([self.order_id])["claimed"] == []
        return results


def test_an_event_that_arrives_while_the_lease_is_held_goes_round_again(db, runtime):
    order_id = paid(runtime, 1)
    racing = EventArrivesDuringTheRun(runtime, order_id)
    done = LeasedRunner(racing, "worker-1", TTL).run([order_id])
    assert racing.batches == [[order_id], [order_id]]
    assert done == {"claimed": [order_id], "events": 2}
    assert statuses(db, order_id) == ["processed", "processed"]
    assert tuple(lease(db, order_id)) == (None, 2)


class Failing:
    def __init__(self, db) -> None:
        self.db = db

    def process_orders(self, order_ids):
        raise RuntimeError("the database went away")


def test_a_failed_batch_hands_its_leases_back_at_once(db, runtime):
    order_id = paid(runtime, 1)
    with pytest.raises(RuntimeError):
        LeasedRunner(Failing(db), "worker-1", TTL).run([order_id])
    assert tuple(lease(db, order_id)) == (None, 1)  # free for the next delivery without waiting for expiry
    assert LeasedRunner(runtime, "worker-2", TTL).run([order_id])["claimed"] == [order_id]


def test_the_heartbeat_renews_held_leases_and_reports_lost_ones(db, runtime):
    a, b = paid(runtime, 1), paid(runtime, 2)
    with db.transaction() as s:
        leases.claim(s, [a, b], "worker-1", utcnow() - timedelta(seconds=20), TTL)
        leases.claim(s, [b], "worker-2", utcnow() + timedelta(seconds=60), TTL)  # b lapsed and was taken over
    heartbeat = Heartbeat(db, "worker-1", TTL)
    heartbeat.hold([a, b])  # its thread beats every 10 s: here by hand
    assert heartbeat.beat() == [b]
    heartbeat.close()
    with db.read() as s:
        expires = s.scalar(select(OrderLease.expires_at).where(OrderLease.order_id == a))
    assert expires > utcnow() + TTL - timedelta(seconds=5)


def test_the_sweeper_re_enqueues_lapsed_leases_and_lost_messages(db, runtime):
    lapsed, never_taken = paid(runtime, 1), paid(runtime, 2)
    with db.transaction() as s:
        leases.claim(s, [lapsed], "dead-worker", utcnow() - timedelta(minutes=5), TTL)
    sent: list[int] = []
    assert sweep(db, sent.extend, TTL) == [lapsed]  # never_taken: its message may still be on its way
    later = utcnow() + TTL + timedelta(seconds=1)  # … but not after waiting as long as a lease lasts
    assert sweep(db, sent.extend, TTL, now=later) == [lapsed, never_taken]
    assert sent == [lapsed, lapsed, never_taken]
