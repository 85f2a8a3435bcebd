"""``GET /metrics``: Prometheus metrics (text exposition format), computed from the database at scrape time
(``runtime/monitoring/metrics.py``), so any API process answers for the whole system. Needs a signed-in user or
an API token (``Authorization: Bearer …`` in the scrape config), like any reading endpoint. Not in the OpenAPI
document, which describes ``/api``: see ``docs/monitoring.md``."""

from __future__ import annotations

from flask import Blueprint, Response, current_app
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from designer.api.support import reading
from designer.extensions import db, runtime
from runtime.monitoring.metrics import StoreCollector

bp = Blueprint("metrics", __name__)
REGISTRY_KEY = "orderloom.metrics"


def _registry() -> CollectorRegistry:
    """This app's registry (one per app: tests build several apps in one process)."""
    registry = current_app.extensions.get(REGISTRY_KEY)
    if registry is None:
        registry = CollectorRegistry(auto_describe=False)
        registry.register(StoreCollector(db.database, runtime.now))
        current_app.extensions[REGISTRY_KEY] = registry
    return registry


@bp.get("/metrics")
def metrics():
    """Prometheus metrics: per flow version instances started / ended by outcome, steps by node type,
    incidents; gauges of live instances, open tasks and queue ages."""
    with reading():  # a database that is down is a 503, as everywhere
        body = generate_latest(_registry())
    return Response(body, mimetype=None, content_type=CONTENT_TYPE_LATEST)
