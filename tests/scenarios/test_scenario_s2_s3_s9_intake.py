"""S2 remote-area freight, S3 VIP gift and S9 cross-border compliance (with its CE sub-flow), over HTTP."""

from __future__ import annotations

from decimal import Decimal

MED = [{"sku": "MED-IIA", "name": "血糖仪", "qty": 1, "price": "899.00", "weight_kg": "0.4", "medical_class": "IIa"}]


# ---- S2 ----

def test_s2_a_remote_province_is_tagged_surcharged_and_the_customer_notified(world):
    order_id = world.place(province="西藏", city="拉萨", region="west")
    order = world.order(order_id)
    assert "remote-freight" in order["tags"]
    [surcharge] = order["surcharges"]
    weight = Decimal("0.5") + Decimal("1.2")  # one weight per line: sum(order.lines.weight_kg)
    assert surcharge["code"] == "remote-freight" and Decimal(surcharge["amount"]) == 12 + weight * 6
    assert world.path(order_id, "remote-freight") == [
        ("trigger", "start"), ("tag_remote", "next"), ("add_freight", "next"), ("notify_customer", "next"),
        ("done", None)]
    notify = world.step(order_id, "remote-freight", "notify_customer")["explanation"]
    assert notify["channel"] == "sms" and notify["to"] == "customer"
    assert str(order_id) in notify["message"]
    assert world.instance(order_id, "remote-freight")["outcome"] == "surcharged"
    assert order["status"] == "routed", "intake enriches and goes on"


def test_s2_other_provinces_are_not_applicable(world):
    order_id = world.place(province="湖北")
    assert world.instance(order_id, "remote-freight")["status"] == "not_applicable"
    assert world.order(order_id)["surcharges"] == []


# ---- S3 ----

def test_s3_a_vip_gets_the_gift_line_shipping_from_the_main_items_warehouse(world):
    order_id = world.place(tier="VIP", customer="C-VIP")
    order = world.order(order_id)
    gift = next(line for line in order["lines"] if line["sku"] == "GIFT-VIP-01")
    assert gift["gift"] is True and gift["ship_with_main"] is True and Decimal(gift["price"]) == 0
    assert order["status"] == "routed"
    main = {line["warehouse"] for line in order["lines"] if not line["gift"]}
    assert len(main) == 1 and gift["warehouse"] in main, order["lines"]
    assert {r["sku"] for r in order["reservations"]} >= {"GIFT-VIP-01", "TEA-01", "CUP-02"}
    assert world.instance(order_id, "vip-gift")["outcome"] == "gift_added"


def test_s3_other_tiers_get_no_gift(world):
    order_id = world.place(tier="GOLD", customer="C-GOLD")
    assert all(not line["gift"] for line in world.order(order_id)["lines"])
    assert world.instance(order_id, "vip-gift")["status"] == "not_applicable"


# ---- S9 ----

def _ce_call(world, order_id):
    sub = world.instance(order_id, "ce-certificate-check")
    assert sub["status"] == "waiting" and sub["parent_instance_id"]
    [wait] = sub["waiting"]
    assert wait["kind"] == "service"
    return sub, wait["call"]


def test_s9_germany_with_a_iia_device_runs_the_ce_sub_flow_before_routing(world):
    order_id = world.place(country="DE", province="Berlin", city="Berlin", region="central", lines=MED)
    order = world.order(order_id)
    assert (order["status"], order["stage"]) == ("paid", "intake"), "routing waits for the sub-flow"
    caller = world.instance(order_id, "cross-border-compliance")
    assert caller["status"] == "waiting"
    sub, call = _ce_call(world, order_id)
    step = world.step(order_id, "ce-certificate-check", "query_certificates")["explanation"]
    assert step["connection"] == "compliance" and step["body"]["country"] == "DE"
    assert step["body"]["skus"] == ["MED-IIA"]
    outbox = world.get(f"/api/dead-letters?status=all&order_id={order_id}")
    assert outbox["total"] == 0, "the call is pending in the outbox, not dead"

    world.rt.service_responded(call, True, 200, {"valid": True}, None)  # what the outbox deliverer does
    assert world.instance(order_id, "ce-certificate-check")["outcome"] == "passed"
    assert world.path(order_id, "cross-border-compliance") == [
        ("trigger", "start"), ("ce_check", None), ("ce_check", "passed"), ("compliant", None)]
    order = world.order(order_id)
    assert order["status"] == "routed" and world.stages(order_id)[-1] == "routing"


def test_s9_a_failed_check_holds_the_order_until_an_operator_releases_it(world):
    order_id = world.place(country="DE", province="Berlin", city="Berlin", region="central", lines=MED)
    _, call = _ce_call(world, order_id)
    world.rt.service_responded(call, True, 200, {"valid": False}, None)
    order = world.order(order_id)
    assert order["status"] == "held" and order["hold_reason"] == "CE 证书检查未通过"
    assert world.instance(order_id, "ce-certificate-check")["outcome"] == "failed"
    assert world.instance(order_id, "cross-border-compliance")["outcome"] == "held"

    released = world.post(f"/api/orders/{order_id}/release-hold", {"reason": "证书已人工核验"}, user="ops-chen")
    assert released["status"] == "routed"
    change = world.timeline(order_id)["status_changes"]
    assert any(c["from"] == "held" and c["actor"] == "ops-chen" and c["reason"] == "证书已人工核验" for c in change)
    again = world.client.post(f"/api/orders/{order_id}/release-hold", json={"reason": "x"})
    assert again.status_code == 409 and again.get_json()["problems"][0]["code"] == "RUN_ORDER_STATE"


def test_s9_other_orders_skip_the_sub_flow(world):
    for fields in ({"country": "DE", "province": "Berlin", "city": "Berlin"}, {"lines": MED}):
        order_id = world.place(**fields)
        assert world.instance(order_id, "cross-border-compliance")["status"] == "not_applicable"
        assert world.instances(order_id, "ce-certificate-check") == []
        assert world.order(order_id)["status"] == "routed"
