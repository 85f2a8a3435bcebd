"""Evaluating expressions against the sample order: Decimal money, lists, functions, durations, zoned time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, getcontext, localcontext
from zoneinfo import ZoneInfo

import pytest
from tests_expr_support import CLOCK, run

from dsl.expr import compile_expression
from dsl.expr.values import CTX, in_ctx

D = Decimal

ARITHMETIC = [
    ("0.1 + 0.2 == 0.3", True),
    ("0.1 + 0.2", D("0.3")),
    ("7 - 10", D("-3")),
    ("2 * 3 + 4", D("10")),
    ("2 * (3 + 4)", D("14")),
    ("10 / 4", D("2.5")),
    ("1 / 3 * 3", D("0.9999999999999999999999999999999999")),
    ("10 % 3", D("1")),
    ("-5 + 2", D("-3")),
    ("- -5", D("5")),
    ("'订单' + \"-\" + order.id", "订单-O-1001"),
    ("round(10 / 3, 2)", D("3.33")),
    ("round(2.5)", D("3")),
    ("abs(-4.5)", D("4.5")),
    ("floor(2.7) + ceil(2.1)", D("5")),
    ("order.total * 0.05", D("310.0000")),
]

COMPARISON_AND_LOGIC = [
    ("order.total > 5000", True),
    ("order.total >= 6200 and order.total <= 6200", True),
    ("order.total != 6200", False),
    ("customer.tier == \"VIP\"", True),
    ("customer.tier in [\"VIP\", \"GOLD\"]", True),
    ("customer.tier not in [\"VIP\", \"GOLD\"]", False),
    ("\"vip\" in order.tags", True),
    ("\"尺码\" in return_request.reason_text", True),
    ("\"west\" in context.weather", False),
    ("not order.coupon_used", False),
    ("order.coupon_used or 1 / 0 > 1", True),
    ("false and 1 / 0 > 1", False),
    ("order.paid_at == null", False),
    ("vars.missing == null", True),
    ("null < 5", False),
    ("\"apple\" < \"banana\"", True),
    ("if order.total > 5000 then \"finance\" else \"auto\"", "finance"),
    ("if customer.new then 1 else if customer.tier == \"VIP\" then 2 else 3", D("2")),
]

LISTS = [
    ("order.lines.sku", ["BP-200", "INS-10"]),
    ("order.lines.qty", [D(2), D(1)]),
    ("order.lines[0].sku", "BP-200"),
    ("order.lines[-1].sku", "INS-10"),
    ("order.lines[5].sku", None),
    ("order.lines.qty > 1", [True, False]),
    ("any(order.lines.medical_class == \"IIa\")", True),
    ("all(order.lines.medical_class == \"IIa\")", False),
    ("any(order.lines.cold_chain and not order.lines.gift)", True),
    ("count(order.lines)", D(2)),
    ("sum(order.lines.qty)", D(3)),
    ("sum(order.lines.price * order.lines.qty)", D("6200.00")),
    ("max(order.lines.price)", D("2800.00")),
    ("min(order.lines.weight_kg)", D("0.8")),
    ("avg([1, 2, 3, 4])", D("2.5")),
    ("max(3, 9, 4)", D(9)),
    ("len(order.tags) + len(\"abc\")", D(5)),
    ("count(distinct([\"a\", \"b\", \"a\"]))", D(2)),
    ("order.lines.sku in [\"BP-200\"]", [True, False]),
    ("[1, 2] == [1, 2]", True),
    ("sum([])", D(0)),
    ("all([])", True),
    ("context.weather[order.address.region].level", D(3)),
    ("context.warehouses[\"WH-BJ\"].status == \"closed\"", True),
    ("context.weather[\"nowhere\"].level", None),
]

TEXT = [
    ("lower(\"ABC\") + upper(\"d\")", "abcD"),
    ("contains(return_request.reason_text, \"尺码\")", True),
    ("contains(order.tags, \"vip\")", True),
    ("contains_any(return_request.reason_text, [\"颜色\", \"大一号\"])", True),
    ("starts_with(order.id, \"O-\") and ends_with(order.id, \"1001\")", True),
    ("trim(\"  x \")", "x"),
    ("number(\"12.50\") + 1", D("13.50")),
    ("string(order.total) + \"元\"", "6200.00元"),
    ("coalesce(vars.nothing, vars.surcharge, 0)", D(15)),
    ("'it\\'s' + \"\\t\" + \"\\u4e2d\"", "it's\t中"),
]

TIME = [
    ("now()", datetime(2024, 11, 11, 14, 0, tzinfo=ZoneInfo("Asia/Shanghai"))),
    ("4h + 30m", timedelta(hours=4, minutes=30)),
    ("2w == 14d", True),
    ("15s * 4 == 1m", True),
    ("7d / 1d", D(7)),
    ("now() - order.created_at", timedelta(hours=4, minutes=30)),
    ("now() - order.created_at > 4h", True),
    ("order.created_at + 1d > now()", True),
    ("hours_since(order.created_at)", D("4.5")),
    ("hours_between(order.created_at, order.paid_at) * 60", D("1.0000")),
    ("hours(90m)", D("1.5")),
    ("days_between(return_request.requested_at, now())", D(1)),
    ("hour(now())", D(14)),
    ("hour(zoned(now(), \"Europe/Berlin\"))", D(7)),
    ("weekday(now())", D(1)),
    ("order.created_at < \"2024-11-12T00:00:00+08:00\"", True),
    ("zoned(order.created_at, \"UTC\")", datetime(2024, 11, 11, 1, 30, tzinfo=UTC)),
]


@pytest.mark.parametrize(("text", "expected"), ARITHMETIC + COMPARISON_AND_LOGIC + LISTS + TEXT + TIME)
def test_evaluates_to(text, expected, scope, env):
    value = run(text, scope, env)
    assert value == expected
    assert type(value) is type(expected)


def test_numbers_are_decimal_never_float(scope, env):
    for text in ("1.5", "order.lines.weight_kg[0]", "customer.stats_24h.orders", "return_request.amount"):
        assert type(run(text, scope, env)) is Decimal, text


def test_datetimes_from_iso_text_are_aware(scope, env):
    value = run("order.created_at", scope, env)
    assert value == datetime(2024, 11, 11, 1, 30, tzinfo=UTC)
    env["order"]["created_at"] = "2024-11-11T09:30:00"  # no offset: read in Asia/Shanghai
    assert run("order.created_at", scope, env) == value


def test_now_comes_only_from_the_clock(scope, env):
    compiled = compile_expression("hours_since(order.created_at) > 4", scope)
    assert compiled.evaluate(env, CLOCK) is True
    assert compiled.evaluate(env, CLOCK - timedelta(hours=1)) is False


def test_compiled_expression_reports_its_type(scope):
    assert compile_expression("sum(order.lines.qty)", scope).type == "number"
    assert compile_expression("order.lines.sku", scope).type == "list<string>"
    assert compile_expression("order.total > 1", scope, expected="boolean").type == "boolean"


def test_without_scope_names_are_not_checked_but_values_still_work():
    compiled = compile_expression("vars.limit * 2 > total")
    assert compiled.evaluate({"vars": {"limit": 3}, "total": 5.5}, CLOCK) is True


def test_route_filters_read_the_candidate(scope, env):
    route = scope.with_bindings(candidate="candidate")
    compiled = compile_expression("candidate.status == \"open\" and candidate.load < 0.8", route, "boolean")
    assert compiled.evaluate({**env, "candidate": {"status": "open", "load": 0.5}}, CLOCK) is True
    assert compiled.evaluate({**env, "candidate": {"status": "closed", "load": 0.5}}, CLOCK) is False


def test_in_ctx_runs_with_the_language_context_and_gives_the_callers_back():
    """Operators inside ``in_ctx`` round like the language (34 digits), whatever the caller has set."""
    with localcontext() as caller:
        caller.prec = 5
        third = in_ctx(lambda: D(1) / 3)
        assert third == CTX.divide(D(1), D(3)) and len(third.as_tuple().digits) == 34
        assert getcontext() is caller and getcontext().prec == 5
