"""``GET /api/health``: can this process reach its database and Redis; who runs flows and timers?"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from designer.errors import ApiError
from designer.extensions import db, redis_client, runtime, settings_of
from designer.openapi import operation
from designer.schemas.health import HealthSchema
from designer.version import __version__

bp = Blueprint("health", __name__)

#: a timer this late and not fired means nobody is polling
TIMER_GRACE = timedelta(seconds=60)


@bp.get("/health")
@operation(tags=["health"], response=HealthSchema, errors=(503,))
def get_health():
    """Report the database (`select 1`), Redis (PING), the workers, the timers and the time zone.

    200 when every configured dependency answers; otherwise 503 as problem details that carry
    the same report in `health`. Overdue timers are reported, not a failure.
    """
    settings = settings_of(current_app)
    database = db.check()
    report = {
        "status": "ok",
        "version": __version__,
        "database": database,
        "database_kind": settings.database_kind,
        "redis": redis_client.check(),
        "workers": _workers(settings.redis_url),
        "timers": _timers(settings.redis_url, database == "ok"),
        "timezone": settings.timezone,
    }
    failing = [name for name in ("database", "redis") if report[name].startswith("error")]
    if failing:
        report["status"] = "degraded"
        detail = "; ".join(f"{name} {report[name]}" for name in failing)
        raise ApiError.of(503, "API_UNAVAILABLE", detail=detail).with_extensions(health=HealthSchema().dump(report))
    return HealthSchema().dump(report)


def _workers(redis_url: str | None) -> str:
    """``in-process`` (embedded), ``celery``, or what the executor says about itself (``describe()``)."""
    describe = getattr(runtime.rt.executor, "describe", None)
    if callable(describe):
        try:
            return str(describe())
        except Exception as exc:  # noqa: BLE001 - a report, never a crash
            return f"error: {type(exc).__name__}"
    return "in-process" if not redis_url else "celery"


def _timers(redis_url: str | None, database_ok: bool) -> dict[str, Any]:
    from runtime.store.models import Timer

    out: dict[str, Any] = {"poller": "in-process" if not redis_url else "celery beat", "pending": None,
                           "overdue": None, "grace_seconds": int(TIMER_GRACE.total_seconds()), "next_due_at": None}
    if not database_ok:
        return out
    now = runtime.now()
    try:
        with db.database.read() as session:
            pending = session.execute(select(func.count(Timer.id), func.min(Timer.due_at))
                                      .where(Timer.fired_at.is_(None))).one()
            overdue = session.execute(select(func.count(Timer.id)).where(
                Timer.fired_at.is_(None), Timer.due_at < now - TIMER_GRACE)).scalar_one()
    except SQLAlchemyError:
        return out
    out.update(pending=int(pending[0]), next_due_at=pending[1], overdue=int(overdue))
    return out
