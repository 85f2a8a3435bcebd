"""S5 multi-factor warehouse routing, S6 warehouse outage with reroute, S7 weather-aware carrier choice, over HTTP.

The data (``conftest``): the orders go to Wuhan (central). hz and sh ship from the east — cheapest
(10 per unit) but slow (48 h); hz idle (load 0.2), sh busy (0.6). bj ships from the north: dearer (20)
but fast (12 h), load 0.5. gz (south) beats everyone: 5 per unit, 6 h, load 0.1 — it is closed in
the tests where it "would otherwise have won".
"""

from __future__ import annotations

import pytest


@pytest.fixture
def gz_closed(world):
    answer = world.post("/api/warehouses/gz/close", {"reason": "冷链故障", "actor": "ops-wang"})
    assert answer["warehouse"]["status"] == "closed" and answer["rerouted_orders"] == []
    return world


def route_of(world, order_id):
    return world.step(order_id, "multi-factor-routing", "choose_warehouse")["explanation"]


def test_s5_gz_wins_on_every_factor_while_open(world):
    order_id = world.place()
    assert world.order(order_id)["routed_warehouses"] == ["gz"]
    explained = route_of(world, order_id)
    assert explained["winner"] == "gz" and explained["excluded"] == []


def test_s5_default_weights_pick_the_cheap_idle_warehouse_and_explain_every_candidate(gz_closed):
    world = gz_closed
    order_id = world.place()
    order = world.order(order_id)
    assert order["status"] == "routed" and order["routed_warehouses"] == ["hz"]
    assert {(r["warehouse"], r["sku"], r["qty"], r["status"]) for r in order["reservations"]} == {
        ("hz", "TEA-01", 2, "active"), ("hz", "CUP-02", 1, "active")}
    explained = route_of(world, order_id)
    assert explained["decision"] == "routed" and explained["winner"] == "hz" and explained["runner_up"] == "sh"
    assert explained["excluded"] == [{"id": "gz", "reason": "closed", "filter": None, "reason_zh": "仓库已关闭",
                                      "reason_en": "closed"}]
    candidates = {c["id"]: c for c in explained["candidates"]}
    assert set(candidates) == {"hz", "sh", "bj"}
    assert candidates["hz"]["raw"] == {"cost": "30.00", "eta": "48.0", "load": "0.200"}
    assert candidates["bj"]["raw"]["cost"] == "60.00" and candidates["bj"]["normalised"]["eta"] == "1"
    assert {w["factor"]: w["weight"] for w in explained["weights"]} == {"cost": "0.5", "eta": "0.3", "load": "0.2"}
    assert explained["margin"] is not None
    stock = world.get("/api/stock?sku=TEA-01&warehouse=hz")["items"][0]
    assert (stock["available"], stock["reserved"]) == (48, 2)


def test_s5_the_vip_time_weight_075_changes_the_winner(gz_closed):
    world = gz_closed
    order_id = world.place(tier="VIP", customer="C-VIP")
    assert world.order(order_id)["routed_warehouses"] == ["bj"]
    explained = route_of(world, order_id)
    eta = next(w for w in explained["weights"] if w["factor"] == "eta")
    assert (eta["base"], eta["weight"], eta["rule"]["when"]) == ("0.3", "0.75", 'customer.tier == "VIP"')
    assert explained["winner"] == "bj" and explained["runner_up"] == "hz"
    assert [c["id"] for c in explained["excluded"]] == ["gz"]


def test_s5_a_promotion_feed_raises_the_time_weight_too(gz_closed):
    world = gz_closed
    world.put("/api/context-feeds/promotion/*", {"value": {"active": True, "name": "618"}})
    order_id = world.place()
    assert world.order(order_id)["routed_warehouses"] == ["bj"]


