"""Master data and the stock ledger: warehouses, stock, reservations, adjustments, carriers, context feeds."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from runtime.store.models.base import Base
from runtime.store.types import BigId, JSONDoc, UTCDateTime, utcnow


class Warehouse(Base):
    """A warehouse (``hz``, ``sh``, ``bj``, ``gz``, ``cd``); a closed one gets no new orders."""

    __tablename__ = "warehouses"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("load >= 0 AND load <= 1", name="load_range"),
        CheckConstraint("capacity_per_day >= 0", name="capacity"),
    )

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    region: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(8), default="open")
    closed_reason: Mapped[str | None] = mapped_column(Text)
    capacity_per_day: Mapped[int] = mapped_column(Integer, default=0)
    load: Mapped[Decimal] = mapped_column(Numeric(4, 3), default=Decimal("0"))
    cold_chain: Mapped[bool] = mapped_column(Boolean, default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Stock(Base):
    """Units of one SKU in one warehouse: ``available`` to promise and ``reserved`` for orders.

    Changed only by the conditional updates in :mod:`runtime.store.stock`; the CHECKs are the
    last line of defence, never the mechanism.
    """

    __tablename__ = "stock"
    __table_args__ = (
        CheckConstraint("available >= 0", name="available_non_negative"),
        CheckConstraint("reserved >= 0", name="reserved_non_negative"),
        Index("ix_stock_warehouse_code", "warehouse_code"),
    )

    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    warehouse_code: Mapped[str] = mapped_column(ForeignKey("warehouses.code"), primary_key=True)
    available: Mapped[int] = mapped_column(Integer, default=0)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Reservation(Base):
    """Units promised to an order: ``active``, then ``released`` (back to available) or ``fulfilled``."""

    __tablename__ = "reservations"
    __table_args__ = (
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint("status IN ('active', 'released', 'fulfilled')", name="status"),
        Index("ix_reservations_warehouse_code_status", "warehouse_code", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    sku: Mapped[str] = mapped_column(String(64))
    warehouse_code: Mapped[str] = mapped_column(ForeignKey("warehouses.code"))
    qty: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="active")
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StockAdjustment(Base):
    """An operator's correction of available stock, with its reason (the audit trail of ``adjust``)."""

    __tablename__ = "stock_adjustments"
    __table_args__ = (Index("ix_stock_adjustments_sku_warehouse_code", "sku", "warehouse_code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64))
    warehouse_code: Mapped[str] = mapped_column(ForeignKey("warehouses.code"))
    delta: Mapped[int] = mapped_column(Integer)
    available_after: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Carrier(Base):
    """A carrier (SF, JD, …); ``cold_chain`` carriers can take cold-chain lines."""

    __tablename__ = "carriers"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    cold_chain: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class CarrierRate(Base):
    """A carrier's cost and ETA from a warehouse region to a destination region."""

    __tablename__ = "carrier_rates"
    __table_args__ = (
        UniqueConstraint("carrier_code", "origin_region", "dest_region"),
        Index("ix_carrier_rates_origin_region_dest_region", "origin_region", "dest_region"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    carrier_code: Mapped[str] = mapped_column(ForeignKey("carriers.code", ondelete="CASCADE"))
    origin_region: Mapped[str] = mapped_column(String(16))
    dest_region: Mapped[str] = mapped_column(String(16))
    cost_per_unit: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"))
    cost_per_kg: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"))
    eta_hours: Mapped[Decimal] = mapped_column(Numeric(6, 1))


class ContextFeed(Base):
    """One value of an outside feed (``weather`` alert by region, ``promotion`` under region ``*``)."""

    __tablename__ = "context_feeds"

    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    region: Mapped[str] = mapped_column(String(32), primary_key=True, default="*")
    value: Mapped[Any] = mapped_column(JSONDoc)
    source: Mapped[str | None] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
