"""The engine's fast paths answer exactly like the compiled expressions, errors included."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dsl.expr import ExpressionRuntimeError, compile_expression, compile_unary_test
from dsl.expr.runtime_ops import truth
from runtime.engine.compiling import NodeCompiler, scope_for
from tests.runtime.engine.support import CLOCK

VALUES = [Decimal("5000"), Decimal("5000.01"), Decimal("-1"), 5000, 4999.5, "5000", "VIP", "abc", "", None, True,
          False, [Decimal(1), Decimal(6000)], ["VIP"], {"x": 1}]
EXPRESSIONS = [("order.total > 5000", "boolean"), ("order.total == 5000", "boolean"), ("order.total", "number"),
               ("order.total / 24", "number"), ("order.total * 0.5", "number"), ("order.total - 1", "number"),
               ('customer.tier == "VIP"', "boolean"), ('customer.tier != "VIP"', "boolean"),
               ("customer.tier", "string"), ("customer.stats_24h.orders >= 3", "boolean"),
               ("customer.stats_24h.orders", "number")]
CELLS = ["> 1000", "<= 1000", "1000", '"VIP"', '!= "VIP"', "[1..10]", '"VIP", "GOLD"', "-"]


def env_with(path: str, value):
    """An environment where ``path`` (order.total, customer.tier, customer.stats_24h.orders) holds ``value``."""
    if path == "customer.stats_24h.orders":
        return {"customer": {"stats_24h": {"orders": value}}, "order": {}}
    root, field = path.split(".")
    return {root: {field: value}, "order" if root == "customer" else "customer": {}}


def outcome(fn):
    try:
        return "ok", fn()
    except ExpressionRuntimeError as err:
        return "error", err.code


def same(a, b):
    return a == b and type(a[1]) is type(b[1])


@pytest.mark.parametrize(("text", "expected"), EXPRESSIONS)
def test_fast_expressions_agree_with_the_compiler(text, expected):
    fast = NodeCompiler().expr(text, expected)
    full = compile_expression(text, scope_for(), expected)
    path = text.split(" ")[0]
    for value in VALUES:
        env = env_with(path, value)
        assert same(outcome(lambda: fast.evaluate(env, CLOCK)), outcome(lambda: full.evaluate(env, CLOCK))), value
    for broken in ({}, {"order": None, "customer": None}, {"order": [{"total": 1}], "customer": ["x"]}):
        assert same(outcome(lambda: fast.evaluate(broken, CLOCK)), outcome(lambda: full.evaluate(broken, CLOCK)))


@pytest.mark.parametrize(("text", "expected"), [e for e in EXPRESSIONS if e[1] == "boolean"])
def test_explainable_conditions_agree_with_the_compiler(text, expected):
    """A condition is the expression's truth: null is false, anything but true/false/null an error."""
    cond = NodeCompiler().condition(text)
    full = compile_expression(text, scope_for(), expected)
    path = text.split(" ")[0]
    for value in VALUES:
        env = env_with(path, value)
        got = outcome(lambda: cond.evaluate(env, CLOCK)[0])
        want = outcome(lambda: truth("if", full.evaluate(env, CLOCK), (1, 1)))
        assert got == want, value


@pytest.mark.parametrize("text", CELLS)
def test_fast_cells_agree_with_the_compiled_cells(text):
    fast = NodeCompiler().cell(text)
    full = compile_unary_test(text, scope_for(), "any")
    for value in VALUES:
        assert outcome(lambda: fast.matches(value, {}, CLOCK)) == outcome(lambda: full.matches(value, {}, CLOCK)), value
