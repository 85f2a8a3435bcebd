"""Bad expressions a business user might type: each gets its catalogue code at the right line and column."""

from __future__ import annotations

import time

import pytest

from dsl.expr import ExpressionError, check_expression, compile_expression, parse_expression
from dsl.expr.errors import MAX_DEPTH, MAX_LENGTH

# (expression, expected result kind or None, code, line, column)
BAD = [
    # syntax, said in business words
    ("order.total >", None, "EXPR_UNEXPECTED_END", 1, 14),
    ("(order.total > 5000", None, "EXPR_UNEXPECTED_END", 1, 20),
    ("order.total > 5000)", None, "EXPR_UNEXPECTED", 1, 19),
    ("order.", None, "EXPR_UNEXPECTED_END", 1, 7),
    ("customer.tier = \"VIP\"", None, "EXPR_BAD_CHARACTER", 1, 15),
    ("order.total > 5000 && customer.new", None, "EXPR_BAD_CHARACTER", 1, 20),
    ("1 < order.total < 3", None, "EXPR_UNEXPECTED", 1, 17),
    ("10**10**10", None, "EXPR_UNEXPECTED", 1, 4),
    ("'abc", None, "EXPR_UNCLOSED_STRING", 1, 1),
    ("'a\\q'", None, "EXPR_BAD_ESCAPE", 1, 2),
    ("order.total （", None, "EXPR_BAD_CHARACTER", 1, 13),
    ("order.total >\n  and true", None, "EXPR_UNEXPECTED", 2, 3),
    ("a b", None, "EXPR_UNEXPECTED", 1, 3),
    ("x ? 1 : 2", None, "EXPR_BAD_CHARACTER", 1, 3),
    ("", None, "EXPR_EMPTY", 1, 1),
    ("   ", None, "EXPR_EMPTY", 1, 1),
    ("1" * 40, None, "EXPR_NUMBER_TOO_LARGE", 1, 1),
    ("99999999999999999999w", None, "EXPR_NUMBER_TOO_LARGE", 1, 1),
    # unknown names, with "did you mean"
    ("order.totl > 5000", None, "EXPR_UNKNOWN_FIELD", 1, 7),
    ("custmer.tier == \"VIP\"", None, "EXPR_UNKNOWN_NAME", 1, 1),
    ("order.lines.skux == \"A\"", None, "EXPR_UNKNOWN_FIELD", 1, 13),
    ("sume(order.lines.qty) > 1", None, "EXPR_UNKNOWN_FUNCTION", 1, 1),
    ("customer.tier == \"VIPP\"", None, "EXPR_UNKNOWN_VALUE", 1, 18),
    ("zoned(now(), \"Mars/Olympus\")", None, "EXPR_BAD_ZONE", 1, 14),
    # types
    ("order.total > \"abc\"", None, "EXPR_NOT_COMPARABLE", 1, 13),
    ("customer.tier + 1 > 0", None, "EXPR_OPERAND_TYPE", 1, 15),
    ("order.total", "boolean", "EXPR_EXPECTED_TYPE", 1, 1),
    ("  order.lines.qty > 1", "boolean", "EXPR_EXPECTED_TYPE", 1, 3),
    ("order.total and true", None, "EXPR_EXPECTED_TYPE", 1, 1),
    ("not order.total", None, "EXPR_OPERAND_TYPE", 1, 1),
    ("-customer.tier", None, "EXPR_OPERAND_TYPE", 1, 1),
    ("if order.total then 1 else 2", None, "EXPR_EXPECTED_TYPE", 1, 4),
    ("if true then 1 else \"x\"", None, "EXPR_BRANCH_TYPE", 1, 1),
    ("round(order.total, 1, 2) > 0", None, "EXPR_ARG_COUNT", 1, 1),
    ("lower(order.total) == \"x\"", None, "EXPR_ARG_TYPE", 1, 7),
    ("order.total.amount > 1", None, "EXPR_NOT_AN_OBJECT", 1, 13),
    ("customer.tier[0] == \"V\"", None, "EXPR_NOT_INDEXABLE", 1, 15),
    ("order.lines[\"a\"].sku == \"x\"", None, "EXPR_INDEX_TYPE", 1, 13),
    # no way out to Python
    ("__class__", None, "EXPR_FORBIDDEN_NAME", 1, 1),
    ("__import__(\"os\")", None, "EXPR_FORBIDDEN_NAME", 1, 1),
    ("().__class__", None, "EXPR_UNEXPECTED", 1, 2),
    ("lambda x: x", None, "EXPR_FORBIDDEN_NAME", 1, 1),
    ("order.__dict__", None, "EXPR_FORBIDDEN_NAME", 1, 7),
    ("getattr(order, \"total\")", None, "EXPR_FORBIDDEN_NAME", 1, 1),
    ("order.lines[0].__class__.__mro__", None, "EXPR_FORBIDDEN_NAME", 1, 16),
    ("eval(\"1\")", None, "EXPR_FORBIDDEN_NAME", 1, 1),
    # cost bounds
    ("(" * (MAX_DEPTH + 1) + "1" + ")" * (MAX_DEPTH + 1), None, "EXPR_TOO_DEEP", 1, MAX_DEPTH + 1),
    ("not " * (MAX_DEPTH + 5) + "true", None, "EXPR_TOO_DEEP", 1, 4 * MAX_DEPTH + 1),
    ("-" * 3000 + "1", None, "EXPR_TOO_DEEP", 1, MAX_DEPTH + 1),
    (" + ".join(["1"] * 500), None, "EXPR_TOO_DEEP", 1, None),  # somewhere along the chain
]


