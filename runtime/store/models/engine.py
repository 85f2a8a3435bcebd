"""What the flow engine persists: instances, version choices, steps, tasks, timers, outbox, events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from runtime.store.models.base import Base
from runtime.store.types import BigId, JSONDoc, UTCDateTime, utcnow

INSTANCE_STATUSES = ("running", "waiting", "completed", "incident", "cancelled", "not_applicable")
TASK_STATUSES = ("open", "claimed", "decided", "cancelled")
OUTBOX_STATUSES = ("pending", "delivered", "dead", "discarded")


class Instance(Base):
    """One run of one flow version for one order (or a sub-flow call, with its parent).

    A worker holds a lease (``lease_owner`` until ``lease_expires_at``, renewed by heartbeat);
    ``row_version`` turns a duplicate run's write into a :class:`~sqlalchemy.orm.exc.StaleDataError`.
    """

    __tablename__ = "instances"
    __table_args__ = (
        Index("ix_instances_order_id_stage", "order_id", "stage"),
        Index("ix_instances_status_lease_expires_at", "status", "lease_expires_at"),
        Index("ix_instances_flow_version_id_status", "flow_version_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    flow_version_id: Mapped[int] = mapped_column(ForeignKey("flow_versions.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    stage: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="running")
    parent_instance_id: Mapped[int | None] = mapped_column(ForeignKey("instances.id"), index=True)
    parent_node_id: Mapped[str | None] = mapped_column(String(63))
    state: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    input_snapshot: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    outcome: Mapped[str | None] = mapped_column(String(63))
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __mapper_args__ = {"version_id_col": row_version}


class VersionChoice(Base):
    """The version chosen for (flow, order), stored before ``trigger.when`` so later events never re-roll."""

    __tablename__ = "version_choices"

    flow_id: Mapped[int] = mapped_column(ForeignKey("flows.id", ondelete="CASCADE"), primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), primary_key=True)
    flow_version_id: Mapped[int] = mapped_column(ForeignKey("flow_versions.id"))
    reason: Mapped[str] = mapped_column(String(24), default="active")  # active / candidate-percent / -segment
    bucket: Mapped[int | None] = mapped_column(Integer)
    chosen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Step(Base):
    """One executed node: where it went (``port``), when, who, and why (``explanation``)."""

    __tablename__ = "steps"
    __table_args__ = (
        UniqueConstraint("instance_id", "seq"),
        Index("ix_steps_order_id_started_at", "order_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    node_id: Mapped[str] = mapped_column(String(63))
    node_type: Mapped[str] = mapped_column(String(32))
    port: Mapped[str | None] = mapped_column(String(63))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actor: Mapped[str | None] = mapped_column(String(100))
    explanation: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)


class Task(Base):
    """A human step (approval) waiting in a group's inbox, with its form, decision and SLA clock."""

    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_assignee_group_status", "assignee_group", "status"),
        Index("ix_tasks_status_sla_due_at", "status", "sla_due_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"), index=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    node_id: Mapped[str] = mapped_column(String(63))
    assignee_group: Mapped[str] = mapped_column(String(63))
    assignee: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(10), default="open")
    form: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    decision: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sla_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_to: Mapped[str | None] = mapped_column(String(63))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    row_version: Mapped[int] = mapped_column(Integer, nullable=False)

    __mapper_args__ = {"version_id_col": row_version}


class Timer(Base):
    """A durable timer of an instance (timer node, SLA); ``fired_at`` is set once, by whoever claims it."""

    __tablename__ = "timers"
    __table_args__ = (
        UniqueConstraint("instance_id", "key"),
        Index("ix_timers_due_at_pending", "due_at",
              postgresql_where=text("fired_at IS NULL"), sqlite_where=text("fired_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("instances.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Connection(Base):
    """An admin-managed named endpoint for notify / call_service; flows name it, never a URL."""

    __tablename__ = "connections"
    __table_args__ = (CheckConstraint("timeout_ms > 0", name="timeout_positive"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(63), unique=True)
    base_url: Mapped[str] = mapped_column(Text)
    secret: Mapped[str] = mapped_column(Text)
    timeout_ms: Mapped[int] = mapped_column(Integer, default=5000)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100))


class OutboxEffect(Base):
    """An outbound effect written in the step's transaction and delivered at least once.

    ``status``: pending → delivered, or dead after the last attempt (a dead letter, which can be
    redriven back to pending or discarded).
    """

    __tablename__ = "outbox"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'delivered', 'dead', 'discarded')", name="status"),
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    connection_name: Mapped[str | None] = mapped_column(String(63))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("instances.id", ondelete="SET NULL"))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class InboundEvent(Base):
    """An event received from outside; (``source``, ``event_id``) is unique, so a resend gets the stored
    ``response`` instead of a second run. ``seq`` numbers the events of one order."""

    __tablename__ = "inbound_events"
    __table_args__ = (
        UniqueConstraint("source", "event_id"),
        UniqueConstraint("order_id", "seq"),
        # the sweeper's look-up of unprocessed events (only those are in it)
        Index("ix_inbound_events_pending", "order_id", "received_at", postgresql_where=text("status = 'received'"),
              sqlite_where=text("status = 'received'")),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(32))
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id", ondelete="SET NULL"))
    seq: Mapped[int | None] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="received")
    response: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
