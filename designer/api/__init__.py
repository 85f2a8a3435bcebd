"""The HTTP API under ``/api``: one blueprint per resource."""

from flask import Flask

from designer.api import (
    audit,
    auth,
    bundles,
    carriers,
    connections,
    context_feeds,
    dashboard,
    dead_letters,
    demo_receiver,
    dry_runs,
    flows,
    groups,
    health,
    instances,
    monitoring,
    node_types,
    openapi,
    orders,
    previews,
    releases,
    reviews,
    schemas,
    stock,
    tasks,
    templates,
    tokens,
    users,
    validation,
    versions,
    warehouses,
)

BLUEPRINTS = (health.bp, node_types.bp, schemas.bp, validation.bp, openapi.bp, flows.bp, orders.bp, instances.bp,
              tasks.bp, dry_runs.bp, warehouses.bp, stock.bp, carriers.bp, context_feeds.bp, connections.bp,
              dead_letters.bp, demo_receiver.bp)
BLUEPRINTS += (auth.bp, users.bp, groups.bp, tokens.bp, audit.bp)  # designer/auth checks every request
BLUEPRINTS += (templates.bp, versions.bp, reviews.bp, releases.bp, bundles.bp)  # versions and release

BLUEPRINTS += (previews.bp, monitoring.bp, dashboard.bp)  # impact preview and monitoring


def register_blueprints(app: Flask) -> None:
    """Mount every resource's blueprint under ``/api``."""
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint, url_prefix="/api")
