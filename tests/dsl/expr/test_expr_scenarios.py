"""Expressions from the field scenarios (SCENARIOS.md) against sample orders."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests_expr_support import CLOCK

from dsl.expr import check_expression, compile_expression

S1_HIGH_VALUE = "order.total > 5000"
S2_REMOTE = "order.address.province in [\"西藏\", \"新疆\", \"青海\"]"
S2_SURCHARGE = "round(sum(order.lines.weight_kg * order.lines.qty) * 8, 2)"
S4_BRUSHING = ("customer.stats_24h.distinct_addresses >= 3 "
               "and customer.stats_24h.coupon_orders >= customer.stats_24h.orders and order.coupon_used")
S7_WEATHER_FACTOR = ("if context.weather[order.address.region].level >= 3 and candidate.cold_chain "
                     "then 0.5 else 1")
S8_DOUYIN_AUTO_REFUND = "order.channel == \"douyin\" and return_request.days_since_delivery <= 7"
S8_POS_NEEDS_RECEIPT = ("order.channel == \"pos\" and (not return_request.has_receipt "
                        "or return_request.days_since_delivery > 30)")
S9_CE_CHECK = "order.address.country == \"DE\" and any(order.lines.medical_class == \"IIa\")"
S11_SEGMENT = "customer.new == true"


def evaluate(text, scope, env, expected="boolean"):
    """Compile against ``scope`` and evaluate on ``env`` at the fixed clock."""
    return compile_expression(text, scope, expected).evaluate(env, CLOCK)


@pytest.mark.parametrize(("total", "needs_finance"), [(Decimal("5000.00"), False), (Decimal("5000.01"), True),
                                                      (6200, True), (4999.99, False)])
def test_s1_high_value_orders_need_finance_approval(total, needs_finance, scope, env):
    env["order"]["total"] = total
    assert evaluate(S1_HIGH_VALUE, scope, env) is needs_finance


def test_s2_remote_province_surcharge(scope, env):
    assert evaluate(S2_REMOTE, scope, env) is False
    env["order"]["address"]["province"] = "西藏"
    assert evaluate(S2_REMOTE, scope, env) is True
    assert evaluate(S2_SURCHARGE, scope, env, "number") == Decimal("24.80")  # (0.8*2 + 1.5*1) * 8


@pytest.mark.parametrize(("addresses", "coupon_orders", "coupon", "hold"), [
    (3, 4, True, True), (2, 4, True, False), (3, 3, True, False), (5, 4, False, False)])
def test_s4_brushing_risk_hold(addresses, coupon_orders, coupon, hold, scope, env):
    env["customer"]["stats_24h"].update(distinct_addresses=addresses, coupon_orders=coupon_orders, orders=4)
    env["order"]["coupon_used"] = coupon
    assert evaluate(S4_BRUSHING, scope, env) is hold


@pytest.mark.parametrize(("region", "cold_chain", "weight"), [
    ("east", True, Decimal("0.5")), ("east", False, Decimal(1)), ("north", True, Decimal(1)),
    ("nowhere", True, Decimal(1))])
def test_s7_weather_lowers_cold_chain_carriers(region, cold_chain, weight, scope, env):
    route_scope = scope.with_bindings(candidate="candidate")
    env["order"]["address"]["region"] = region
    env["candidate"] = {"id": "SF-COLD", "cold_chain": cold_chain}
    assert evaluate(S7_WEATHER_FACTOR, route_scope, env, "number") == weight


def test_s7_needs_the_candidate_binding(scope):
    (found,) = check_expression(S7_WEATHER_FACTOR, scope, "number")
    assert found.code == "EXPR_UNKNOWN_NAME"


@pytest.mark.parametrize(("channel", "days", "receipt", "auto_refund", "reject"), [
    ("douyin", 5, False, True, False), ("douyin", 8, True, False, False),
    ("pos", 10, True, False, False), ("pos", 10, False, False, True), ("pos", 31, True, False, True)])
def test_s8_channel_return_policies(channel, days, receipt, auto_refund, reject, scope, env):
    env["order"]["channel"] = channel
    env["return_request"].update(days_since_delivery=days, has_receipt=receipt)
    assert evaluate(S8_DOUYIN_AUTO_REFUND, scope, env) is auto_refund
    assert evaluate(S8_POS_NEEDS_RECEIPT, scope, env) is reject


@pytest.mark.parametrize(("country", "classes", "check"), [
    ("DE", ["IIa", None], True), ("DE", ["I", "IIb"], False), ("CN", ["IIa"], False), ("DE", [], False)])
def test_s9_cross_border_ce_check(country, classes, check, scope, env):
    env["order"]["address"]["country"] = country
    env["order"]["lines"] = [{"sku": f"M{i}", "qty": 1, "medical_class": c} for i, c in enumerate(classes)]
    assert evaluate(S9_CE_CHECK, scope, env) is check


def test_s11_segment_expression(scope, env):
    assert evaluate(S11_SEGMENT, scope, env) is False
    env["customer"]["new"] = True
    assert evaluate(S11_SEGMENT, scope, env) is True


@pytest.mark.parametrize("text", [S1_HIGH_VALUE, S2_REMOTE, S4_BRUSHING, S8_DOUYIN_AUTO_REFUND,
                                  S8_POS_NEEDS_RECEIPT, S9_CE_CHECK, S11_SEGMENT])
def test_scenario_conditions_check_clean(text, scope):
    assert check_expression(text, scope, "boolean") == []
