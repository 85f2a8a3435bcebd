"""Alembic migrations of the Orderloom schema; run them with :func:`runtime.store.migrate.upgrade`."""
