"""The order core: channels, customers, orders with lines, surcharges, payments, returns, status history."""

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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from runtime.store.models.base import Base
from runtime.store.types import BigId, JSONDoc, Money, UTCDateTime, utcnow

CUSTOMER_TIERS = ("VIP", "GOLD", "SILVER", "NORMAL")


class Channel(Base):
    """A sales channel orders come from: tmall, douyin, pdd, miniprogram, pos."""

    __tablename__ = "channels"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Customer(Base):
    """A buyer; ``fingerprint`` (SHA-256 of normalised phone + address) links accounts of one person."""

    __tablename__ = "customers"
    __table_args__ = (CheckConstraint("tier IN ('VIP', 'GOLD', 'SILVER', 'NORMAL')", name="tier"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    external_ref: Mapped[str | None] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(32), index=True)
    address: Mapped[str] = mapped_column(Text, default="")
    tier: Mapped[str] = mapped_column(String(8), default="NORMAL")
    is_new: Mapped[bool] = mapped_column(Boolean, default=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Order(Base):
    """The canonical order. ``status`` changes only through :func:`runtime.store.order_states.transition`;
    ``row_version`` makes a concurrent ORM update of the same order fail instead of overwriting."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("channel_code", "channel_order_no"),
        Index("ix_orders_customer_id_created_at", "customer_id", "created_at"),
        Index("ix_orders_fingerprint_created_at", "fingerprint", "created_at"),
        Index("ix_orders_status_created_at", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel_code: Mapped[str] = mapped_column(ForeignKey("channels.code"))
    channel_order_no: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"))
    status: Mapped[str] = mapped_column(String(24), default="created")
    stage: Mapped[str | None] = mapped_column(String(16))
    total: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    recipient: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(32), default="")
    country: Mapped[str] = mapped_column(String(2), default="CN")
    province: Mapped[str] = mapped_column(String(50), default="")
    city: Mapped[str] = mapped_column(String(50), default="")
    district: Mapped[str] = mapped_column(String(50), default="")
    region: Mapped[str] = mapped_column(String(16), default="")
    address_detail: Mapped[str] = mapped_column(Text, default="")
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    address_hash: Mapped[str] = mapped_column(String(64), default="")
    accepts_split: Mapped[bool] = mapped_column(Boolean, default=True)
    receipt: Mapped[bool] = mapped_column(Boolean, default=False)
    coupon_used: Mapped[bool] = mapped_column(Boolean, default=False)
    coupon_codes: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    tags: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    hold_reason: Mapped[str | None] = mapped_column(Text)
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    routed_warehouses: Mapped[list[str]] = mapped_column(JSONDoc, default=list)
    event_seq: Mapped[int] = mapped_column(Integer, default=0)
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", cascade="all, delete-orphan", order_by="OrderLine.line_no")
    surcharges: Mapped[list[Surcharge]] = relationship(cascade="all, delete-orphan", order_by="Surcharge.id")
    payments: Mapped[list[Payment]] = relationship(cascade="all, delete-orphan", order_by="Payment.id")
    status_changes: Mapped[list[OrderStatusChange]] = relationship(
        cascade="all, delete-orphan", order_by="OrderStatusChange.id")

    __mapper_args__ = {"version_id_col": row_version}


class OrderLine(Base):
    """One SKU line; ``warehouse_code`` is where it ships from once routed (a split has several)."""

    __tablename__ = "order_lines"
    __table_args__ = (
        UniqueConstraint("order_id", "line_no"),
        CheckConstraint("qty > 0", name="qty_positive"),
        CheckConstraint("medical_class IS NULL OR medical_class IN ('I', 'IIa', 'IIb', 'III')",
                        name="medical_class"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    qty: Mapped[int] = mapped_column(Integer)
    price: Mapped[Decimal] = mapped_column(Money)
    weight_kg: Mapped[Decimal] = mapped_column(Numeric(10, 3), default=Decimal("0"))
    medical_class: Mapped[str | None] = mapped_column(String(4))
    cold_chain: Mapped[bool] = mapped_column(Boolean, default=False)
    gift: Mapped[bool] = mapped_column(Boolean, default=False)
    ship_with_main: Mapped[bool] = mapped_column(Boolean, default=False)
    warehouse_code: Mapped[str | None] = mapped_column(ForeignKey("warehouses.code"))

    order: Mapped[Order] = relationship(back_populates="lines")


class Surcharge(Base):
    """An amount added to an order (remote-area freight, …), by a flow node or an operator."""

    __tablename__ = "surcharges"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    label: Mapped[str] = mapped_column(String(200), default="")
    amount: Mapped[Decimal] = mapped_column(Money)
    source: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Payment(Base):
    """Money received for (``kind`` payment) or paid back on (``kind`` refund) an order."""

    __tablename__ = "payments"
    __table_args__ = (CheckConstraint("kind IN ('payment', 'refund')", name="kind"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8), default="payment")
    method: Mapped[str] = mapped_column(String(32), default="")
    amount: Mapped[Decimal] = mapped_column(Money)
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    external_ref: Mapped[str | None] = mapped_column(String(100))
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReturnRequest(Base):
    """A customer's request to return items; the return flow classifies and decides it."""

    __tablename__ = "return_requests"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="requested")
    reason_text: Mapped[str] = mapped_column(Text, default="")
    reason_code: Mapped[str | None] = mapped_column(String(32))
    has_receipt: Mapped[bool] = mapped_column(Boolean, default=False)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    amount: Mapped[Decimal] = mapped_column(Money)
    items: Mapped[list[dict[str, Any]]] = mapped_column(JSONDoc, default=list)
    disposition: Mapped[str | None] = mapped_column(String(32))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OrderStatusChange(Base):
    """One accepted status transition, written by the state machine: the order's status history."""

    __tablename__ = "order_status_changes"
    __table_args__ = (Index("ix_order_status_changes_order_id_at", "order_id", "at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    from_status: Mapped[str] = mapped_column(String(24))
    to_status: Mapped[str] = mapped_column(String(24))
    reason: Mapped[str] = mapped_column(Text, default="")
    actor: Mapped[str | None] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
