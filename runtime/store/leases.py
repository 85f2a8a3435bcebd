"""Order leases: a worker owns an order's unprocessed events until its lease expires; a heartbeat renews it.

The unit of work of the executors is an order's queue of unprocessed events, so the lease is on the
order (table ``order_leases``, one row per order ever leased). The lease says who should be working;
what makes a second run harmless is the database itself — the order's row lock serialises the runs
and an event, once ``processed``, is never run again — so a duplicate or late message, or a run
racing a worker whose lease lapsed, finds nothing to do.

Every function runs in the caller's transaction; commit it at once (a lease must be visible to the
other workers before the work starts).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from runtime.store.models import InboundEvent, Order, OrderLease
from runtime.store.types import UTCDateTime, as_utc

_INSERT = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def _unprocessed(order_id: Any) -> Any:
    return exists().where(InboundEvent.order_id == order_id, InboundEvent.status == "received")


def claim(session: Session, order_ids: Iterable[int], owner: str, now: datetime, ttl: timedelta) -> list[int]:
    """Take the leases of those ``order_ids`` that have unprocessed events and that nobody holds (never
    leased, released or expired); returns them. One conditional upsert: an order another worker holds,
    or whose events are all processed, is left out."""
    ids = sorted(set(order_ids))
    if not ids:
        return []
    at = as_utc(now)
    insert = _INSERT[session.get_bind().dialect.name]
    wanted = select(Order.id, literal(owner), literal(at + ttl, UTCDateTime()), literal(at, UTCDateTime()),
                    literal(1)).where(Order.id.in_(ids), _unprocessed(Order.id))
    statement = insert(OrderLease).from_select(["order_id", "owner", "expires_at", "heartbeat_at", "claims"], wanted)
    statement = statement.on_conflict_do_update(
        index_elements=[OrderLease.order_id],
        set_={"owner": statement.excluded.owner, "expires_at": statement.excluded.expires_at,
              "heartbeat_at": statement.excluded.heartbeat_at, "claims": OrderLease.claims + 1},
        where=or_(OrderLease.owner.is_(None), OrderLease.expires_at < at))
    return sorted(session.execute(statement.returning(OrderLease.order_id)).scalars())


def renew(session: Session, order_ids: Iterable[int], owner: str, now: datetime, ttl: timedelta) -> list[int]:
    """The heartbeat: extend ``owner``'s leases of ``order_ids``; returns those it still holds."""
    ids = sorted(set(order_ids))
    if not ids:
        return []
    at = as_utc(now)
    return sorted(session.execute(
        update(OrderLease).where(OrderLease.order_id.in_(ids), OrderLease.owner == owner)
        .values(expires_at=at + ttl, heartbeat_at=at).returning(OrderLease.order_id),
        execution_options={"synchronize_session": False}).scalars())


def release(session: Session, order_ids: Iterable[int], owner: str) -> None:
    """Give up ``owner``'s leases of ``order_ids`` (its work on them is committed, or handed back)."""
    ids = sorted(set(order_ids))
    if ids:
        session.execute(
            update(OrderLease).where(OrderLease.order_id.in_(ids), OrderLease.owner == owner)
            .values(owner=None, expires_at=None), execution_options={"synchronize_session": False})


def unprocessed(session: Session, order_ids: Iterable[int]) -> list[int]:
    """Those of ``order_ids`` that have unprocessed events.

    Read AFTER :func:`release` in the same transaction: an event that arrived while the lease was held
    either shows up here, or its own message finds the lease free (a claim waits for the release's row
    lock) — it is never left waiting for the sweeper."""
    ids = sorted(set(order_ids))
    if not ids:
        return []
    return sorted(session.execute(
        select(InboundEvent.order_id).where(InboundEvent.order_id.in_(ids), InboundEvent.status == "received")
        .distinct()).scalars())


def orphaned(session: Session, now: datetime, stale_before: datetime, limit: int = 200) -> list[int]:
    """What the sweeper re-enqueues: orders with unprocessed events whose lease has expired (its worker
    died or stalls), or that nobody holds although an event has waited since before ``stale_before`` (its
    message was lost)."""
    at, stale = as_utc(now), as_utc(stale_before)
    query = (select(InboundEvent.order_id)
             .outerjoin(OrderLease, OrderLease.order_id == InboundEvent.order_id)
             .where(InboundEvent.status == "received", InboundEvent.order_id.is_not(None),
                    or_(OrderLease.expires_at < at,
                        and_(OrderLease.owner.is_(None), InboundEvent.received_at < stale)))
             .distinct().order_by(InboundEvent.order_id).limit(limit))
    return list(session.execute(query).scalars())
