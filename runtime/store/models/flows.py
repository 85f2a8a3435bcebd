"""Flows, their immutable versions and the release record (active version, canary candidate)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from runtime.store.models.base import Base
from runtime.store.types import BigId, JSONDoc, UTCDateTime, utcnow

VERSION_STATES = ("draft", "in_review", "approved", "published", "retired", "rejected")


class Flow(Base):
    """A flow, known by its document ``key``; ``priority`` orders the flows of one stage (lower first)."""

    __tablename__ = "flows"
    __table_args__ = (Index("ix_flows_kind_priority", "kind", "priority"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(63), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text, default="")
    priority: Mapped[int] = mapped_column(Integer, default=100)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class FlowVersion(Base):
    """One version of a flow: its document and canonical DSL text, never changed once submitted."""

    __tablename__ = "flow_versions"
    __table_args__ = (
        UniqueConstraint("flow_id", "number"),
        CheckConstraint(
            "state IN ('draft', 'in_review', 'approved', 'published', 'retired', 'rejected')", name="state"),
        Index("ix_flow_versions_flow_id_state", "flow_id", "state"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    flow_id: Mapped[int] = mapped_column(ForeignKey("flows.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default="draft")
    document: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    dsl: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    behaviour_hash: Mapped[str] = mapped_column(String(64))
    based_on_version_id: Mapped[int | None] = mapped_column(ForeignKey("flow_versions.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_by: Mapped[str | None] = mapped_column(String(100))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by: Mapped[str | None] = mapped_column(String(100))
    review_comment: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_by: Mapped[str | None] = mapped_column(String(100))
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FlowRelease(Base):
    """Which version of a flow serves orders: the active one, and at most one candidate.

    The candidate serves ``candidate_percent`` of orders (bucket = SHA-256(flow key, ``salt``,
    order id)) or the orders matching ``candidate_segment``; used by the release issue.
    """

    __tablename__ = "flow_releases"
    __table_args__ = (
        CheckConstraint("candidate_percent IS NULL OR (candidate_percent >= 0 AND candidate_percent <= 100)",
                        name="candidate_percent"),
    )

    flow_id: Mapped[int] = mapped_column(ForeignKey("flows.id", ondelete="CASCADE"), primary_key=True)
    active_version_id: Mapped[int | None] = mapped_column(ForeignKey("flow_versions.id"))
    candidate_version_id: Mapped[int | None] = mapped_column(ForeignKey("flow_versions.id"))
    candidate_percent: Mapped[int | None] = mapped_column(Integer)
    candidate_segment: Mapped[str | None] = mapped_column(Text)
    salt: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(100))
