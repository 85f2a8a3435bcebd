"""The OpenAPI document lists the runtime's endpoints, and their real answers validate against it."""

from __future__ import annotations

from jsonschema import Draft202012Validator

from tests.designer import runtime_world
from tests.designer.runtime_world import ingest, paid_order

seeded_app, api = runtime_world.seeded_app, runtime_world.api  # fixtures

BIG_LINE = {"sku": "ELE-001", "name": "电视", "qty": 1, "price": "6999.00", "weight_kg": "12"}


def check_against(openapi, path, method, status, instance):
    content = openapi["paths"][path][method]["responses"][status]["content"]
    schema = dict(next(iter(content.values()))["schema"], components=openapi["components"])
    errors = [f"{list(e.path)}: {e.message}" for e in Draft202012Validator(schema).iter_errors(instance)]
    assert errors == [], f"{method} {path}"


def test_the_runtime_endpoints_are_documented_with_their_schemas(api):
    openapi = api.get("/api/openapi.json").get_json()
    paths = openapi["paths"]
    for path, methods in {
        "/api/orders/events": {"post"}, "/api/orders": {"get"}, "/api/orders/{order_id}": {"get"},
        "/api/orders/{order_id}/timeline": {"get"}, "/api/orders/{order_id}/release-hold": {"post"},
        "/api/instances/{instance_id}/cancel": {"post"}, "/api/instances/{instance_id}/retry": {"post"},
        "/api/tasks": {"get"}, "/api/tasks/{task_id}/claim": {"post"}, "/api/tasks/{task_id}/reassign": {"post"},
        "/api/tasks/{task_id}/decide": {"post"}, "/api/warehouses": {"get"}, "/api/warehouses/{code}": {"get"},
        "/api/warehouses/{code}/close": {"post"}, "/api/warehouses/{code}/open": {"post"},
        "/api/stock": {"get", "post"}, "/api/carriers": {"get"}, "/api/carriers/{code}": {"get", "put", "delete"},
        "/api/carriers/{code}/rates": {"get", "put"}, "/api/context-feeds/{key}": {"get"},
        "/api/context-feeds/{key}/{region}": {"put"}, "/api/connections": {"get"},
        "/api/connections/{name}": {"get", "put", "delete"}, "/api/dead-letters": {"get"},
        "/api/dead-letters/{letter_id}/redrive": {"post"}, "/api/dead-letters/{letter_id}/discard": {"post"},
        "/api/dry-runs": {"post"}, "/api/flows": {"get"},
    }.items():
        assert methods <= set(paths[path]), path
    components = set(openapi["components"]["schemas"])
    assert {"IngestRequest", "IngestAnswer", "OrderList", "Order", "Timeline", "Stage", "Step", "Task", "TaskList",
            "DecideTask", "Instance", "Warehouse", "StockAdjustment", "Carrier", "CarrierRate", "ContextFeed",
            "FeedPut", "Connection", "ConnectionPut", "DeadLetter", "DryRunRequest", "DryRunResult", "Flow",
            "Health", "Timers"} <= components
    assert "secret" not in openapi["components"]["schemas"]["Connection"]["properties"]
    decide = paths["/api/tasks/{task_id}/decide"]["post"]
    assert {"404", "409", "422"} <= set(decide["responses"])
    assert any(p["name"] == "X-Orderloom-User" for p in decide["parameters"])


def test_real_answers_validate_against_the_document(api):
    openapi = api.get("/api/openapi.json").get_json()
    answer = ingest(api, paid_order(1, lines=[BIG_LINE], total="6999.00"))
    check_against(openapi, "/api/orders/events", "post", "200", answer.get_json())
    order_id = answer.get_json()["order_id"]
    ingest(api, paid_order(2), event_id="e-2")
    for path, url in [("/api/orders", "/api/orders"), ("/api/orders/{order_id}", f"/api/orders/{order_id}"),
                      ("/api/orders/{order_id}/timeline", f"/api/orders/{order_id}/timeline"),
                      ("/api/tasks", "/api/tasks"), ("/api/warehouses", "/api/warehouses"),
                      ("/api/stock", "/api/stock?limit=5"), ("/api/carriers", "/api/carriers"),
                      ("/api/context-feeds", "/api/context-feeds"), ("/api/connections", "/api/connections"),
                      ("/api/dead-letters", "/api/dead-letters"), ("/api/flows", "/api/flows"),
                      ("/api/flows/{key}", "/api/flows/vip-gift"), ("/api/health", "/api/health")]:
        response = api.get(url)
        assert response.status_code == 200, url
        check_against(openapi, path, "get", "200", response.get_json())
    [task] = api.get(f"/api/tasks?order_id={order_id}").get_json()["tasks"]
    check_against(openapi, "/api/tasks/{task_id}", "get", "200", api.get(f"/api/tasks/{task['id']}").get_json())
    check_against(openapi, "/api/instances/{instance_id}", "get", "200",
                  api.get(f"/api/instances/{task['instance_id']}").get_json())
    bad = api.post(f"/api/tasks/{task['id']}/decide", json={"decision": "nope"})
    check_against(openapi, "/api/tasks/{task_id}/decide", "post", "422", bad.get_json())
    decided = api.post(f"/api/tasks/{task['id']}/decide", json={"decision": "approved"})
    check_against(openapi, "/api/tasks/{task_id}/decide", "post", "200", decided.get_json())
    check_against(openapi, "/api/orders/{order_id}/timeline", "get", "200",
                  api.get(f"/api/orders/{order_id}/timeline").get_json())
