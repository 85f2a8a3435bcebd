"""The store: the only package that knows SQLAlchemy. Engines and units of work, the models and
their migrations, the order state machine, and the storage primitives of the engine (stock,
versions, timers, leases, outbox, inbound events). See ``docs/data-model.md``."""

from __future__ import annotations

from runtime.store.db import Database, make_engine, session_scope, transaction
from runtime.store.order_states import IllegalTransition, transition
from runtime.store.stock import ReserveResult, StockLine, adjust, release, reserve
from runtime.store.versions import InvalidDocument, VersionRecord, publish_document

__all__ = [
    "Database", "IllegalTransition", "InvalidDocument", "ReserveResult", "StockLine", "VersionRecord",
    "adjust", "make_engine", "publish_document", "release", "reserve", "session_scope", "transaction",
    "transition",
]
