"""Warehouses, stock, carriers and context feeds over HTTP, on the demo's master data."""

from __future__ import annotations

import pytest

from designer.extensions import db
from runtime.demo import seed
from tests.auth_support import client_as


@pytest.fixture
def seeded(app):
    with app.app_context():
        seed(db.database)
    return app


@pytest.fixture
def api(seeded):
    """An admin: carriers are admin data; stock, warehouses and feeds are the operators' (admins may too)."""
    return client_as(seeded, "admin")


def test_warehouses_list_and_one(api, problem_of):
    body = api.get("/api/warehouses").get_json()
    assert [w["code"] for w in body["warehouses"]] == ["bj", "cd", "gz", "hz", "sh"]
    hz = api.get("/api/warehouses/hz").get_json()
    assert (hz["region"], hz["status"], hz["cold_chain"], hz["load"]) == ("east", "open", True, "0.350")
    assert hz["updated_at"].endswith("+08:00"), "times are shown in the business zone"
    problem_of(api.get("/api/warehouses/xx"), 404, "API_WAREHOUSE_NOT_FOUND")


def test_stock_lists_filters_and_pages(api, problem_of):
    tea = api.get("/api/stock?sku=TEA-001").get_json()
    assert tea["total"] == len(tea["items"]) >= 2
    assert {row["sku"] for row in tea["items"]} == {"TEA-001"}
    page = api.get("/api/stock?warehouse=hz&limit=5&offset=5").get_json()
    assert len(page["items"]) == 5 and page["total"] > 100
    assert {row["warehouse"] for row in page["items"]} == {"hz"}
    body = problem_of(api.get("/api/stock?limit=0"), 422, "API_FIELD_INVALID")
    assert body["problems"][0]["path"] == "query.limit"
    problem_of(api.get("/api/stock?nope=1"), 422, "API_FIELD_UNKNOWN")


def test_stock_adjustment_with_reason_and_its_refusals(seeded, api, problem_of):
    before = api.get("/api/stock?sku=TEA-001&warehouse=hz").get_json()["items"]
    start = before[0]["available"] if before else 0
    op_wang = client_as(seeded, "operator", username="op-wang")
    ok = op_wang.post("/api/stock", json={"sku": "TEA-001", "warehouse": "hz", "delta": 7, "reason": "盘点"})
    assert ok.status_code == 200, ok.get_data(as_text=True)
    assert ok.get_json()["available"] == start + 7 and ok.get_json()["adjustment_id"]
    refused = problem_of(api.post("/api/stock", json={"sku": "TEA-001", "warehouse": "hz", "delta": -10**6,
                                                       "reason": "报损"}), 422, "API_STOCK_REFUSED")
    assert refused["problems"][0]["path"] == "body.delta" and "仅有" in refused["problems"][0]["message_zh"]
    problem_of(api.post("/api/stock", json={"sku": "TEA-001", "warehouse": "zz", "delta": 1, "reason": "x"}),
               422, "API_FIELD_INVALID")
    missing = problem_of(api.post("/api/stock", json={"sku": "TEA-001", "warehouse": "hz", "delta": 1}), 422)
    assert missing["problems"][0]["path"] == "body.reason"
    problem_of(api.post("/api/stock", json={"sku": "TEA-001", "warehouse": "hz", "delta": 0, "reason": "x"}), 422)
    problem_of(api.post("/api/stock", json={"sku": "TEA-001", "warehouse": "hz", "delta": "5", "reason": "x"}), 422)
    new_sku = api.post("/api/stock", json={"sku": "NEW-1", "warehouse": "cd", "delta": 3, "reason": "到货"})
    assert new_sku.get_json()["available"] == 3


def test_carriers_and_rate_tables(api, problem_of):
    carriers = api.get("/api/carriers").get_json()["carriers"]
    assert {c["code"] for c in carriers} >= {"sf", "jd", "zto", "yto", "ems"}
    sf = api.get("/api/carriers/sf").get_json()
    assert sf["cold_chain"] is True and len(sf["rates"]) == 25
    created = api.put("/api/carriers/dbl", json={"name": "德邦", "rates": [
        {"origin_region": "east", "dest_region": "west", "cost_per_unit": "12.5", "eta_hours": 40}]})
    assert created.status_code == 200, created.get_data(as_text=True)
    assert created.get_json()["rates"] == [{"origin_region": "east", "dest_region": "west", "cost_per_unit": "12.50",
                                            "cost_per_kg": "0.00", "eta_hours": "40.0"}]
    rates = api.put("/api/carriers/dbl/rates", json={"rates": []})
    assert rates.get_json() == {"carrier": "dbl", "rates": []}
    renamed = api.put("/api/carriers/dbl", json={"name": "德邦快递", "active": False}).get_json()
    assert (renamed["name"], renamed["active"], renamed["rates"]) == ("德邦快递", False, [])
    twice = problem_of(api.put("/api/carriers/dbl/rates", json={"rates": [
        {"origin_region": "east", "dest_region": "west", "cost_per_unit": 1, "eta_hours": 1}] * 2}), 422)
    assert twice["problems"][0]["path"] == "body.rates[1]"
    problem_of(api.put("/api/carriers/dbl/rates", json={"rates": [
        {"origin_region": "east", "dest_region": "west", "cost_per_unit": -1, "eta_hours": 1}]}), 422)
    assert api.delete("/api/carriers/dbl").status_code == 200
    problem_of(api.get("/api/carriers/dbl"), 404, "API_CARRIER_NOT_FOUND")
    problem_of(api.put("/api/carriers/nope/rates", json={"rates": []}), 404, "API_CARRIER_NOT_FOUND")
    problem_of(api.put("/api/carriers/bad code!", json={"name": "x"}), 422, "API_FIELD_INVALID")


def test_context_feeds_weather_levels_and_promotion(api, problem_of):
    weather = api.get("/api/context-feeds/weather").get_json()
    assert {v["region"] for v in weather["values"]} == {"east", "north", "south", "west", "central"}
    put = api.put("/api/context-feeds/weather/east", json={"value": {"level": 3}, "source": "气象台"})
    assert put.status_code == 200, put.get_data(as_text=True)
    east = next(v for v in put.get_json()["values"] if v["region"] == "east")
    assert east["value"] == {"level": 3, "label": "橙色预警"} and east["source"] == "气象台"
    bad = problem_of(api.put("/api/context-feeds/weather/east", json={"value": {"level": 7}}), 422, "API_FEED_VALUE")
    assert bad["problems"][0]["path"] == "body.value.level"
    problem_of(api.put("/api/context-feeds/weather/east", json={"value": 3}), 422, "API_FEED_VALUE")
    problem_of(api.put("/api/context-feeds/promotion/*", json={"value": {"name": "x"}}), 422, "API_FEED_VALUE")
    promo = api.put("/api/context-feeds/promotion/*", json={"value": {"active": True, "name": "双11"}}).get_json()
    assert promo["values"] == [{"region": "*", "value": {"active": True, "name": "双11"}, "source": "admin",
                                "updated_at": promo["values"][0]["updated_at"]}]
    assert api.put("/api/context-feeds/traffic/north", json={"value": {"jam": True}}).status_code == 200
    assert {f["key"] for f in api.get("/api/context-feeds").get_json()["feeds"]} == {"weather", "promotion", "traffic"}
    problem_of(api.get("/api/context-feeds/nothing"), 404, "API_CONTEXT_FEED_NOT_FOUND")
    problem_of(api.put("/api/context-feeds/Bad-Key/east", json={"value": {}}), 422, "API_FIELD_INVALID")
