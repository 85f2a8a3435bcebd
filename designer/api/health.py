"""``GET /api/health``: can this process reach its database and Redis?"""

from flask import Blueprint, current_app

from designer.errors import ApiError
from designer.extensions import db, redis_client, settings_of
from designer.openapi import operation
from designer.schemas.health import HealthSchema
from designer.version import __version__

bp = Blueprint("health", __name__)


@bp.get("/health")
@operation(tags=["health"], response=HealthSchema, errors=(503,))
def get_health():
    """Report the database (`select 1`), Redis (PING) and the configured time zone.

    200 when every configured dependency answers; otherwise 503 as problem details that carry
    the same report in `health`.
    """
    settings = settings_of(current_app)
    report = {
        "status": "ok",
        "version": __version__,
        "database": db.check(),
        "database_kind": settings.database_kind,
        "redis": redis_client.check(),
        "timezone": settings.timezone,
    }
    failing = [name for name in ("database", "redis") if report[name].startswith("error")]
    if failing:
        report["status"] = "degraded"
        detail = "; ".join(f"{name} {report[name]}" for name in failing)
        raise ApiError.of(503, "API_UNAVAILABLE", detail=detail).with_extensions(health=report)
    return HealthSchema().dump(report)
