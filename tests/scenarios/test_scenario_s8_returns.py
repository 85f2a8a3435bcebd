"""S8 channel return policies per channel, with the reason text classified by keyword rows, over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest

FLOW = "channel-returns"


def delivered_order(world, *, channel="tmall", tier="NORMAL", customer="C-1", days_ago=3):
    """An order routed, shipped and delivered ``days_ago`` days before the clock's now."""
    order_id = world.place(channel=channel, tier=tier, customer=customer)
    world.ingest("order.shipped", {"order_id": order_id})
    world.ingest("order.delivered", {"order_id": order_id})
    assert world.order(order_id)["status"] == "delivered"
    return order_id, (world.clock.now - timedelta(days=days_ago)).isoformat()


def request_return(world, order_id, delivered_at, reason, *, receipt=False):
    world.ingest("return.requested", {"order_id": order_id, "return": {
        "reason_text": reason, "has_receipt": receipt, "delivered_at": delivered_at,
        "items": [{"sku": "TEA-01", "qty": 1, "price": "500.00"}], "amount": "500.00"}})
    assert world.stages(order_id)[-1] == "return"
    return world.path(order_id, FLOW)


def classified(world, order_id):
    table = world.step(order_id, FLOW, "classify_reason")["explanation"]
    return table["outputs"]["reason_class"] if isinstance(table["outputs"], dict) else table["outputs"]


@pytest.mark.parametrize(("reason", "expected"), [("尺码偏大，换小一号", "size"), ("颜色和图片有色差", "colour"),
                                                  ("收到就破损了", "quality"), ("不想要了", "other")])
def test_s8_the_reason_text_is_classified_by_keyword_rows_and_recorded(world, reason, expected):
    order_id, delivered = delivered_order(world, channel="douyin")
    request_return(world, order_id, delivered, reason)
    assert classified(world, order_id) == expected


def test_s8_douyin_no_reason_return_within_7_days_is_refunded_automatically(world):
    order_id, delivered = delivered_order(world, channel="douyin", days_ago=5)
    path = request_return(world, order_id, delivered, "不想要了")
    assert path[-3:] == [("by_channel", "douyin"), ("douyin_refund", "next"), ("done", None)]
    refund = world.step(order_id, FLOW, "douyin_refund")["explanation"]
    assert refund["resolution"] == "refund"
    assert world.instance(order_id, FLOW)["outcome"] == "resolved"
    assert world.tasks(group="after-sales") == []


def test_s8_douyin_after_7_days_goes_to_after_sales_who_decide(world):
    order_id, delivered = delivered_order(world, channel="douyin", days_ago=10)
    path = request_return(world, order_id, delivered, "质量有瑕疵")
    assert path[-1] == ("after_sales_review", None)
    [task] = world.tasks(group="after-sales", status="open")
    world.post(f"/api/tasks/{task['id']}/decide", {"decision": "approved"}, user="cs-zhou")
    assert world.path(order_id, FLOW)[-2:] == [("manual_refund", "next"), ("done", None)]
    assert world.step(order_id, FLOW, "after_sales_review")["actor"] == "cs-zhou"


def test_s8_store_returns_need_a_receipt_and_30_days(world):
    with_receipt, delivered = delivered_order(world, channel="pos", days_ago=20)
    path = request_return(world, with_receipt, delivered, "尺码不合适", receipt=True)
    assert path[-4:] == [("by_channel", "pos"), ("pos_check", "yes"), ("pos_refund", "next"), ("done", None)]

    without, delivered = delivered_order(world, channel="pos", days_ago=2)
    path = request_return(world, without, delivered, "尺码不合适", receipt=False)
    assert path[-3:] == [("pos_check", "no"), ("pos_reject", "next"), ("done", None)]
    assert world.step(without, FLOW, "pos_reject")["explanation"]["resolution"] == "reject"

    too_late, delivered = delivered_order(world, channel="pos", days_ago=45)
    assert request_return(world, too_late, delivered, "不想要了", receipt=True)[-3][1] == "no"


def test_s8_vip_gets_door_pickup_and_an_exchange_offered_before_the_refund(world):
    order_id, delivered = delivered_order(world, channel="douyin", tier="VIP", customer="C-VIP", days_ago=2)
    path = request_return(world, order_id, delivered, "颜色不喜欢")
    assert path[-3:] == [("by_channel", "vip"), ("vip_exchange", "next"), ("done", None)]
    offer = world.step(order_id, FLOW, "vip_exchange")["explanation"]
    assert offer["pickup"] == "door" and offer["offer_first"] == ["exchange"] and offer["resolution"] == "refund"


def test_a_return_for_an_order_not_delivered_is_refused(world):
    order_id = world.place()
    answer = world.ingest("return.requested", {"order_id": order_id, "return": {"reason_text": "x"}})
    assert answer["order_id"] == order_id
    assert world.order(order_id)["status"] == "routed", "the event is recorded as failed; the order is unchanged"
