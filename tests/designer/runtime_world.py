"""A designer app with the demo's master data and flows, for the runtime endpoints' tests (not a test module)."""

from __future__ import annotations

import pytest

from designer.extensions import db, runtime
from runtime.demo import OrderFactory, seed
from tests.auth_support import client_as


@pytest.fixture
def seeded_app(app):
    with app.app_context():
        seed(db.database)
    yield app
    with app.app_context():
        runtime.shutdown(app)


@pytest.fixture
def api(seeded_app):
    """An admin's client (every endpoint is open to it; admins see customer data unmasked)."""
    return client_as(seeded_app, "admin")


def paid_order(n: int = 0, **fields) -> dict:
    """A demo order payload (deterministic per ``n``), fields overridden."""
    payload = OrderFactory(n).payload(number=f"T-{n:04d}")
    payload.update(fields)
    return payload


def ingest(client, payload: dict, *, event_id: str = "e-1", kind: str = "order.paid", source: str = "test"):
    return client.post("/api/orders/events", json={"source": source, "event_id": event_id, "kind": kind,
                                                   "payload": payload})
