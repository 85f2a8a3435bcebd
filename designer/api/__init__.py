"""The HTTP API under ``/api``: one blueprint per resource."""

from flask import Flask

from designer.api import (
    carriers,
    connections,
    context_feeds,
    dead_letters,
    demo_receiver,
    dry_runs,
    flows,
    health,
    instances,
    node_types,
    openapi,
    orders,
    schemas,
    stock,
    tasks,
    validation,
    warehouses,
)

BLUEPRINTS = (health.bp, node_types.bp, schemas.bp, validation.bp, openapi.bp, flows.bp, orders.bp, instances.bp,
              tasks.bp, dry_runs.bp, warehouses.bp, stock.bp, carriers.bp, context_feeds.bp, connections.bp,
              dead_letters.bp, demo_receiver.bp)


def register_blueprints(app: Flask) -> None:
    """Mount every resource's blueprint under ``/api``."""
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint, url_prefix="/api")
