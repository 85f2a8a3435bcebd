"""S5 multi-factor warehouse routing and S7 weather-aware carrier choice, from the templates."""

from __future__ import annotations

from tests.runtime.engine.support import customer, effect, kinds, order, path, snapshot, start, step, template

S5, S7 = "s5-multi-factor-routing", "s7-weather-carrier"
FULL = {"TEA-01": 50, "CUP-02": 50, "GIFT-VIP-01": 10}


def wh(id_, cost, eta, load, status="open", stock=None, region="east"):
    return {"id": id_, "region": region, "status": status, "cold_chain": False, "capacity": 1000, "load": load,
            "cost": cost, "unit_cost": cost, "eta_hours": eta, "stock": FULL if stock is None else stock}


# hz: cheap and idle but slow; sh: fast but dearer; bj: expensive and busy.
HZ, SH, BJ = wh("hz", "10", 48, "0.2"), wh("sh", "20", 12, "0.5"), wh("bj", "30", 36, "0.9", region="north")
GZ_CLOSED = wh("gz", "5", 6, "0.1", status="closed", region="south")  # would beat everyone


def routed(tier="NORMAL", warehouses=(HZ, SH, BJ), **order_fields):
    return start(template(S5), snapshot(order(**order_fields), customer(tier=tier), warehouses=list(warehouses)))


def test_s5_default_weights_pick_the_cheap_idle_warehouse_and_reserve_there():
    result = routed()
    assert result.state["outcome"] == "routed" and result.state["vars"]["route"]["id"] == "hz"
    reserve = effect(result, "stock.reserve")
    assert reserve == {"order": "O-1001", "warehouse": "hz", "part": 0,
                       "lines": [{"sku": "TEA-01", "qty": 2}, {"sku": "CUP-02", "qty": 1}]}


def test_s5_vip_time_weight_075_changes_the_winner_and_the_explanation_says_why():
    result = routed(tier="VIP")
    assert result.state["vars"]["route"]["id"] == "sh"
    explained = step(result, "choose_warehouse")["explanation"]
    eta = next(w for w in explained["weights"] if w["factor"] == "eta")
    assert eta == {"factor": "eta", "label": "时效", "better": "lower", "base": "0.3", "weight": "0.75",
                   "rule": {"index": 0, "when": 'customer.tier == "VIP"'}}
    assert explained["winner"] == "sh" and explained["runner_up"] == "hz"
    sh = next(c for c in explained["candidates"] if c["id"] == "sh")
    assert sh["raw"] == {"cost": "20", "eta": "12", "load": "0.5"} and sh["normalised"]["eta"] == "1"
    assert sh["rank"] == 1 and explained["margin"] is not None and not explained["lower_total_wins"]


def test_s5_promotion_raises_the_time_weight_too():
    snap = snapshot(order(), customer(), warehouses=[HZ, SH, BJ], context={"promotion": {"active": True}})
    assert start(template(S5), snap).state["vars"]["route"]["id"] == "sh"


def test_s5_a_closed_warehouse_that_would_have_won_is_excluded_with_its_reason():
    open_gz = {**GZ_CLOSED, "status": "open"}
    assert routed(warehouses=(HZ, SH, BJ, open_gz)).state["vars"]["route"]["id"] == "gz"
    result = routed(warehouses=(HZ, SH, BJ, GZ_CLOSED))
    assert result.state["vars"]["route"]["id"] == "hz"
    explained = step(result, "choose_warehouse")["explanation"]
    assert explained["excluded"] == [{"id": "gz", "reason": "closed", "filter": None, "reason_zh": "仓库已关闭",
                                      "reason_en": "closed"}]
    assert [c["id"] for c in explained["candidates"]] == ["hz", "sh", "bj"]


def test_s5_a_warehouse_without_every_line_is_excluded_for_stock():
    result = routed(warehouses=(HZ, wh("sh", "1", 1, "0", stock={"TEA-01": 50}), BJ))
    explained = step(result, "choose_warehouse")["explanation"]
    assert explained["excluded"][0]["id"] == "sh" and explained["excluded"][0]["reason"] == "no_stock"


TEA_ONLY = wh("hz", "10", 48, "0.2", stock={"TEA-01": 9, "GIFT-VIP-01": 5})
CUP_ONLY = wh("sh", "20", 12, "0.5", stock={"CUP-02": 9})


