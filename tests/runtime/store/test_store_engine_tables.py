"""Storage primitives of the engine: idempotent events, outbox, version choices, customers (leases:
``test_store_leases.py``)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from store_seed import T0, make_instance, make_order, seed_master

from runtime.store.customers import address_hash, customer_stats_24h, fingerprint, normalise_phone
from runtime.store.events import next_event_seq, receive_event, record_response
from runtime.store.models import Customer, FlowVersion, Instance, OutboxEffect, Step, VersionChoice
from runtime.store.outbox import claim_due_effects, discard, enqueue_effect, mark_delivered, mark_failed, redrive


def test_an_event_is_stored_once_and_numbered_per_order(db):
    with db.transaction() as s:
        seed_master(s)
        order_id = make_order(s, 1).id
        other_id = make_order(s, 2).id
    with db.transaction() as s:
        paid = receive_event(s, source="tmall", event_id="e-1", kind="order.paid", payload={"x": 1},
                             order_id=order_id, now=T0)
        assert (paid.duplicate, paid.seq) == (False, 1)
        record_response(s, paid.id, {"order_id": order_id, "accepted": True}, now=T0)
    with db.transaction() as s:
        again = receive_event(s, source="tmall", event_id="e-1", kind="order.paid", payload={"x": 2},
                              order_id=order_id)
        assert (again.id, again.duplicate, again.seq, again.status) == (paid.id, True, 1, "processed")
        assert again.response == {"order_id": order_id, "accepted": True}
        assert receive_event(s, source="tmall", event_id="e-2", kind="order.cancelled", payload={},
                             order_id=order_id).seq == 2
        assert receive_event(s, source="douyin", event_id="e-1", kind="order.paid", payload={},
                             order_id=other_id).seq == 1  # event ids are per source; seq per order
        assert next_event_seq(s, order_id) == 3
        with pytest.raises(LookupError):
            next_event_seq(s, 999_999)


def test_outbox_keys_retries_dead_letters_and_redrive(db, sample_flow):
    with db.transaction() as s:
        seed_master(s)
        order_id = make_order(s, 1).id
        effect = enqueue_effect(s, kind="notify", idempotency_key="i1:notify:1", payload={"text": "hi"},
                                connection_name="sms", order_id=order_id, now=T0)
        assert enqueue_effect(s, kind="notify", idempotency_key="i1:notify:1", payload={}, now=T0) == effect
    with db.transaction() as s:
        [claimed] = claim_due_effects(s, T0, visibility=timedelta(seconds=30))
        assert (claimed.id, claimed.attempts, claimed.payload) == (effect, 1, {"text": "hi"})
        assert claim_due_effects(s, T0 + timedelta(seconds=29)) == []  # hidden while being delivered
        assert mark_failed(s, effect, "HTTP 503", T0, max_attempts=2) == "pending"
    with db.transaction() as s:
        assert claim_due_effects(s, T0 + timedelta(seconds=4)) == []  # backoff 5 s after the first failure
        [claimed] = claim_due_effects(s, T0 + timedelta(seconds=5))
        assert claimed.attempts == 2
        assert mark_failed(s, effect, "HTTP 503", T0, max_attempts=2) == "dead"
        assert claim_due_effects(s, T0 + timedelta(days=1)) == []
    with db.transaction() as s:
        assert redrive(s, effect, T0) and not redrive(s, effect, T0)
        [claimed] = claim_due_effects(s, T0)
        assert mark_delivered(s, effect, T0) and not mark_delivered(s, effect, T0)
        assert not discard(s, effect)  # only dead letters can be discarded
        row = s.get(OutboxEffect, effect)
        assert (row.status, row.last_error, row.delivered_at) == ("delivered", None, T0)


def test_a_version_choice_is_made_once_per_flow_and_order(db, sample_flow):
    with db.transaction() as s:
        seed_master(s)
        order_id = make_order(s, 1).id
        instance = s.get(Instance, make_instance(s, sample_flow, order_id))
        version = s.get(FlowVersion, instance.flow_version_id)
        s.add(VersionChoice(flow_id=version.flow_id, order_id=order_id, flow_version_id=version.id, bucket=37))
        s.add(Step(instance_id=instance.id, order_id=order_id, seq=1, node_id="finance", node_type="approval",
                   started_at=T0, explanation={"kind": "approval", "group": "finance"}))
    with pytest.raises(IntegrityError), db.transaction() as s:
        s.add(VersionChoice(flow_id=version.flow_id, order_id=order_id, flow_version_id=version.id,
                            reason="candidate"))
    with db.read() as s:
        assert s.scalars(select(VersionChoice.reason)).all() == ["active"]


def test_fingerprints_normalise_phone_and_address():
    assert normalise_phone("+86 138-0013-8000") == normalise_phone("13800138000") == "13800138000"
    a = fingerprint("+86 138 0013 8000", "浙江省 杭州市 西湖区，文三路 100 号")
    b = fingerprint("13800138000", "浙江省杭州市西湖区文三路１００号")  # full-width digits, no spaces
    assert a == b and len(a) == 64
    assert fingerprint("13800138000", "浙江省杭州市西湖区文三路101号") != a


def test_customer_stats_over_the_last_24_hours(db):
    with db.transaction() as s:
        seed_master(s)
        customer = Customer(phone="13800138000", tier="GOLD", fingerprint=fingerprint("13800138000", "x"))
        s.add(customer)
        s.flush()
        for n, (hours_ago, address, coupon) in enumerate(
                [(1, "文三路1号", True), (2, "文三路 1 号", True), (5, "文三路2号", False),
                 (23, "文三路3号", True), (30, "文三路4号", True)]):
            make_order(s, n, customer_id=customer.id, created_at=T0 - timedelta(hours=hours_ago),
                       address_hash=address_hash(address), coupon_used=coupon, total=Decimal("10"))
        stats = customer_stats_24h(s, customer.id, T0)
    assert (stats.orders, stats.distinct_addresses, stats.coupon_orders) == (4, 3, 3)
