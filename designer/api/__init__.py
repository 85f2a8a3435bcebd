"""The HTTP API under ``/api``: one blueprint per resource."""

from flask import Flask

from designer.api import health, node_types, openapi, schemas, validation

BLUEPRINTS = (health.bp, node_types.bp, schemas.bp, validation.bp, openapi.bp)


def register_blueprints(app: Flask) -> None:
    """Mount every resource's blueprint under ``/api``."""
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint, url_prefix="/api")
