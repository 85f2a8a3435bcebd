"""Evaluation failures are coded, located, never retryable and never hang (zero division, overflow)."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from tests_expr_support import CLOCK

from dsl.expr import ExpressionRuntimeError, compile_expression
from dsl.expr.errors import MAX_STEPS

RUNTIME = [
    # (expression, extra vars, code, line, column)
    ("order.total / vars.zero", {}, "EXPR_RUNTIME_DIVISION_BY_ZERO", 1, 13),
    ("order.total % vars.zero", {}, "EXPR_RUNTIME_DIVISION_BY_ZERO", 1, 13),
    ("1h / vars.zero", {}, "EXPR_RUNTIME_DIVISION_BY_ZERO", 1, 4),
    ("vars.big * 100", {}, "EXPR_RUNTIME_OVERFLOW", 1, 10),
    ("sum(vars.bigs)", {"bigs": [Decimal("9e999"), Decimal("9e999")]}, "EXPR_RUNTIME_OVERFLOW", 1, 1),
    ("vars.nothing * 2", {}, "EXPR_RUNTIME_NULL", 1, 14),
    ("-vars.nothing", {}, "EXPR_RUNTIME_NULL", 1, 1),
    ("vars.surcharge + \"元\"", {}, "EXPR_RUNTIME_TYPE", 1, 16),
    ("vars.remote > 1", {}, "EXPR_RUNTIME_TYPE", 1, 13),
    ("vars.surcharge and true", {}, "EXPR_RUNTIME_TYPE", 1, 1),
    ("vars.a * vars.b", {"a": [1, 2], "b": [1, 2, 3]}, "EXPR_RUNTIME_LENGTH", 1, 8),
    ("number(\"12 元\")", {}, "EXPR_RUNTIME_BAD_VALUE", 1, 1),
    ("zoned(now(), vars.zone)", {"zone": "Mars/Olympus"}, "EXPR_RUNTIME_BAD_VALUE", 1, 1),
    ("hours_since(vars.when) > 1", {"when": "yesterday"}, "EXPR_RUNTIME_BAD_VALUE", 1, 1),
    ("round(order.total, 100)", {}, "EXPR_RUNTIME_BAD_VALUE", 1, 1),
    ("sum(vars.many)", {"many": list(range(MAX_STEPS + 1))}, "EXPR_RUNTIME_BUDGET", 1, 1),
]


@pytest.mark.parametrize(("text", "extra", "code", "line", "column"), RUNTIME,
                         ids=[r[2] + ":" + r[0][:30] for r in RUNTIME])
def test_runtime_error_is_coded_located_and_not_retryable(text, extra, code, line, column, scope, env):
    env["vars"].update(extra)
    compiled = compile_expression(text, scope)
    with pytest.raises(ExpressionRuntimeError) as raised:
        compiled.evaluate(env, CLOCK)
    err = raised.value
    assert (err.code, err.problem.line, err.problem.column) == (code, line, column), err.problem.message_en
    assert err.retryable is False
    assert err.problem.message_zh and err.problem.message_en


def test_a_model_field_with_unreadable_data_is_a_runtime_error(scope, env):
    env["order"]["created_at"] = "not a date"
    with pytest.raises(ExpressionRuntimeError) as raised:
        compile_expression("order.created_at < now()", scope).evaluate(env, CLOCK)
    assert (raised.value.code, raised.value.problem.column) == ("EXPR_RUNTIME_BAD_VALUE", 7)


def test_huge_number_growth_stops_with_an_error_not_a_hang(scope, env):
    factor = "1" + "0" * 30
    text = "order.total" + f" * {factor}" * 40  # would be 10**1200
    started = time.perf_counter()
    with pytest.raises(ExpressionRuntimeError) as raised:
        compile_expression(text, scope).evaluate(env, CLOCK)
    assert raised.value.code == "EXPR_RUNTIME_OVERFLOW"
    assert time.perf_counter() - started < 0.1


def test_results_keep_bounded_precision(scope, env):
    value = compile_expression("1 / 7", scope).evaluate(env, CLOCK)
    assert len(value.as_tuple().digits) == 34


def test_the_step_budget_is_per_evaluation(scope, env):
    env["vars"]["many"] = list(range(MAX_STEPS // 2))
    compiled = compile_expression("sum(vars.many) > 0", scope)
    for _ in range(3):  # each evaluation starts with a fresh budget
        assert compiled.evaluate(env, CLOCK) is True
