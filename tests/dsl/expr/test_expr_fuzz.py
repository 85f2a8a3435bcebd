"""Property tests: whatever text arrives, checking returns problems (never raises); compiled code fails only
with coded runtime errors."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests_expr_support import CLOCK

from dsl.expr import ExpressionRuntimeError, Scope, check_expression, check_unary_test, compile_expression
from dsl.problems import Problem

SCOPE = Scope.order_model()
PIECES = ["order.total", "customer.tier", "order.lines.qty", "order.lines", "order.created_at", "vars.x",
          "context.weather[order.address.region].level", "1", "0", "2.5", "\"VIP\"", "'尺码'", "4h", "null",
          "true", "false", "+", "-", "*", "/", "%", "==", "!=", "<", ">=", "and", "or", "not", "in", "(", ")",
          "[", "]", ",", "if", "then", "else", "sum(", "any(", "count(", "now()", "hours_since(", ".", "x",
          "__class__", "\\", "\"", "..", "contains", "-"]
ENV = {"order": {"total": 1, "lines": [{"qty": 2}], "created_at": "2024-01-01T00:00:00Z",
                 "address": {"region": "east"}},
       "customer": {"tier": "VIP"}, "context": {"weather": {"east": {"level": 2}}}, "vars": {"x": 0}}
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _is_problem_list(result):
    return isinstance(result, list) and all(
        isinstance(p, Problem) and p.code.startswith("EXPR_") for p in result)


@pytest.mark.slow
@pytest.mark.timeout(60)
@SETTINGS
@given(st.text(max_size=300))
def test_any_text_gives_problems_never_an_exception(text):
    assert _is_problem_list(check_expression(text, SCOPE))
    assert _is_problem_list(check_expression(text, SCOPE, "boolean"))
    assert _is_problem_list(check_unary_test(text, "string", SCOPE))


@pytest.mark.slow
@pytest.mark.timeout(60)
@SETTINGS
@given(st.lists(st.sampled_from(PIECES), min_size=1, max_size=25))
def test_token_soup_checks_and_runs_or_fails_with_a_code(pieces):
    text = " ".join(pieces)
    problems = check_expression(text, SCOPE)
    assert _is_problem_list(problems)
    if problems:
        return
    compiled = compile_expression(text, SCOPE)
    try:
        compiled.evaluate(ENV, CLOCK)
    except ExpressionRuntimeError as err:
        assert err.code.startswith("EXPR_RUNTIME_")