def test_s5_no_single_warehouse_splits_or_backorders(world):
    for code in ("hz", "sh", "bj", "gz"):  # TEA-01 only in hz, CUP-02 only in bj
        for sku in ("TEA-01", "CUP-02"):
            keep = (sku, code) in (("TEA-01", "hz"), ("CUP-02", "bj"))
            if not keep:
                world.post("/api/stock", {"sku": sku, "warehouse": code, "delta": -50, "reason": "清空"})
    split = world.place()
    order = world.order(split)
    assert order["status"] == "routed" and sorted(order["routed_warehouses"]) == ["bj", "hz"]
    assert world.instance(split, "multi-factor-routing")["outcome"] == "split"
    assert {(line["sku"], line["warehouse"]) for line in order["lines"]} == {("TEA-01", "hz"), ("CUP-02", "bj")}

    refused = world.place(accepts_split=False)
    order = world.order(refused)
    assert order["status"] == "backordered" and order["routed_warehouses"] == []
    assert world.instance(refused, "multi-factor-routing")["outcome"] == "backorder"
    assert route_of(world, refused)["decision"] == "backorder"


# ---- S6 ----

def test_s6_closing_a_warehouse_reroutes_its_unshipped_orders_and_new_orders_avoid_it(world):
    first = world.place()
    assert world.order(first)["routed_warehouses"] == ["gz"]
    world.clock.advance(minutes=10)
    answer = world.post("/api/warehouses/gz/close", {"reason": "冷链故障"}, headers={"X-Orderloom-User": "ops-wang"})
    assert answer["rerouted_orders"] == [first]
    assert answer["warehouse"]["closed_reason"] == "冷链故障"

    order = world.order(first)
    assert order["status"] == "routed" and order["routed_warehouses"] == ["hz"]
    released = [r for r in order["reservations"] if r["warehouse"] == "gz"]
    assert released and all(r["status"] == "released" for r in released)
    assert all(r["status"] == "active" for r in order["reservations"] if r["warehouse"] == "hz")
    assert world.stages(first) == ["intake", "approval", "routing", "routing/2"]
    rerouted = world.timeline(first)["stages"][-1]["instances"]
    route = next(i for i in rerouted if i["flow"] == "multi-factor-routing")["steps"][0]["explanation"]
    assert route["winner"] == "hz" and route["excluded"][0]["id"] == "gz"
    changes = world.timeline(first)["status_changes"]
    assert [(c["from"], c["to"]) for c in changes][-2:] == [("routed", "approved"), ("approved", "routed")]
    gz = world.get("/api/stock?sku=TEA-01&warehouse=gz")["items"][0]
    assert (gz["available"], gz["reserved"]) == (50, 0), "the closed warehouse's units are given back"

    later = world.place()
    assert world.order(later)["routed_warehouses"] == ["hz"]
    assert world.get("/api/warehouses/gz")["active_reservations"] == 0

    world.post("/api/warehouses/gz/open", {"actor": "ops-wang"})
    assert world.order(world.place())["routed_warehouses"] == ["gz"]


def test_s6_an_unknown_warehouse_is_a_404(world):
    response = world.client.post("/api/warehouses/zz/close", json={"reason": "x"})
    assert response.status_code == 404 and response.get_json()["problems"][0]["code"] == "API_WAREHOUSE_NOT_FOUND"


# ---- S7 ----

def carrier_of(world, order_id):
    return world.step(order_id, "weather-carrier", "choose_carrier")["explanation"]


def test_s7_without_an_alert_the_fast_cold_chain_carrier_wins(gz_closed):
    world = gz_closed
    order_id = world.place()
    explained = carrier_of(world, order_id)
    assert explained["winner"] == "sf"
    assert world.instance(order_id, "weather-carrier")["outcome"] == "carrier_chosen"


def test_s7_an_orange_alert_in_the_destination_lowers_cold_chain_carriers_and_explains_it(gz_closed):
    world = gz_closed
    world.put("/api/context-feeds/weather/central", {"value": {"level": 3, "label": "暴雨橙色预警"}})
    order_id = world.place()
    explained = carrier_of(world, order_id)
    assert explained["winner"] == "zto"
    weather = next(w for w in explained["weights"] if w["factor"] == "weather_risk")
    assert (weather["base"], weather["weight"]) == ("0.2", "0.8")
    sf = next(c for c in explained["candidates"] if c["id"] == "sf")
    assert sf["raw"]["weather_risk"] == "3"


def test_routing_events_for_unknown_orders_are_refused(world):
    response = world.client.post("/api/orders/events", json={
        "source": "ops", "event_id": "r-1", "kind": "order.reroute", "payload": {"order_id": 999999}})
    assert response.status_code == 422
    assert response.get_json()["problems"][0]["path"] == "body.payload.order_id"
