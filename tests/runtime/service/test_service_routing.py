"""Routing scenarios through the pipeline: S5 multi-factor warehouse choice (VIP weights, a closed
warehouse, split vs backorder), S6 a warehouse outage rerouting its orders, S7 weather-aware carriers,
and reservations racing for the last units."""

from __future__ import annotations

import threading

from runtime.store.stock import stock_level
from tests.runtime.service.support import (
    instance,
    make_runtime,
    outcomes,
    paid,
    path,
    publish,
    seed,
    set_feed,
    stages,
    step,
)

S5 = "multi-factor-routing"


def routing(rt, order_id):
    return step(instance(rt.timeline(order_id), S5), "choose_warehouse")["explanation"]


def test_s5_default_weights_pick_the_cheap_idle_warehouse_and_explain_every_candidate(rt):
    order_id = paid(rt)
    got = rt.get_order(order_id)
    assert got["status"] == "routed" and got["routed_warehouses"] == ["hz"]
    assert sorted((r["sku"], r["warehouse"], r["qty"]) for r in got["reservations"]) == [
        ("CUP-02", "hz", 1), ("TEA-01", "hz", 2)]
    explained = routing(rt, order_id)
    assert explained["winner"] == "hz" and explained["runner_up"] == "gz" and explained["decision"] == "routed"
    hz = next(c for c in explained["candidates"] if c["id"] == "hz")
    assert hz["raw"] == {"cost": "9.00", "eta": "48.0", "load": "0.200"} and hz["rank"] == 1
    assert [c["id"] for c in explained["candidates"]] == ["bj", "gz", "hz"]
    with rt.db.read() as session:
        assert stock_level(session, "TEA-01", "hz") == (48, 2)


def test_s5_vip_time_weight_075_changes_the_winner(rt):
    order_id = paid(rt, customer={"id": "C-VIP", "phone": "13800000009", "tier": "VIP"})
    explained = routing(rt, order_id)
    assert explained["winner"] == "gz" and explained["margin"] is not None
    eta = next(w for w in explained["weights"] if w["factor"] == "eta")
    assert (eta["base"], eta["weight"], eta["rule"]["when"]) == ("0.3", "0.75", 'customer.tier == "VIP"')
    assert rt.get_order(order_id)["routed_warehouses"] == ["gz"]


def test_s5_a_promotion_feed_raises_the_time_weight_for_everyone(world, sdb):
    rt, _ = world
    set_feed(sdb, "promotion", "*", {"active": True, "name": "双十一"})
    assert routing(rt, paid(rt))["winner"] == "gz"


def test_s5_a_closed_warehouse_that_would_have_won_is_excluded_with_its_reason(world, sdb):
    rt, _ = world
    explained = routing(rt, paid(rt, "TM-1"))
    assert explained["excluded"] == [{"id": "cd", "reason": "closed", "filter": None, "reason_zh": "仓库已关闭",
                                      "reason_en": "closed"}]
    rt.open_warehouse("cd", "u-ops")
    assert routing(rt, paid(rt, "TM-2"))["winner"] == "cd"  # open, it beats everyone


def split_world(sdb, clock):
    seed(sdb, stock={"hz": {"TEA-01": 9}, "gz": {"CUP-02": 9}, "bj": {"TEA-01": 1}})
    publish(sdb, "s5-multi-factor-routing")
    return make_runtime(sdb, clock)[0]


def test_s5_no_single_warehouse_splits_when_the_customer_accepts(sdb, clock):
    rt = split_world(sdb, clock)
    order_id = paid(rt, accepts_split=True)
    got = rt.get_order(order_id)
    assert got["status"] == "routed" and sorted(got["routed_warehouses"]) == ["gz", "hz"]
    assert {line["sku"]: line["warehouse"] for line in got["lines"]} == {"TEA-01": "hz", "CUP-02": "gz"}
    flow = instance(rt.timeline(order_id), S5)
    assert flow["outcome"] == "split"
    assert path(flow) == [("choose_warehouse", "split"), ("split", "next"), ("reserve_split", "reserved"),
                          ("split_done", None)]
    assert {r["warehouse"] for r in got["reservations"]} == {"hz", "gz"}


