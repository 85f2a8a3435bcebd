"""Durable timers: schedule, cancel, and claim the due ones so that two pollers never fire one twice."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from runtime.store.models import Timer
from runtime.store.types import as_utc


@dataclass(frozen=True)
class DueTimer:
    """A timer this caller has claimed (its ``fired_at`` is now set, in the caller's transaction)."""

    id: int
    instance_id: int
    key: str
    due_at: datetime


def schedule_timer(session: Session, instance_id: int, key: str, due_at: datetime) -> int:
    """Create the instance's timer ``key`` (or move it, if it has not fired yet); returns its id."""
    due = as_utc(due_at)
    existing = session.execute(
        select(Timer).where(Timer.instance_id == instance_id, Timer.key == key)).scalar_one_or_none()
    if existing is None:
        timer = Timer(instance_id=instance_id, key=key, due_at=due)
        session.add(timer)
        session.flush()
        return timer.id
    if existing.fired_at is None:
        existing.due_at = due
    return existing.id


def cancel_timers(session: Session, instance_id: int) -> int:
    """Delete the instance's timers that have not fired (it ended or was cancelled); returns how many."""
    result = session.execute(
        delete(Timer).where(Timer.instance_id == instance_id, Timer.fired_at.is_(None)),
        execution_options={"synchronize_session": False})
    return int(result.rowcount)  # type: ignore[attr-defined]


def claim_due_timers(session: Session, now: datetime, limit: int = 100) -> list[DueTimer]:
    """Claim up to ``limit`` timers due at ``now``: ``SET fired_at = now WHERE … AND fired_at IS NULL``.

    Only the rows whose update this transaction won are returned, so concurrent pollers split
    the due timers between them. On PostgreSQL the candidates are read ``FOR UPDATE SKIP LOCKED``
    so pollers do not queue behind each other. Handle the claimed timers in the same transaction:
    if it rolls back, the claim does too and the timer fires later.
    """
    at = as_utc(now)
    candidates = (select(Timer.id).where(Timer.fired_at.is_(None), Timer.due_at <= at)
                  .order_by(Timer.due_at, Timer.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(session.execute(candidates).scalars())
    if not ids:
        return []
    claimed = session.execute(
        update(Timer).where(Timer.id.in_(ids), Timer.fired_at.is_(None)).values(fired_at=at)
        .returning(Timer.id, Timer.instance_id, Timer.key, Timer.due_at),
        execution_options={"synchronize_session": False}).all()
    return sorted((DueTimer(*row) for row in claimed), key=lambda t: (t.due_at, t.id))


def next_due_at(session: Session) -> datetime | None:
    """When the earliest pending timer is due (for a poller's sleep and the health check)."""
    return session.execute(
        select(Timer.due_at).where(Timer.fired_at.is_(None)).order_by(Timer.due_at).limit(1)).scalar()
