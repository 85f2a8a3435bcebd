"""The store tests use the migrated-database fixtures of ``tests/runtime/conftest.py`` (``sqlite_url``,
``pg_url``, ``db_url``, ``db``) and the builders in ``store_seed.py``; nothing here is store-only."""