def test_s5_no_single_warehouse_backorders_with_a_reason_when_the_customer_refuses_splits(sdb, clock):
    rt = split_world(sdb, clock)
    order_id = paid(rt, accepts_split=False)
    got = rt.get_order(order_id)
    assert got["status"] == "backordered" and got["reservations"] == []
    timeline = rt.timeline(order_id)
    assert instance(timeline, S5)["outcome"] == "backorder"
    assert routing(rt, order_id)["decision"] == "backorder"
    change = timeline["status_changes"][-1]
    assert (change["to"], change["actor"]) == ("backordered", "flow:multi-factor-routing") and change["reason"]


def test_s6_closing_a_warehouse_reroutes_its_unshipped_orders_to_another(world, sdb):
    rt, publisher = world
    first, second = paid(rt, "TM-1"), paid(rt, "TM-2")
    assert rt.get_order(first)["routed_warehouses"] == ["hz"]
    publisher.clear()

    assert rt.close_warehouse("hz", "冷链故障", "u-ops") == [first, second]
    for order_id in (first, second):
        got = rt.get_order(order_id)
        assert got["status"] == "routed" and got["routed_warehouses"] == ["gz"]
        assert {(r["warehouse"], r["status"]) for r in got["reservations"]} == {("hz", "released"),
                                                                                ("gz", "active")}
        timeline = rt.timeline(order_id)
        assert stages(timeline) == ["intake", "approval", "routing", "routing/2"]
        assert outcomes(timeline, "routing/2")[S5] == ("completed", "routed")
        rerouted = step(instance(timeline, S5, "routing/2"), "choose_warehouse")["explanation"]
        assert rerouted["winner"] == "gz" and {"id": "hz", "reason": "closed", "filter": None,
                                               "reason_zh": "仓库已关闭", "reason_en": "closed"} in rerouted["excluded"]
        assert [c["to"] for c in timeline["status_changes"]][-2:] == ["approved", "routed"]
        assert "仓库 hz 关闭：冷链故障" in timeline["status_changes"][-2]["reason"]
    with rt.db.read() as session:
        assert stock_level(session, "TEA-01", "hz") == (50, 0)
        assert stock_level(session, "TEA-01", "gz") == (46, 4)
    assert any(e["event"] == "order.status" and e["data"]["status"] == "approved" for e in publisher.events)

    assert rt.get_order(paid(rt, "TM-3"))["routed_warehouses"] == ["gz"]  # no new orders for hz
    rt.open_warehouse("hz", "u-ops")
    assert rt.get_order(paid(rt, "TM-4"))["routed_warehouses"] == ["hz"]


def carrier(rt, order_id):
    return step(instance(rt.timeline(order_id), "weather-carrier"), "choose_carrier")["explanation"]


def test_s7_without_alert_the_fast_cold_chain_carrier_wins(rt):
    explained = carrier(rt, paid(rt))
    assert explained["winner"] == "sf"
    assert next(w for w in explained["weights"] if w["factor"] == "weather_risk")["weight"] == "0.2"


def test_s7_an_orange_alert_lowers_the_cold_chain_carrier_and_the_decision_says_why(world, sdb):
    rt, _ = world
    set_feed(sdb, "weather", "east", {"level": 3, "label": "暴雨橙色预警"})
    explained = carrier(rt, paid(rt))
    assert explained["winner"] == "zto"
    risk = next(w for w in explained["weights"] if w["factor"] == "weather_risk")
    assert risk["weight"] == "0.8" and risk["rule"]["index"] == 0
    sf = next(c for c in explained["candidates"] if c["id"] == "sf")
    assert sf["raw"]["weather_risk"] == "3"


def test_reservations_racing_for_the_last_units_never_oversell(sdb, clock):
    seed(sdb, stock={"hz": {"TEA-01": 10, "CUP-02": 100}})
    publish(sdb, "s5-multi-factor-routing")
    rt, _ = make_runtime(sdb, clock)
    ids: list[int] = []
    lock = threading.Lock()

    def buy(n: int) -> None:
        for k in range(3):
            order_id = paid(rt, f"TM-R{n}-{k}", accepts_split=False,
                            lines=[{"sku": "TEA-01", "qty": 1, "price": "100.00"}], total="100.00")
            with lock:
                ids.append(order_id)

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = [rt.get_order(i)["status"] for i in ids]
    assert len(ids) == 24 and statuses.count("routed") == 10 and statuses.count("backordered") == 14
    with rt.db.read() as session:
        assert stock_level(session, "TEA-01", "hz") == (0, 10)
