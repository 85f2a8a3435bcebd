"""The stock ledger's primitives: reserve (all lines or none), release, fulfil and operator adjustments.

Every change is a conditional ``UPDATE`` whose row count says whether it happened; nothing
reads stock, decides, then writes. A unit is therefore never promised twice, whatever the
number of threads, processes or servers, on SQLite (``BEGIN IMMEDIATE`` serialises writers)
and on PostgreSQL (the row lock makes a concurrent update re-check ``available >= :q``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from runtime.store.models import Reservation, Stock, StockAdjustment
from runtime.store.types import as_utc, utcnow


@dataclass(frozen=True)
class StockLine:
    """``qty`` units of ``sku`` wanted from one warehouse."""

    sku: str
    qty: int


@dataclass(frozen=True)
class Shortfall:
    """A line that could not be reserved: how many were wanted and how many were available."""

    sku: str
    wanted: int
    available: int


@dataclass(frozen=True)
class ReserveResult:
    """The outcome of :func:`reserve`: either every line reserved (``ok``) or none, with the shortfalls."""

    ok: bool
    warehouse: str
    reservation_ids: tuple[int, ...] = ()
    shortfalls: tuple[Shortfall, ...] = ()


class StockError(ValueError):
    """A stock operation that is refused as asked (e.g. an adjustment below zero); zh/en message."""

    def __init__(self, message_en: str, message_zh: str) -> None:
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh


class _Short(Exception):
    def __init__(self, sku: str, wanted: int) -> None:
        self.sku, self.wanted = sku, wanted


def _merged(lines: Iterable[StockLine]) -> list[tuple[str, int]]:
    """Lines summed per SKU, in SKU order (one lock order for everyone, so no deadlocks)."""
    wanted: Counter[str] = Counter()
    for line in lines:
        if line.qty <= 0:
            raise ValueError(f"quantity of {line.sku!r} must be positive, not {line.qty}")
        wanted[line.sku] += line.qty
    return sorted(wanted.items())


def reserve(session: Session, order_id: int, warehouse: str, lines: Iterable[StockLine], *,
            now: datetime | None = None) -> ReserveResult:
    """Reserve every line in ``warehouse`` for the order, or none of them.

    Each SKU is one ``UPDATE stock SET available = available - q, reserved = reserved + q
    WHERE … AND available >= q``; if any touches no row, the lines already taken are undone
    by rolling back to a savepoint, and the shortfalls are reported. Runs in the caller's
    transaction, so the reservation commits with the order and the instance.
    """
    merged = _merged(lines)
    when = as_utc(now) if now is not None else utcnow()
    try:
        with session.begin_nested():
            for sku, qty in merged:
                taken = session.execute(
                    update(Stock)
                    .where(and_(Stock.sku == sku, Stock.warehouse_code == warehouse, Stock.available >= qty))
                    .values(available=Stock.available - qty, reserved=Stock.reserved + qty, updated_at=when),
                    execution_options={"synchronize_session": False},
                )
                if taken.rowcount != 1:  # type: ignore[attr-defined]
                    raise _Short(sku, qty)
            ids = session.execute(
                insert(Reservation).returning(Reservation.id),
                [{"order_id": order_id, "sku": sku, "warehouse_code": warehouse, "qty": qty,
                  "status": "active", "created_at": when} for sku, qty in merged],
            ).scalars().all()
    except _Short:
        shortfalls = _shortfalls(session, warehouse, merged)
        return ReserveResult(ok=False, warehouse=warehouse, shortfalls=shortfalls)
    return ReserveResult(ok=True, warehouse=warehouse, reservation_ids=tuple(ids))


def _shortfalls(session: Session, warehouse: str, merged: list[tuple[str, int]]) -> tuple[Shortfall, ...]:
    have = dict(session.execute(
        select(Stock.sku, Stock.available)
        .where(Stock.warehouse_code == warehouse, Stock.sku.in_([sku for sku, _ in merged]))).all())
    return tuple(Shortfall(sku, qty, have.get(sku, 0)) for sku, qty in merged if have.get(sku, 0) < qty)


def release(session: Session, order_id: int, *, warehouse: str | None = None, reason: str = "",
            now: datetime | None = None) -> int:
    """Give the order's active reservations (optionally of one warehouse) back to available stock.

    Returns the number of units released. Each reservation is ended with a conditional update
    (``status = 'active'``), so releasing twice, or concurrently, gives each unit back once.
    """
    return _end_reservations(session, order_id, warehouse, "released", reason, now)


def fulfil(session: Session, order_id: int, *, warehouse: str | None = None,
           now: datetime | None = None) -> int:
    """Mark the order's active reservations shipped: the units leave ``reserved``. Returns the units."""
    return _end_reservations(session, order_id, warehouse, "fulfilled", "shipped", now)


