"""Order leases: claimed only where there is work and nobody holds it, renewed by the owner, swept once lapsed."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from store_seed import T0, make_order, seed_master

from runtime.store.events import receive_event
from runtime.store.leases import claim, orphaned, release, renew, unprocessed
from runtime.store.models import InboundEvent, OrderLease

TTL = timedelta(seconds=30)


def _orders_with_events(db, n: int) -> list[int]:
    """``n`` orders, each with one unprocessed ``order.paid`` received at T0."""
    with db.transaction() as s:
        seed_master(s)
        ids = [make_order(s, i).id for i in range(n)]
        for order_id in ids:
            receive_event(s, source="tmall", event_id=f"paid-{order_id}", kind="order.paid", payload={},
                          order_id=order_id, now=T0)
    return ids


def _mark_processed(db, order_id: int) -> None:
    with db.transaction() as s:
        for event in s.scalars(select(InboundEvent).where(InboundEvent.order_id == order_id)):
            event.status = "processed"


def _leases(db) -> dict[int, tuple[str | None, int]]:
    with db.read() as s:
        return {row.order_id: (row.owner, row.claims) for row in s.scalars(select(OrderLease))}


def test_a_claim_takes_only_orders_with_work_that_nobody_holds(db):
    a, b, c = _orders_with_events(db, 3)
    _mark_processed(db, c)
    with db.transaction() as s:
        assert claim(s, [a, b, c], "worker-1", T0, TTL) == [a, b]  # c has nothing to do
    with db.transaction() as s:
        assert claim(s, [a, b], "worker-2", T0 + timedelta(seconds=10), TTL) == []  # held by worker-1
    assert _leases(db) == {a: ("worker-1", 1), b: ("worker-1", 1)}


def test_the_owner_renews_releases_and_learns_when_the_lease_was_taken_over(db):
    a, b = _orders_with_events(db, 2)
    with db.transaction() as s:
        claim(s, [a, b], "worker-1", T0, TTL)
    with db.transaction() as s:
        assert renew(s, [a, b], "worker-1", T0 + timedelta(seconds=20), TTL) == [a, b]
        assert claim(s, [a], "worker-2", T0 + timedelta(seconds=40), TTL) == []  # renewed: until T0 + 50 s
        assert claim(s, [a], "worker-2", T0 + timedelta(seconds=51), TTL) == [a]  # lapsed: taken over
        assert renew(s, [a, b], "worker-1", T0 + timedelta(seconds=52), TTL) == [b]
        release(s, [a, b], "worker-1")  # only b is worker-1's to give back
    assert _leases(db) == {a: ("worker-2", 2), b: (None, 1)}
    with db.transaction() as s:
        assert claim(s, [b], "worker-3", T0 + timedelta(seconds=53), TTL) == [b]  # released: free at once
        assert unprocessed(s, [a, b]) == [a, b]
    _mark_processed(db, a)
    with db.read() as s:
        assert unprocessed(s, [a, b]) == [b]


def test_the_sweeper_finds_lapsed_leases_and_events_nobody_took(db):
    held, lapsed, lost, fresh_msg = _orders_with_events(db, 4)
    with db.transaction() as s:
        claim(s, [held], "worker-1", T0 + timedelta(seconds=50), TTL)
        claim(s, [lapsed], "worker-2", T0, TTL)
        for event in s.scalars(select(InboundEvent).where(InboundEvent.order_id == fresh_msg)):
            event.received_at = T0 + timedelta(seconds=59)
    now = T0 + timedelta(seconds=60)
    with db.read() as s:
        # held: a live lease; fresh_msg: its message is surely still on its way
        assert orphaned(s, now, stale_before=now - TTL) == [lapsed, lost]
    _mark_processed(db, lapsed)
    with db.read() as s:
        assert orphaned(s, now, stale_before=now - TTL) == [lost]  # a lapsed lease with nothing left to do
