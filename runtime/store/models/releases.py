"""Drafts being edited, the release history of each flow and its automatic-rollback guardrail."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from runtime.store.models.base import Base
from runtime.store.types import BigId, JSONDoc, UTCDateTime, utcnow

RELEASE_ACTIONS = ("activate", "candidate", "promote", "withdraw", "rollback", "auto_rollback")


class VersionDraft(Base):
    """The editing state of a draft version: its revision (the ETag of optimistic locking) and whether the
    last save was JSON (``document``) or DSL text (``dsl``: the text is kept as typed, even when it does
    not parse). Deleted when the draft is submitted and frozen."""

    __tablename__ = "version_drafts"
    __table_args__ = (CheckConstraint("source IN ('document', 'dsl')", name="source"),)

    version_id: Mapped[int] = mapped_column(ForeignKey("flow_versions.id", ondelete="CASCADE"), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(String(8), default="document")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100))


class ReleaseEvent(Base):
    """One change of what serves a flow's orders: a version made active, a candidate set or changed,
    promoted, withdrawn, a rollback (by a person or automatic), with who, when and why."""

    __tablename__ = "release_events"
    __table_args__ = (
        CheckConstraint("action IN ('activate', 'candidate', 'promote', 'withdraw', 'rollback', 'auto_rollback')",
                        name="action"),
        Index("ix_release_events_flow_id_id", "flow_id", "id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    flow_id: Mapped[int] = mapped_column(ForeignKey("flows.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str | None] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(16))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("flow_versions.id"))
    previous_version_id: Mapped[int | None] = mapped_column(ForeignKey("flow_versions.id"))
    percent: Mapped[int | None] = mapped_column(Integer)
    segment: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)


class ReleaseGuard(Base):
    """A flow's automatic rollback: once the candidate has served ``min_sample`` instances, it is withdrawn
    when its incident rate (or SLA-breach rate) exceeds the active version's by more than the margin
    (percentage points). A flow without a row uses the defaults of :mod:`runtime.release.guard`."""

    __tablename__ = "release_guards"
    __table_args__ = (CheckConstraint("min_sample >= 1", name="min_sample"),)

    flow_id: Mapped[int] = mapped_column(ForeignKey("flows.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    min_sample: Mapped[int] = mapped_column(Integer, default=50)
    incident_margin: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=Decimal("5"))
    sla_margin: Mapped[Decimal] = mapped_column(Numeric(6, 3), default=Decimal("5"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100))
