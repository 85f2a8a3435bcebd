"""Instances in incident, newest first, with what failed and where to retry them (``POST
/api/instances/<id>/retry`` runs the failed node again on a fresh snapshot)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.store.models import Flow, FlowVersion, Instance


def list_incidents(session: Session, tz: ZoneInfo, *, flow: str | None = None, version: int | None = None,
                   limit: int = 50, offset: int = 0) -> dict[str, Any]:
    """``{incidents: [...], total}``: instances whose status is ``incident`` (optionally of one flow / version)."""
    query = (select(Instance, Flow.key, FlowVersion.number)
             .join(FlowVersion, FlowVersion.id == Instance.flow_version_id).join(Flow, Flow.id == FlowVersion.flow_id)
             .where(Instance.status == "incident"))
    if flow is not None:
        query = query.where(Flow.key == flow)
    if version is not None:
        query = query.where(FlowVersion.number == version)
    total = session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = session.execute(query.order_by(Instance.updated_at.desc(), Instance.id.desc())
                           .limit(limit).offset(offset)).all()
    return {"incidents": [_view(inst, key, number, tz) for inst, key, number in rows], "total": total,
            "limit": limit, "offset": offset}


def _view(inst: Instance, flow: str, number: int, tz: ZoneInfo) -> dict[str, Any]:
    error = inst.error or {}
    return {"instance_id": inst.id, "order_id": inst.order_id, "flow": flow, "version": number, "stage": inst.stage,
            "node": error.get("node"), "code": error.get("code"), "message_zh": error.get("message_zh"),
            "message_en": error.get("message_en"), "error": error,
            "at": inst.updated_at.astimezone(tz).isoformat() if inst.updated_at else None,
            "retry": f"/api/instances/{inst.id}/retry", "timeline": f"/api/orders/{inst.order_id}/timeline"}
