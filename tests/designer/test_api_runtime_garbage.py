"""Garbage to the runtime's endpoints with ids that exist: problem details, never a 500.

``test_api_errors`` sends garbage to every route with ids that name nothing; here the order, task,
instance, warehouse, carrier, connection, feed and dead letter exist, so each body reaches the view.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from designer.extensions import db
from runtime.store import outbox
from runtime.store.models import OutboxEffect
from tests.designer import runtime_world
from tests.designer.runtime_world import ingest, paid_order

seeded_app, api = runtime_world.seeded_app, runtime_world.api  # fixtures

BIG_LINE = {"sku": "ELE-001", "name": "电视", "qty": 1, "price": "6999.00", "weight_kg": "12"}
JSON_GARBAGE = [None, [], "x", 0, -1, 1e308, True, {}, {"reason": None}, {"reason": ""}, {"reason": "x" * 10_000},
                {"actor": 5}, {"actor": ""}, {"decision": ["approved"]}, {"decision": "approved", "form": "x"},
                {"decision": "approved", "form": {"finding": {"$gt": ""}}, "actor": "a"},
                {"group": None, "user": None}, {"user": 7},
                {"delta": 1.5, "sku": "A", "warehouse": "hz", "reason": "x"},
                {"delta": 10**20, "sku": "A", "warehouse": "hz", "reason": "x"},
                {"value": None}, {"value": {"level": True}}, {"value": {"level": 2.0}}, {"value": {"active": "yes"}},
                {"base_url": "http://[::1"}, {"base_url": "javascript:alert(1)"}, {"timeout_ms": "5"},
                {"name": "x", "rates": [{"origin_region": "*", "dest_region": "east", "cost_per_unit": "NaN",
                                         "eta_hours": 1}]},
                {"rates": "all"}, {"source": "s", "event_id": "e", "kind": "order.paid", "payload": {"lines": "x"}},
                {"document": [], "order": {}}, {"dsl": "flow {", "order": {}}, {"document": {}, "order": []},
                {"document": {}, "order": {}, "clock": "yesterday"}]
RAW_GARBAGE = [(b"", None), (b"\xff\xfe", "application/json"), (b"{", "application/json"),
               (b"[1, NaN]", "application/json"), (b"a=1", "application/x-www-form-urlencoded")]


@pytest.fixture
def ids(seeded_app, api):
    order_id = ingest(api, paid_order(1, lines=[BIG_LINE], total="6999.00")).get_json()["order_id"]
    [task] = api.get(f"/api/tasks?order_id={order_id}").get_json()["tasks"]
    with seeded_app.app_context(), db.database.transaction() as session:
        letter = outbox.enqueue_effect(session, kind="notify", idempotency_key="k-1", payload={})
        session.get(OutboxEffect, letter).status = "dead"
    return {"order_id": str(order_id), "task_id": str(task["id"]), "instance_id": str(task["instance_id"]),
            "letter_id": str(letter), "code": "hz", "key": "weather", "region": "east", "name": "compliance",
            "subpath": "compliance/ce-certificates/check"}


def urls(app, ids):
    out = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api") and rule.arguments:
            url = rule.rule
            for argument in rule.arguments:
                url = url.replace(f"<{argument}>", ids.get(argument, "1")).replace(f"<path:{argument}>", ids["subpath"])
            out.add((url, tuple(sorted(m for m in rule.methods if m not in ("HEAD", "OPTIONS")))))
    return sorted(out)


def check(response, where):
    assert response.status_code < 500, f"{where}: {response.get_data(as_text=True)[:500]}"
    if response.status_code >= 400:
        assert response.mimetype == "application/problem+json", where
        body = response.get_json(force=True)
        assert body["status"] == response.status_code and body["problems"], where


def test_garbage_with_real_ids_never_gives_a_500(seeded_app, api, ids):
    for url, methods in urls(seeded_app, ids):
        for method in methods:
            for body in JSON_GARBAGE:
                response = api.open(url, method=method, data=json.dumps(body), content_type="application/json",
                                     headers={"X-Orderloom-User": "fuzz"})
                check(response, f"{method} {url} {json.dumps(body)[:60]}")
            for data, content_type in RAW_GARBAGE:
                check(api.open(url, method=method, data=data, content_type=content_type),
                      f"{method} {url} {content_type} {data!r}")


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25)
ORDER_KEYS = ["channel", "channel_order_no", "total", "customer", "address", "lines", "payment", "coupon_codes",
              "created_at", "order_id", "return", "reason"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kind=st.sampled_from(["order.paid", "order.created", "order.cancelled", "return.requested", "order.reroute",
                             "custom.ping", "order.x"]),
       payload=st.dictionaries(st.sampled_from(ORDER_KEYS), JSONISH, max_size=8),
       mutate=st.booleans())
def test_any_payload_is_answered_without_a_500(api, kind, payload, mutate):
    if mutate:
        base = paid_order(3)
        base.update(payload)
        payload = base
    response = api.post("/api/orders/events", json={"source": "fuzz", "event_id": json.dumps(payload)[:100],
                                                    "kind": kind, "payload": payload})
    check(response, f"{kind} {json.dumps(payload, ensure_ascii=False)[:200]}")