@pytest.mark.parametrize(("text", "expected", "code", "line", "column"), BAD,
                         ids=[f"{i:02d}-{b[2]}" for i, b in enumerate(BAD)])
def test_bad_expression_is_reported_at_its_position(text, expected, code, line, column, scope):
    problems = check_expression(text, scope, expected)
    assert problems, text
    first = problems[0]
    assert (first.code, first.line) == (code, line), first.message_en
    assert column is None or first.column == column, first.message_en
    assert first.path == ""
    assert first.message_zh and first.message_en
    with pytest.raises(ExpressionError) as raised:
        compile_expression(text, scope, expected)
    assert raised.value.problem.code == code


@pytest.mark.parametrize(("text", "hint"), [
    ("order.totl > 5000", "order.total"),
    ("sume(order.lines.qty) > 1", "'sum'"),
    ("custmer.tier == \"VIP\"", "'customer'"),
    ("customer.tier == \"VIPP\"", "'VIP'"),
    ("order.lines.skux == \"A\"", "order.lines.sku"),
])
def test_unknown_names_suggest_the_closest(text, hint, scope):
    (found,) = check_expression(text, scope)
    assert hint in found.message_en
    assert hint.strip("'") in found.message_zh


def test_syntax_errors_say_what_was_expected_in_plain_words(scope):
    (found,) = check_expression("(order.total > 5000", scope)
    assert found.message_zh == "表达式不完整，结尾处缺少：右括号 “)”"
    assert found.message_en == "The expression ends too early; expected ')'"
    (found,) = check_expression("10**10**10", scope)
    assert "**" in found.message_zh and "no power operator" in found.message_en


def test_ten_thousand_nested_brackets_fail_fast_without_recursion_error(scope):
    text = "(" * 10_000 + "1" + ")" * 10_000
    started = time.perf_counter()
    (found,) = check_expression(text, scope)
    assert found.code == "EXPR_TOO_LONG"
    assert time.perf_counter() - started < 0.5
    deep_but_short = "(" * (MAX_LENGTH // 2 - 1) + "1" + ")" * (MAX_LENGTH // 2 - 1)
    (found,) = check_expression(deep_but_short, scope)
    assert (found.code, found.column) == ("EXPR_TOO_DEEP", MAX_DEPTH + 1)


def test_a_megabyte_expression_is_refused_before_parsing(scope):
    text = "order.total + " * 75_000 + "1"
    assert len(text) > 1_000_000
    started = time.perf_counter()
    (found,) = check_expression(text, scope)
    assert (found.code, found.line, found.column) == ("EXPR_TOO_LONG", 1, 1)
    assert time.perf_counter() - started < 0.1


def test_every_problem_is_collected_not_just_the_first(scope):
    problems = check_expression("order.totl > 1 and customer.teir == \"VIP\"", scope)
    assert [(p.code, p.column) for p in problems] == [("EXPR_UNKNOWN_FIELD", 7), ("EXPR_UNKNOWN_FIELD", 29)]


def test_parse_expression_raises_with_a_located_problem():
    with pytest.raises(ExpressionError) as raised:
        parse_expression("order.total >>= 1")
    assert (raised.value.problem.line, raised.value.problem.column) == (1, 14)
