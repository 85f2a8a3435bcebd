"""Impact previews: a version replayed over recorded orders next to the active one, and the stored report."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from runtime.store.models.base import Base
from runtime.store.types import BigId, JSONDoc, UTCDateTime, utcnow

PREVIEW_STATUSES = ("queued", "running", "done", "failed")


class Preview(Base):
    """One impact preview of ``flow_version_id`` against ``baseline_version_id`` (the flow's active version
    when it was asked; none for a flow never published). ``params`` are the request (limit, filters,
    overlay, human policy); ``done`` of ``total`` orders replayed so far; ``report`` once ``done``."""

    __tablename__ = "previews"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        Index("ix_previews_flow_version_id_created_at", "flow_version_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    flow_version_id: Mapped[int] = mapped_column(ForeignKey("flow_versions.id", ondelete="CASCADE"))
    baseline_version_id: Mapped[int | None] = mapped_column(ForeignKey("flow_versions.id"))
    status: Mapped[str] = mapped_column(String(8), default="queued")
    params: Mapped[dict[str, Any]] = mapped_column(JSONDoc, default=dict)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    report: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    created_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
