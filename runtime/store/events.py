"""Idempotent ingestion: each (source, event id) is stored once with its response; events are numbered
per order.

Taking the next sequence number of an order updates the order's row, which on PostgreSQL holds
its row lock until commit: the events of one order are serialised by the database, not by a
lock with a TTL somewhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.store.models import InboundEvent, Order
from runtime.store.types import as_utc, utcnow


@dataclass(frozen=True)
class EventReceipt:
    """What :func:`receive_event` found: a new event to process, or a duplicate with its stored response."""

    id: int
    seq: int | None
    duplicate: bool
    status: str
    response: dict[str, Any] | None


def next_event_seq(session: Session, order_id: int) -> int:
    """Take the order's next event sequence number (locking the order row until commit on PostgreSQL)."""
    seq = session.execute(
        update(Order).where(Order.id == order_id).values(event_seq=Order.event_seq + 1)
        .returning(Order.event_seq),
        execution_options={"synchronize_session": False}).scalar_one_or_none()
    if seq is None:
        raise LookupError(f"order {order_id} does not exist")
    return int(seq)


def receive_event(session: Session, *, source: str, event_id: str, kind: str, payload: dict[str, Any],
                  order_id: int | None = None, now: datetime | None = None) -> EventReceipt:
    """Store an inbound event once. A repeat of (``source``, ``event_id``) returns the first one's receipt
    with ``duplicate=True`` (and its response, once :func:`record_response` stored it)."""
    found = _existing(session, source, event_id)
    if found is not None:
        return found
    when = as_utc(now) if now is not None else utcnow()
    try:
        with session.begin_nested():
            seq = next_event_seq(session, order_id) if order_id is not None else None
            event = InboundEvent(source=source, event_id=event_id, kind=kind, payload=payload,
                                 order_id=order_id, seq=seq, received_at=when)
            session.add(event)
            session.flush()
            return EventReceipt(event.id, seq, duplicate=False, status=event.status, response=None)
    except IntegrityError:  # the same event arrived concurrently and committed first
        found = _existing(session, source, event_id)
        if found is None:
            raise
        return found


def _existing(session: Session, source: str, event_id: str) -> EventReceipt | None:
    row = session.execute(
        select(InboundEvent.id, InboundEvent.seq, InboundEvent.status, InboundEvent.response)
        .where(InboundEvent.source == source, InboundEvent.event_id == event_id)).first()
    return EventReceipt(row[0], row[1], duplicate=True, status=row[2], response=row[3]) if row else None


def record_response(session: Session, event_pk: int, response: dict[str, Any], *, status: str = "processed",
                    now: datetime | None = None) -> None:
    """Store the answer given to an event, so a resend of it gets the same answer."""
    session.execute(
        update(InboundEvent).where(InboundEvent.id == event_pk)
        .values(response=response, status=status, processed_at=as_utc(now) if now is not None else utcnow()),
        execution_options={"synchronize_session": False})
