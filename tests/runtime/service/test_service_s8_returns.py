"""S8 channel return policies through the pipeline's return stage: reason classified and recorded,
Douyin 7-day auto refund, store receipt rule, VIP door pickup with exchange first, the rest reviewed."""

from __future__ import annotations

import pytest

from runtime.service import Refused
from tests.runtime.service.support import instance, outbox, paid, path, stages, step

FLOW = "channel-returns"


def delivered(rt, clock, number: str, channel: str = "tmall", **fields) -> int:
    order_id = rt.ingest(channel, f"paid-{number}", "order.paid",
                         {**_order(number, channel), **fields})["order_id"]
    rt.ingest(channel, f"ship-{number}", "order.shipped", {"order_id": order_id})
    rt.ingest(channel, f"deliver-{number}", "order.delivered", {"order_id": order_id})
    return order_id


def _order(number: str, channel: str) -> dict:
    from tests.runtime.service.support import order

    return order(number, channel=channel)


def request_return(rt, order_id: int, reason: str, **fields) -> dict:
    return rt.ingest("returns", f"return-{order_id}-{reason}", "return.requested",
                     {"order_id": order_id, "return": {"reason_text": reason, **fields}})


def test_s8_douyin_within_7_days_is_refunded_automatically_and_the_reason_is_classified(rt, clock):
    order_id = delivered(rt, clock, "DY-1", "douyin")
    clock.advance(days=3)
    request_return(rt, order_id, "尺码偏大，穿不上")
    got = rt.get_order(order_id)
    assert got["status"] == "returned"
    [request] = got["return_requests"]
    assert (request["reason_code"], request["disposition"], request["status"]) == ("size", "refund", "approved")
    timeline = rt.timeline(order_id)
    assert stages(timeline)[-1] == "return"
    flow = instance(timeline, FLOW)
    assert path(flow)[:3] == [("classify_reason", "next"), ("by_channel", "douyin"), ("douyin_refund", "next")]
    assert step(flow, "classify_reason")["explanation"]["outputs"] == {"reason_class": "size"}
    [disposition] = outbox(rt.db, "return.disposition")
    assert disposition.payload["data"]["resolution"] == "refund" and disposition.payload["data"]["amount"] == "1200.00"
    [pickup] = outbox(rt.db, "return.pickup")
    assert pickup.payload["data"]["method"] == "dropoff" and pickup.connection_name == "returns"


def test_s8_douyin_after_7_days_goes_to_after_sales_review(rt, clock):
    order_id = delivered(rt, clock, "DY-2", "douyin")
    clock.advance(days=9)
    request_return(rt, order_id, "不想要了")
    assert rt.get_order(order_id)["status"] == "return_requested"
    [task] = rt.list_tasks(group="after-sales")
    rt.decide_task(task["id"], "approved", {}, "u-after-sales")
    got = rt.get_order(order_id)
    assert got["status"] == "returned" and got["return_requests"][0]["reason_code"] == "other"


@pytest.mark.parametrize(("receipt", "days", "status", "node"), [
    (True, 20, "returned", "pos_refund"), (False, 20, "delivered", "pos_reject"),
    (True, 31, "delivered", "pos_reject")])
def test_s8_store_needs_a_receipt_and_at_most_30_days(rt, clock, receipt, days, status, node):
    order_id = delivered(rt, clock, f"POS-{days}-{receipt}", "pos")
    clock.advance(days=days)
    request_return(rt, order_id, "颜色和图片有色差", has_receipt=receipt)
    got = rt.get_order(order_id)
    assert got["status"] == status and got["return_requests"][0]["reason_code"] == "colour"
    assert node in [n for n, _ in path(instance(rt.timeline(order_id), FLOW))]


def test_s8_vip_gets_door_pickup_and_exchange_offered_before_refund(rt, clock):
    order_id = delivered(rt, clock, "VIP-1", customer={"id": "C-VIP", "phone": "13800000009", "tier": "VIP"})
    clock.advance(days=2)
    request_return(rt, order_id, "质量有瑕疵，开线了")
    [disposition] = outbox(rt.db, "return.disposition")
    data = disposition.payload["data"]
    assert (data["offer_first"], data["pickup"], data["resolution"]) == (["exchange"], "door", "refund")
    assert rt.get_order(order_id)["return_requests"][0]["reason_code"] == "quality"


def test_a_return_needs_a_delivered_or_shipped_order(rt):
    order_id = paid(rt, "TM-NR")
    answer = request_return(rt, order_id, "不想要了")
    assert answer["status"] == "routed"  # the event was recorded and refused when processed
    with rt.db.read() as session:
        from runtime.store.models import InboundEvent

        event = session.query(InboundEvent).filter_by(kind="return.requested").one()
        assert event.status == "failed" and event.response["error"]["code"] == "RUN_ORDER_STATE"
    assert Refused.status == 409


@pytest.mark.parametrize("channel", ["tmall", "pdd", "miniprogram"])
def test_s8_other_channels_are_reviewed_by_after_sales(rt, clock, channel):
    order_id = delivered(rt, clock, f"{channel.upper()}-R", channel)
    clock.advance(days=1)
    request_return(rt, order_id, "不喜欢")
    [task] = rt.list_tasks(group="after-sales", order_id=order_id)
    rt.decide_task(task["id"], "rejected", {}, "u-after-sales")
    got = rt.get_order(order_id)
    assert got["status"] == "delivered" and got["return_requests"][0]["disposition"] == "reject"
    assert ("by_channel", "default") in path(instance(rt.timeline(order_id), FLOW))
