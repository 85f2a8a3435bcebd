"""The operations dashboard's data: orders per minute by channel, routing split by warehouse, the approval queue,
return reasons by channel — over a window ending now. The page polls it (no live event)."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint

from designer.api.support import load_query, reading
from designer.extensions import runtime
from designer.openapi import operation
from designer.schemas.monitoring import DashboardQuerySchema, DashboardSchema, window_seconds
from runtime.monitoring import dashboard

bp = Blueprint("dashboard", __name__)


@bp.get("/dashboard")
@operation(tags=["monitoring"], response=DashboardSchema, errors=(422,), parameters=(
    {"name": "window", "in": "query", "required": False, "schema": {"type": "string", "default": "1h"},
     "description": "How far back: 15m, 2h, 7d … (at most 31 days)"},))
def get_dashboard():
    """The dashboard's numbers over the last `window` (default 1h); poll it every few seconds."""
    window = timedelta(seconds=window_seconds(load_query(DashboardQuerySchema())["window"]))
    with reading() as session:
        data = dashboard(session, now=runtime.now(), window=window, tz=runtime.rt.tz)
    return DashboardSchema().dump(data)