def gift_order(accepts_split: bool):
    gift = {"sku": "GIFT-VIP-01", "name": "礼盒", "qty": 1, "price": "0", "weight_kg": 0.3, "medical_class": None,
            "cold_chain": False, "gift": True, "ship_with_main": True}
    return {"lines": [*order()["lines"], gift], "accepts_split": accepts_split}


def test_s5_no_single_warehouse_splits_when_the_customer_accepts_and_the_gift_rides_with_the_main_items():
    result = routed(warehouses=(TEA_ONLY, CUP_ONLY), **gift_order(True))
    assert result.state["outcome"] == "split"
    assert path(result) == [("choose_warehouse", "split"), ("split", "next"), ("reserve_split", "reserved"),
                                ("split_done", None)]
    shipments = effect(result, "order.split")["shipments"]
    assert shipments == [
        {"warehouse": "hz", "lines": [{"sku": "TEA-01", "qty": 2}, {"sku": "GIFT-VIP-01", "qty": 1}],
         "cold_chain": None},
        {"warehouse": "sh", "lines": [{"sku": "CUP-02", "qty": 1}], "cold_chain": None}]
    assert [e.data["warehouse"] for e in result.effects if e.kind == "stock.reserve"] == ["hz", "sh"]


def test_s5_no_single_warehouse_backorders_when_the_customer_refuses_splits():
    result = routed(warehouses=(TEA_ONLY, CUP_ONLY), **gift_order(False))
    assert result.state["outcome"] == "backorder" and kinds(result) == ["order.backorder"]
    assert effect(result, "order.backorder")["reason"]["code"] == "no_single_warehouse"
    explained = step(result, "choose_warehouse")["explanation"]
    assert explained["decision"] == "backorder" and explained["winner"] is None


def test_s5_reservation_conflict_rerun_on_a_fresh_snapshot_backorders():
    """The adapter's conditional update failed: the same event re-runs on the fresh stock figures."""
    first = routed()
    assert "stock.reserve" in kinds(first)
    fresh = [wh("hz", "10", 48, "0.2"), wh("sh", "20", 12, "0.5"), wh("bj", "30", 36, "0.9", region="north")]
    fresh[0]["stock"] = fresh[1]["stock"] = fresh[2]["stock"] = {"TEA-01": 1, "CUP-02": 0}
    again = start(template(S5), snapshot(order(accepts_split=False), customer(), warehouses=fresh))
    assert again.state["outcome"] == "backorder" and [e.key for e in again.effects] == ["i-1/choose_warehouse/1"]


def carriers():
    return [{"id": "sf", "cold_chain": True, "cost": "20", "eta_hours": 24},
            {"id": "jd", "cold_chain": False, "cost": "25", "eta_hours": 36},
            {"id": "zto", "cold_chain": False, "cost": "30", "eta_hours": 48}]


def weather(level: int):
    return snapshot(order(), customer(), carriers=carriers(),
                    context={"weather": {"east": {"level": level, "label": "橙色" if level >= 3 else "蓝色"}}})


def test_s7_no_alert_prefers_the_fast_cheap_cold_chain_carrier():
    result = start(template(S7), weather(1))
    assert result.state["vars"]["carrier"]["id"] == "sf" and result.state["outcome"] == "carrier_chosen"
    assert result.state["routes"]["carrier"]["id"] == "sf"


def test_s7_orange_alert_lowers_the_cold_chain_carrier_and_the_decision_explains_it():
    result = start(template(S7), weather(3))
    explained = step(result, "choose_carrier")["explanation"]
    assert explained["winner"] == "jd" and explained["runner_up"] == "sf"
    risk = next(w for w in explained["weights"] if w["factor"] == "weather_risk")
    assert risk["weight"] == "0.8" and risk["rule"]["when"] == "context.weather[order.address.region].level >= 3"
    sf = next(c for c in explained["candidates"] if c["id"] == "sf")
    assert sf["raw"]["weather_risk"] == "3" and sf["normalised"]["weather_risk"] == "0"


def test_s5_route_choice_is_kept_in_the_state_for_later_nodes():
    result = routed()
    assert result.state["routes"]["warehouse"] == {"id": "hz", "parts": None}
    assert result.state["vars"]["route"]["score"] == step(result, "choose_warehouse")["explanation"]["candidates"][0][
        "total"]
