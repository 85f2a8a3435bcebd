"""Intake scenarios through the pipeline: S2 remote freight, S3 VIP gift, S4 brushing-risk hold, S9 the
cross-border CE check sub-flow answered by ``service_responded``."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from runtime.service import InputError
from tests.runtime.service.support import (
    SKUS,
    instance,
    make_runtime,
    order,
    outbox,
    outcomes,
    paid,
    path,
    publish,
    seed,
    stages,
    step,
)

TIBET = {"province": "西藏", "city": "拉萨", "district": "城关区", "detail": "北京中路 1 号", "phone": "13900000002"}


def test_s2_remote_province_tags_adds_the_computed_surcharge_and_notifies_through_the_outbox(world):
    rt, _ = world
    order_id = paid(rt, address=TIBET)
    got = rt.get_order(order_id)
    assert got["tags"] == ["remote-freight"] and got["region"] == "west"
    assert got["surcharges"] == [{"code": "remote-freight", "label": "偏远地区运费", "amount": "22.20",
                                  "source": "remote-freight/add_freight"}]
    flow = instance(rt.timeline(order_id), "remote-freight")
    assert path(flow) == [("trigger", "start"), ("tag_remote", "next"), ("add_freight", "next"),
                          ("notify_customer", "next"), ("done", None)]
    [note] = outbox(rt.db, "notify")
    assert note.idempotency_key == step(flow, "notify_customer")["explanation"]["idempotency_key"]
    assert note.connection_name == "sms" and note.status == "pending" and note.order_id == order_id
    assert note.payload["data"]["message"] == f"您的订单 {order_id} 寄往偏远地区，已按规则加收运费。"
    assert note.payload["data"]["customer"] == "C-1" and note.payload["channel_order_no"] == "TM1001"


def test_s2_other_provinces_are_not_applicable(rt):
    order_id = paid(rt)
    assert outcomes(rt.timeline(order_id), "intake")["remote-freight"] == ("not_applicable", "not_applicable")
    assert rt.get_order(order_id)["surcharges"] == [] and outbox(rt.db) == []


def vip(**customer):
    return {"id": "C-VIP", "name": "韩梅梅", "phone": "13800000009", "tier": "VIP", **customer}


def test_s3_vip_gift_is_added_and_ships_from_the_main_items_warehouse(rt):
    order_id = paid(rt, customer=vip())
    got = rt.get_order(order_id)
    gift = got["lines"][-1]
    assert (gift["sku"], gift["gift"], gift["ship_with_main"], gift["price"]) == ("GIFT-VIP-01", True, True, "0.00")
    assert {line["warehouse"] for line in got["lines"]} == {"gz"}  # VIP weights pick gz (S5)
    assert sorted((r["sku"], r["warehouse"]) for r in got["reservations"]) == [
        ("CUP-02", "gz"), ("GIFT-VIP-01", "gz"), ("TEA-01", "gz")]
    assert outcomes(rt.timeline(order_id), "intake")["vip-gift"] == ("completed", "gift_added")


def test_s3_in_a_split_the_gift_rides_with_the_main_part(sdb, clock):
    seed(sdb, stock={"hz": {"TEA-01": 9, "GIFT-VIP-01": 5}, "gz": {"CUP-02": 9}})
    publish(sdb, "s3-vip-gift", "s5-multi-factor-routing")
    rt, _ = make_runtime(sdb, clock)
    got = rt.get_order(paid(rt, customer=vip()))
    assert got["status"] == "routed" and sorted(got["routed_warehouses"]) == ["gz", "hz"]
    assert {line["sku"]: line["warehouse"] for line in got["lines"]} == {
        "TEA-01": "hz", "CUP-02": "gz", "GIFT-VIP-01": "hz"}


def brushing_order(number: str, detail: str, minutes: int, rt, clock) -> int:
    clock.now = clock.now.replace(hour=9) + timedelta(minutes=minutes)
    return paid(rt, number, customer={"id": "C-BRUSH", "phone": "13700000007", "tier": "NORMAL"},
                address={"province": "浙江", "city": "杭州", "district": "西湖区", "detail": detail,
                         "phone": "13700000007"}, coupon_used=True, coupon_codes=["NEW10"])


def test_s4_two_addresses_in_24h_pass(world, clock):
    rt, _ = world
    brushing_order("TM-B1", "文一路 1 号", 0, rt, clock)
    brushing_order("TM-B2", "文二路 2 号", 10, rt, clock)
    third = brushing_order("TM-B3", "文一路 1 号", 20, rt, clock)  # an address used before: still 2
    flow = instance(rt.timeline(third), "brushing-risk")
    assert flow["outcome"] == "passed"
    assert rt.get_order(third)["status"] == "routed" and rt.list_tasks(group="risk") == []


def test_s4_three_addresses_all_with_coupons_hold_the_order_for_the_risk_group_then_release(world, clock):
    rt, _ = world
    brushing_order("TM-B1", "文一路 1 号", 0, rt, clock)
    brushing_order("TM-B2", "文二路 2 号", 10, rt, clock)
    third = brushing_order("TM-B3", "文三路 3 号", 20, rt, clock)
    got = rt.get_order(third)
    assert got["status"] == "held" and got["hold_reason"] == "疑似刷单：24 小时内多地址且均用券"
    timeline = rt.timeline(third)
    assert stages(timeline) == ["intake"]
    assert [i["flow"] for i in timeline["stages"][0]["instances"]] == ["brushing-risk"]  # the stage waits
    flow = instance(timeline, "brushing-risk")
    check = step(flow, "risk_check")["explanation"]
    assert check["result"] is True and flow["status"] == "waiting"
    [task] = rt.list_tasks(group="risk")
    assert task["form"][0]["name"] == "finding"

    with pytest.raises(InputError) as missing:
        rt.decide_task(task["id"], "approved", {}, "u-risk")
    assert missing.value.path == "form.finding"
    with pytest.raises(InputError) as bad:
        rt.decide_task(task["id"], "approved", {"finding": "看着还行"}, "u-risk")
    assert bad.value.code == "RUN_FORM_INVALID"

    rt.decide_task(task["id"], "approved", {"finding": "正常购买"}, "u-risk")
    got = rt.get_order(third)
    assert got["status"] == "routed" and got["hold_reason"] is None
    timeline = rt.timeline(third)
    assert stages(timeline) == ["intake", "approval", "routing"]
    assert instance(timeline, "brushing-risk")["outcome"] == "released"
    assert [c["to"] for c in timeline["status_changes"]] == ["paid", "held", "paid", "approved", "routed"]


def test_s4_rejected_by_risk_cancels(world, clock):
    rt, _ = world
    for n, detail in enumerate(("文一路 1 号", "文二路 2 号", "文三路 3 号")):
        last = brushing_order(f"TM-B{n}", detail, n * 10, rt, clock)
    [task] = rt.list_tasks(group="risk")
    rt.decide_task(task["id"], "rejected", {"finding": "刷单"}, "u-risk")
    got = rt.get_order(last)
    assert got["status"] == "cancelled" and got["cancel_reason"] == "风控审核判定刷单"


def de_order(number: str = "DE-1", medical: str | None = "IIa") -> dict:
    return {"address": {"province": "Bayern", "city": "München", "region": "east", "country": "DE",
                        "detail": "Leopoldstraße 1", "phone": "+49 89 1234"},
            "lines": [{"sku": "MED-IIA", "name": "血糖仪", "qty": 1, "price": "800.00", "weight_kg": 0.4,
                       "medical_class": medical}], "total": "800.00"}


def test_s9_de_with_a_class_iia_item_runs_the_ce_subflow_before_routing(world):
    rt, _ = world
    order_id = paid(rt, "DE-1", **de_order())
    timeline = rt.timeline(order_id)
    assert stages(timeline) == ["intake"] and rt.get_order(order_id)["status"] == "paid"
    parent = instance(timeline, "cross-border-compliance")
    child = instance(timeline, "ce-certificate-check")
    assert parent["status"] == "waiting" and child["status"] == "waiting"
    assert child["parent_instance_id"] == parent["id"] and child["parent_node"] == "ce_check"
    [call] = outbox(rt.db, "call_service")
    assert call.connection_name == "compliance" and call.instance_id == child["id"]
    assert call.payload["data"]["body"] == {"country": "DE", "order_id": str(order_id), "skus": ["MED-IIA"]}

    rt.service_responded(call.idempotency_key, True, 200, {"valid": True}, None)
    rt.service_responded(call.idempotency_key, True, 200, {"valid": True}, None)  # a redelivery: ignored
    timeline = rt.timeline(order_id)
    assert instance(timeline, "ce-certificate-check")["outcome"] == "passed"
    parent = instance(timeline, "cross-border-compliance")
    assert parent["outcome"] == "compliant"
    assert step(parent, "ce_check")["explanation"]["outcome"] == "passed"
    assert rt.get_order(order_id)["status"] == "routed"


def test_s9_failed_certificates_hold_the_order_until_an_operator_releases_it(world):
    rt, _ = world
    order_id = paid(rt, "DE-2", **de_order("DE-2"))
    [call] = outbox(rt.db, "call_service")
    rt.service_responded(call.idempotency_key, True, 200, {"valid": False}, None)
    got = rt.get_order(order_id)
    assert got["status"] == "held" and got["hold_reason"] == "CE 证书检查未通过"
    assert outcomes(rt.timeline(order_id), "intake")["cross-border-compliance"] == ("completed", "held")
    assert rt.get_order(order_id)["stage"] == "intake"  # the rest of intake waits for the release

    released = rt.release_hold(order_id, "证书已人工核验", "u-ops")
    assert released["status"] == "routed"
    assert [c["to"] for c in rt.timeline(order_id)["status_changes"]] == [
        "paid", "held", "paid", "approved", "routed"]


def test_s9_other_orders_skip_the_check(rt):
    order_id = paid(rt, "DE-3", **de_order("DE-3", medical="I"))
    assert outcomes(rt.timeline(order_id), "intake")["cross-border-compliance"] == ("not_applicable",
                                                                                    "not_applicable")
    assert outbox(rt.db, "call_service") == [] and rt.get_order(order_id)["status"] == "routed"


def test_every_sku_of_the_seed_is_stocked(rt):
    assert "MED-IIA" in SKUS and Decimal(order()["total"]) == Decimal("1200.00")
