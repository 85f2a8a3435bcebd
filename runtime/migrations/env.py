"""Alembic environment: run by :mod:`runtime.store.migrate`, which passes the connection in
``config.attributes["connection"]`` already inside a transaction (and, on PostgreSQL, holding the
migration lock). Batch mode is on so SQLite gets table rebuilds for every ALTER."""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import JSON

from runtime.store.models import metadata
from runtime.store.types import Money, UTCDateTime


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write Orderloom's column types as plain SQLAlchemy types, so revisions never import the app."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    if type_ == "type" and isinstance(obj, Money):
        return "sa.Numeric(precision=14, scale=2)"
    if type_ == "type" and isinstance(obj, JSON) and "postgresql" in getattr(obj, "_variant_mapping", {}):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return "sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')"
    return False


OPTIONS: dict[str, Any] = {
    "target_metadata": metadata,
    "render_as_batch": True,
    "compare_type": True,
    "render_item": render_item,
}


def run() -> None:
    """Offline: print SQL for the configured URL; online: migrate the connection given by migrate.py."""
    config = context.config
    if context.is_offline_mode():
        context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **OPTIONS)
        with context.begin_transaction():
            context.run_migrations()
        return
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through runtime.store.migrate (python -m runtime.store.migrate)")
    context.configure(connection=connection, **OPTIONS)
    with context.begin_transaction():
        context.run_migrations()


run()
