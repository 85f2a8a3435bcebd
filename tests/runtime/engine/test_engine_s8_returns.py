"""S8 channel return policies: reason classified by keyword rows, then one branch per channel and customer."""

from __future__ import annotations

import pytest

from runtime.engine import events, run
from tests.runtime.engine.support import customer, effect, kinds, later, order, path, snapshot, start, step, template

S8 = "s8-channel-returns"


def returning(reason="尺码偏大，想退", channel="tmall", tier="NORMAL", days=3, receipt=True):
    request = {"id": "R-77", "reason_text": reason, "reason_code": "", "requested_at": "2026-03-02T09:00:00+08:00",
               "days_since_delivery": days, "has_receipt": receipt, "amount": "299.00",
               "items": [{"sku": "TEA-01", "qty": 1, "price": "299.00"}]}
    return snapshot(order(channel=channel), customer(tier=tier), return_request=request)


@pytest.mark.parametrize(("text", "row", "kind"), [
    ("尺码偏大，想退", 0, "size"), ("实物有色差", 1, "colour"), ("收到就开线了，质量太差", 2, "quality")])
def test_s8_reason_text_is_classified_by_the_first_matching_keyword_row(text, row, kind):
    result = start(template(S8), returning(reason=text, channel="douyin"))
    explained = step(result, "classify_reason")["explanation"]
    assert explained["rows"] == [{"index": row, "note": ""}] and explained["outputs"] == {"reason_class": kind}
    assert explained["inputs"] == [{"name": "reason", "expression": "return_request.reason_text", "value": text}]
    assert result.state["vars"]["reason_class"] == kind


def test_s8_unmatched_reason_is_other_by_default():
    explained = step(start(template(S8), returning(reason="不想要了", channel="douyin")), "classify_reason")
    assert explained["explanation"]["rows"] == [] and explained["explanation"]["outputs"] == {"reason_class": "other"}
    assert explained["port"] == "next"


def test_s8_vip_gets_door_pickup_and_an_exchange_offered_before_the_refund():
    result = start(template(S8), returning(tier="VIP", channel="douyin"))
    assert step(result, "by_channel")["explanation"]["port"] == "vip"
    disposition = effect(result, "return.disposition")
    assert disposition["resolution"] == "refund" and disposition["offer_first"] == ["exchange"]
    assert disposition["pickup"] == "door" and disposition["amount"] == "299.00"
    assert effect(result, "return.pickup") == {"order": "O-1001", "return_request": "R-77", "method": "door"}


def test_s8_douyin_within_7_days_is_refunded_automatically():
    result = start(template(S8), returning(channel="douyin", days=7))
    assert path(result)[1:3] == [("by_channel", "douyin"), ("douyin_refund", "next")]
    switch = step(result, "by_channel")["explanation"]
    assert switch["matched"] == 1 and switch["not_matched"] == [{"port": "vip", "expression": 'customer.tier == "VIP"'}]
    assert effect(result, "return.disposition")["pickup"] == "dropoff" and result.state["outcome"] == "resolved"


def test_s8_douyin_after_7_days_goes_to_after_sales():
    result = start(template(S8), returning(channel="douyin", days=8))
    assert step(result, "by_channel")["port"] == "default" and effect(result, "task.create")["group"] == "after-sales"


@pytest.mark.parametrize(("receipt", "days", "resolution"), [(True, 30, "refund"), (False, 3, "reject"),
                                                             (True, 31, "reject")])
def test_s8_store_returns_need_a_receipt_within_30_days(receipt, days, resolution):
    result = start(template(S8), returning(channel="pos", receipt=receipt, days=days))
    assert step(result, "by_channel")["port"] == "pos"
    assert effect(result, "return.disposition")["resolution"] == resolution
    assert step(result, "pos_check")["explanation"]["result"] is (resolution == "refund")


def test_s8_other_channels_wait_for_after_sales_whose_decision_resolves_it():
    snap = returning(channel="tmall")
    first = start(template(S8), snap)
    assert first.state["status"] == "waiting" and kinds(first) == ["task.create", "timer.schedule"]
    done = run(template(S8), first.state, events.task_decided(effect(first, "task.create")["task"], "rejected",
                                                              actor="u-as"), snap, later(3))
    assert effect(done, "return.disposition") == {
        "order": "O-1001", "return_request": "R-77", "resolution": "reject", "offer_first": [], "pickup": "none",
        "amount": None, "reason": ""}
    assert done.state["outcome"] == "resolved"