def _end_reservations(session: Session, order_id: int, warehouse: str | None, status: str, reason: str,
                      now: datetime | None) -> int:
    when = as_utc(now) if now is not None else utcnow()
    query = select(Reservation.id, Reservation.sku, Reservation.warehouse_code, Reservation.qty).where(
        Reservation.order_id == order_id, Reservation.status == "active")
    if warehouse is not None:
        query = query.where(Reservation.warehouse_code == warehouse)
    units = 0
    for rid, sku, wh, qty in session.execute(query.order_by(Reservation.sku, Reservation.id)).all():
        ended = session.execute(
            update(Reservation).where(Reservation.id == rid, Reservation.status == "active")
            .values(status=status, reason=reason or None, ended_at=when),
            execution_options={"synchronize_session": False})
        if ended.rowcount != 1:  # type: ignore[attr-defined]
            continue  # someone else ended it first
        back = {"available": Stock.available + qty} if status == "released" else {}
        session.execute(
            update(Stock).where(Stock.sku == sku, Stock.warehouse_code == wh)
            .values(reserved=Stock.reserved - qty, updated_at=when, **back),
            execution_options={"synchronize_session": False})
        units += qty
    return units


def adjust(session: Session, sku: str, warehouse: str, delta: int, reason: str, *, actor: str | None = None,
           now: datetime | None = None) -> int:
    """An operator's correction of available stock by ``delta`` (a count, a write-off); returns the new
    available. Refused with :class:`StockError` if it would go below zero or no reason is given."""
    if not reason.strip():
        raise StockError("a stock adjustment needs a reason", "库存调整必须填写原因")
    when = as_utc(now) if now is not None else utcnow()
    row = session.execute(
        update(Stock)
        .where(Stock.sku == sku, Stock.warehouse_code == warehouse, Stock.available + delta >= 0)
        .values(available=Stock.available + delta, updated_at=when)
        .returning(Stock.available),
        execution_options={"synchronize_session": False},
    ).first()
    if row is None:
        row = _create_stock_row(session, sku, warehouse, delta, when)
    if row is None:
        have = session.execute(select(Stock.available).where(
            Stock.sku == sku, Stock.warehouse_code == warehouse)).scalar_one_or_none() or 0
        raise StockError(
            f"cannot adjust {sku} in {warehouse} by {delta}: only {have} available",
            f"{warehouse} 仓 {sku} 仅有 {have} 件可用，不能调整 {delta}")
    session.add(StockAdjustment(sku=sku, warehouse_code=warehouse, delta=delta, available_after=row[0],
                                reason=reason, actor=actor, at=when))
    return int(row[0])


def _create_stock_row(session: Session, sku: str, warehouse: str, delta: int,
                      when: datetime) -> tuple[int] | None:
    """Insert the (sku, warehouse) row for a positive first adjustment; ``None`` if not possible."""
    if delta < 0:
        return None
    try:
        with session.begin_nested():
            session.execute(insert(Stock).values(sku=sku, warehouse_code=warehouse, available=delta,
                                                 reserved=0, updated_at=when))
    except IntegrityError:  # created concurrently (or the warehouse does not exist): update instead
        row = session.execute(
            update(Stock).where(Stock.sku == sku, Stock.warehouse_code == warehouse)
            .values(available=Stock.available + delta, updated_at=when).returning(Stock.available),
            execution_options={"synchronize_session": False}).first()
        if row is None:
            raise StockError(f"unknown warehouse {warehouse!r}", f"没有仓库“{warehouse}”") from None
        return (int(row[0]),)
    return (delta,)


def stock_level(session: Session, sku: str, warehouse: str) -> tuple[int, int]:
    """(available, reserved) of ``sku`` in ``warehouse``; (0, 0) if there is no row."""
    row = session.execute(select(Stock.available, Stock.reserved).where(
        Stock.sku == sku, Stock.warehouse_code == warehouse)).first()
    return (int(row[0]), int(row[1])) if row else (0, 0)
