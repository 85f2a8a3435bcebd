"""Decision-table cells ("unary tests"): ranges, lists, contains rows for text classification, negation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests_expr_support import CLOCK

from dsl.expr import ExpressionError, check_unary_test, compile_unary_test

MATCHES = [
    ("-", Decimal(1), True),
    ("-", None, True),
    ("< 5000", Decimal(4999), True),
    ("< 5000", Decimal(5000), False),
    (">= 1", 1, True),
    ("!= \"VIP\"", "GOLD", True),
    ("\"VIP\"", "VIP", True),
    ("\"VIP\"", "GOLD", False),
    ("[\"VIP\", \"GOLD\"]", "GOLD", True),
    ("[\"VIP\", \"GOLD\"]", "NORMAL", False),
    ("\"VIP\", \"GOLD\"", "GOLD", True),
    ("not \"VIP\"", "VIP", False),
    ("not [\"VIP\", \"GOLD\"]", "SILVER", True),
    ("[1..10]", Decimal(10), True),
    ("[1..10]", Decimal("10.5"), False),
    ("[1..10]", None, False),
    ("contains \"尺码\"", "尺码偏小", True),
    ("contains \"尺码\"", "颜色不喜欢", False),
    ("contains \"vip\"", ["vip", "double11"], True),
    ("contains_any [\"尺码\", \"大小\", \"偏大\", \"偏小\"]", "衣服偏大了", True),
    ("contains_any [\"色差\", \"颜色\"]", "衣服偏大了", False),
    ("> order.total", Decimal(7000), True),
    ("< 4h", Decimal(0), None),  # comparing a number with a duration is a type error, see below
]


@pytest.mark.parametrize(("cell", "value", "expected"), [m for m in MATCHES if m[2] is not None])
def test_cell_matches(cell, value, expected, scope, env):
    assert compile_unary_test(cell, scope).matches(value, env, CLOCK) is expected


REASONS = [  # S8: the return reason is classified by keyword rows, first hit wins
    ("contains_any [\"尺码\", \"大小\", \"偏大\", \"偏小\"]", "size"),
    ("contains_any [\"颜色\", \"色差\"]", "colour"),
    ("contains_any [\"质量\", \"破损\", \"开线\"]", "quality"),
    ("-", "other"),
]


@pytest.mark.parametrize(("reason_text", "category"), [
    ("尺码偏小，想换大一号", "size"),
    ("实物有色差", "colour"),
    ("收到时包装破损", "quality"),
    ("不想要了", "other"),
])
def test_s8_return_reason_is_classified_by_keyword_rows(reason_text, category, scope, env):
    rows = [(compile_unary_test(cell, scope, "string"), out) for cell, out in REASONS]
    assert next(out for test, out in rows if test.matches(reason_text, env, CLOCK)) == category


BAD_CELLS = [
    ("< \"abc\"", "number", "EXPR_NOT_COMPARABLE", 1, 1),
    ("< 4h", "number", "EXPR_NOT_COMPARABLE", 1, 1),
    ("contains 5", "string", "EXPR_EXPECTED_TYPE", 1, 10),
    ("contains \"x\"", "number", "EXPR_OPERAND_TYPE", 1, 1),
    ("contains_any \"x\"", "string", "EXPR_EXPECTED_TYPE", 1, 14),
    ("<< 5", "number", "EXPR_UNEXPECTED", 1, 2),
    ("< order.totl", "number", "EXPR_UNKNOWN_FIELD", 1, 9),
    ("[1..\"z\"]", "number", "EXPR_NOT_COMPARABLE", 1, 1),
    ("", "number", "EXPR_EMPTY", 1, 1),
]


@pytest.mark.parametrize(("cell", "input_type", "code", "line", "column"), BAD_CELLS)
def test_bad_cell_is_reported(cell, input_type, code, line, column, scope):
    problems = check_unary_test(cell, input_type, scope)
    assert [(p.code, p.line, p.column) for p in problems][:1] == [(code, line, column)]
    with pytest.raises(ExpressionError):
        compile_unary_test(cell, scope, input_type)


def test_good_cells_have_no_problems(scope):
    for cell, _value, _expected in MATCHES[:-1]:
        assert check_unary_test(cell, "any", scope) == [], cell
