"""Segment expressions: checked like any expression over the order model; an order they cannot be evaluated
for, or a segment that no longer compiles, keeps the order on the active version (never an error)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from runtime.release.segments import matches, segment_problems

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def _env(**customer):
    return {"order": {"total": "100.00"}, "customer": customer, "return_request": None, "context": {}, "vars": {}}


def test_a_segment_is_a_boolean_over_the_order_model():
    assert segment_problems("customer.new == true") == []
    assert [p.code for p in segment_problems("customer.nwe == true")]
    assert segment_problems("order.total")  # a number, not a yes/no
    assert segment_problems("")


def test_orders_in_and_out_of_the_segment():
    assert matches("customer.new == true", _env(new=True), NOW) is True
    assert matches("customer.new == true", _env(new=False), NOW) is False
    assert matches('customer.tier == "VIP"', _env(new=True), NOW) is False, "a missing value keeps it out"
    assert matches("customer.nwe == true", _env(new=True), NOW) is False, "a segment that does not compile"
