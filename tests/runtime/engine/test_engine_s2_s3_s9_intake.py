"""S2 remote freight, S3 VIP gift and S9 cross-border compliance (with the CE sub-flow), from the templates."""

from __future__ import annotations

from runtime.engine import events, run
from tests.runtime.engine.support import (
    customer,
    effect,
    kinds,
    later,
    order,
    path,
    roundtrip,
    snapshot,
    start,
    step,
    template,
)

S2, S3 = "s2-remote-freight", "s3-vip-gift"
S9, CE = "s9-cross-border-compliance", "s9-ce-certificate-check"


def tibet():
    return snapshot(order(address={**order()["address"], "province": "西藏", "city": "拉萨", "region": "west"}))


def test_s2_remote_province_tags_adds_a_surcharge_by_weight_and_notifies_the_customer():
    result = start(template(S2), tibet())
    assert kinds(result) == ["order.tag", "order.add_surcharge", "notify"]
    assert effect(result, "order.tag") == {"order": "O-1001", "tag": "remote-freight"}
    # 12 + (0.5 + 1.2 kg) × 6
    assert effect(result, "order.add_surcharge")["surcharge"] == {"code": "remote-freight", "label": "偏远地区运费",
                                                                 "amount": "22.2"}
    notify = effect(result, "notify")
    assert notify["to"] == "customer" and notify["customer"] == "C-1" and notify["channel"] == "sms"
    assert notify["message"] == "您的订单 O-1001 寄往偏远地区，已按规则加收运费。"
    assert result.state["outcome"] == "surcharged"


def test_s2_notify_has_a_stable_idempotency_key():
    first, again = start(template(S2), tibet()), start(template(S2), tibet())
    keys = [e.key for e in first.effects]
    assert keys == ["i-1/tag_remote/2", "i-1/add_freight/3", "i-1/notify_customer/4"]
    assert keys == [e.key for e in again.effects]
    assert step(first, "notify_customer")["explanation"]["idempotency_key"] == "i-1/notify_customer/4"
    other = start(template(S2), tibet(), instance="i-2")
    assert [e.key for e in other.effects][-1] == "i-2/notify_customer/4"


def test_s2_other_provinces_are_not_applicable():
    assert start(template(S2), snapshot()).state["status"] == "not_applicable"


def test_s3_vip_order_gets_a_gift_line_that_ships_with_the_main_items():
    result = start(template(S3), snapshot(customer_=customer(tier="VIP")))
    assert effect(result, "order.add_line")["line"] == {
        "sku": "GIFT-VIP-01", "name": "VIP 专属礼盒", "qty": 1, "price": "0", "gift": True, "ship_with_main": True}
    assert result.state["outcome"] == "gift_added"


def test_s3_non_vip_is_not_applicable():
    assert start(template(S3), snapshot()).state["status"] == "not_applicable"


def medical(country="DE", medical_class="IIa"):
    line = {"sku": "MASK-9", "name": "医用雾化器", "qty": 1, "price": "899.00", "weight_kg": 1.0,
            "medical_class": medical_class, "cold_chain": False, "gift": False}
    return snapshot(order(lines=[line], address={**order()["address"], "country": country}))


def test_s9_germany_with_a_class_iia_item_runs_the_ce_subflow_then_continues_by_its_outcome():
    first = start(template(S9), medical())
    call = effect(first, "subflow.start")
    assert call["flow"] == "ce-certificate-check" and call["binding"] == "active" and call["version"] is None
    assert call["parent"] == {"instance": "i-1", "node": "ce_check"} and first.state["status"] == "waiting"
    passed = run(template(S9), roundtrip(first.state), events.subflow_ended(call["call"], "passed"), medical(),
                 later(1))
    assert passed.state["outcome"] == "compliant" and step(passed, "ce_check")["port"] == "passed"
    failed = run(template(S9), roundtrip(first.state), events.subflow_ended(call["call"], "failed"), medical(),
                 later(1))
    assert path(failed)[-2:] == [("hold_order", "next"), ("held", None)] and "order.hold" in kinds(failed)


def test_s9_other_orders_skip_the_check():
    assert start(template(S9), medical(country="FR")).state["status"] == "not_applicable"
    assert start(template(S9), medical(medical_class="I")).state["status"] == "not_applicable"


def test_s9_ce_subflow_calls_the_compliance_service_and_reads_its_answer():
    first = start(template(CE), medical(), instance="sub-1")
    call = effect(first, "call_service")
    assert call["connection"] == "compliance" and call["method"] == "POST" and call["path"] == "/ce-certificates/check"
    assert call["body"] == {"country": "DE", "order_id": "O-1001", "skus": ["MASK-9"]}
    valid = run(template(CE), roundtrip(first.state), events.service_responded(call["call"], True, {"valid": True}),
                medical(), later(0.1))
    assert valid.state["outcome"] == "passed" and valid.state["vars"]["ce"] == {"valid": True}
    invalid = run(template(CE), first.state, events.service_responded(call["call"], True, {"valid": False}),
                  medical(), later(0.1))
    assert invalid.state["outcome"] == "failed"


def test_s9_ce_service_error_takes_the_error_port():
    first = start(template(CE), medical(), instance="sub-1")
    call = effect(first, "call_service")["call"]
    failed = run(template(CE), first.state,
                 events.service_responded(call, False, status=503, error={"code": "UNAVAILABLE", "message": "down"}),
                 medical(), later(0.1))
    assert failed.state["outcome"] == "failed" and step(failed, "query_certificates")["port"] == "error"
    assert failed.state["vars"]["ce"]["error"]["code"] == "UNAVAILABLE"
