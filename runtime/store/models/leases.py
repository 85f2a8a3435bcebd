"""Executor leases: which worker is processing an order's unprocessed events, until when.

A table of its own, not columns of ``orders``: while a worker's batch holds the orders' row locks
(``FOR UPDATE``), its heartbeat must still be able to renew the leases, and other workers must be able
to read and claim them without waiting on those locks.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from runtime.store.models.base import Base
from runtime.store.types import UTCDateTime


class OrderLease(Base):
    """The lease on one order. ``owner`` is NULL when nobody holds it; ``claims`` counts the times it was
    taken (the lease's row version: a second claim of the same work shows up here)."""

    __tablename__ = "order_leases"
    __table_args__ = (Index("ix_order_leases_expires_at", "expires_at"),)

    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True,
                                          autoincrement=False)
    owner: Mapped[str | None] = mapped_column(String(100))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claims: Mapped[int] = mapped_column(Integer, default=0)
