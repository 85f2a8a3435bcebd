"""The outbox: effects written with the step, claimed by deliverers, retried with backoff, dead-lettered.

Delivery is at least once: a claim pushes ``next_attempt_at`` forward by a visibility timeout
instead of locking, so a deliverer that dies mid-call is retried by another later, under the
same idempotency key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.store.models import OutboxEffect
from runtime.store.types import as_utc, utcnow

MAX_BACKOFF = timedelta(hours=1)


@dataclass(frozen=True)
class ClaimedEffect:
    """An effect a deliverer now holds, hidden from other deliverers for the visibility timeout."""

    id: int
    kind: str
    idempotency_key: str
    connection_name: str | None
    payload: dict[str, Any]
    attempts: int


def enqueue_effect(session: Session, *, kind: str, idempotency_key: str, payload: dict[str, Any],
                   connection_name: str | None = None, instance_id: int | None = None,
                   order_id: int | None = None, now: datetime | None = None) -> int:
    """Add an effect to the outbox in the caller's transaction; the same key twice is the same effect."""
    when = as_utc(now) if now is not None else utcnow()
    try:
        with session.begin_nested():
            effect = OutboxEffect(kind=kind, idempotency_key=idempotency_key, payload=payload,
                                  connection_name=connection_name, instance_id=instance_id, order_id=order_id,
                                  next_attempt_at=when, created_at=when)
            session.add(effect)
            session.flush()
            return effect.id
    except IntegrityError:
        return session.execute(select(OutboxEffect.id).where(
            OutboxEffect.idempotency_key == idempotency_key)).scalar_one()


def claim_due_effects(session: Session, now: datetime, limit: int = 50,
                      visibility: timedelta = timedelta(seconds=60)) -> list[ClaimedEffect]:
    """Claim pending effects due at ``now``: each is hidden for ``visibility`` and its attempt counted."""
    at = as_utc(now)
    candidates = (select(OutboxEffect.id)
                  .where(OutboxEffect.status == "pending", OutboxEffect.next_attempt_at <= at)
                  .order_by(OutboxEffect.next_attempt_at, OutboxEffect.id).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        candidates = candidates.with_for_update(skip_locked=True)
    ids = list(session.execute(candidates).scalars())
    if not ids:
        return []
    rows = session.execute(
        update(OutboxEffect)
        .where(OutboxEffect.id.in_(ids), OutboxEffect.status == "pending", OutboxEffect.next_attempt_at <= at)
        .values(next_attempt_at=at + visibility, attempts=OutboxEffect.attempts + 1)
        .returning(OutboxEffect.id, OutboxEffect.kind, OutboxEffect.idempotency_key,
                   OutboxEffect.connection_name, OutboxEffect.payload, OutboxEffect.attempts),
        execution_options={"synchronize_session": False}).all()
    return sorted((ClaimedEffect(*row) for row in rows), key=lambda e: e.id)


def mark_delivered(session: Session, effect_id: int, now: datetime) -> bool:
    """Record a successful delivery (a late duplicate delivery of a dead or discarded effect is ignored)."""
    result = session.execute(
        update(OutboxEffect).where(OutboxEffect.id == effect_id, OutboxEffect.status == "pending")
        .values(status="delivered", delivered_at=as_utc(now), last_error=None),
        execution_options={"synchronize_session": False})
    return result.rowcount == 1  # type: ignore[attr-defined]


def mark_failed(session: Session, effect_id: int, error: str, now: datetime, *, max_attempts: int = 8,
                base_delay: timedelta = timedelta(seconds=5)) -> str:
    """Record a failed attempt: retry after an exponential backoff, or ``dead`` after ``max_attempts``.

    Returns the effect's new status.
    """
    effect = session.get(OutboxEffect, effect_id, with_for_update=True)
    if effect is None or effect.status != "pending":
        return effect.status if effect is not None else "missing"
    effect.last_error = error[:2000]
    if effect.attempts >= max_attempts:
        effect.status = "dead"
    else:
        effect.next_attempt_at = as_utc(now) + min(base_delay * 2 ** max(effect.attempts - 1, 0), MAX_BACKOFF)
    return effect.status


def redrive(session: Session, effect_id: int, now: datetime) -> bool:
    """Send a dead letter again: back to pending, attempts reset, due now."""
    result = session.execute(
        update(OutboxEffect).where(OutboxEffect.id == effect_id, OutboxEffect.status == "dead")
        .values(status="pending", attempts=0, next_attempt_at=as_utc(now)),
        execution_options={"synchronize_session": False})
    return result.rowcount == 1  # type: ignore[attr-defined]


def discard(session: Session, effect_id: int) -> bool:
    """Give up on a dead letter for good (kept, with status ``discarded``, for the record)."""
    result = session.execute(
        update(OutboxEffect).where(OutboxEffect.id == effect_id, OutboxEffect.status == "dead")
        .values(status="discarded"),
        execution_options={"synchronize_session": False})
    return result.rowcount == 1  # type: ignore[attr-defined]
