"""Decision-table cells ("unary tests"): ``-``, ``< 5000``, ``"VIP"``, ``["VIP", "GOLD"]``, ``contains "x"``.

A cell is tested against the column's input value; it holds one or more tests separated by
commas and matches when any of them does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from dsl.expr import ast
from dsl.expr.checker import Checker
from dsl.expr.checker_ops import comparable
from dsl.expr.compiler import Compiler
from dsl.expr.runtime_ops import compare_values, member
from dsl.expr.stdlib import FUNCTIONS
from dsl.expr.types import ANY, STRING, Type, list_of, resolve_type, words
from dsl.expr.values import Frame

Match = Callable[[Any, Frame], bool]
_contains = FUNCTIONS["contains"].impl
_contains_any = FUNCTIONS["contains_any"].impl


def check_tests(cell: ast.Tests, input_type: str | Type, ch: Checker) -> None:
    """Type-check every test of a cell against the column's input type, reporting on ``ch``."""
    given = resolve_type(input_type)
    for test in cell.tests:
        _check(test, given, ch)


def _check(test: ast.Test, given: Type, ch: Checker) -> None:
    if test.kind == "any":
        return
    if test.kind == "not":
        _check(test.inner, given, ch)
        return
    operand = ch.check(test.operand)
    if test.kind in ("contains", "contains_any"):
        if given.kind not in ("string", "list", "any", "null"):
            zh, en = words(given)
            ch.report("EXPR_OPERAND_TYPE", test.pos, op=test.kind, operands_zh=zh, operands_en=en,
                      hint_zh="", hint_en="")
        want = list_of(ANY) if test.kind == "contains_any" else (STRING if given.kind == "string" else ANY)
        if not comparable(want, operand, "==") and want.kind != "any":
            ch._expected(test.operand, want, operand)
        return
    if test.kind == "equals" and operand.kind == "list":
        operand = operand.item or ANY
    op = test.op or "=="
    for bound in (operand, ch.check(test.upper)) if test.kind == "range" else (operand,):
        if not comparable(given, bound, "<=" if test.kind == "range" else op):
            (gzh, gen), (bzh, ben) = words(given), words(bound)
            ch.report("EXPR_NOT_COMPARABLE", test.pos, left_zh=gzh, left_en=gen, right_zh=bzh, right_en=ben)


def compile_tests(cell: ast.Tests, compiler: Compiler) -> Match:
    """One matcher for the whole cell."""
    matchers = [_compile(test, compiler) for test in cell.tests]
    if len(matchers) == 1:
        return matchers[0]
    return lambda value, fr: any(m(value, fr) for m in matchers)


def _holds(result: Any) -> bool:
    return any(x is True for x in result) if type(result) is list else result is True


def _compile(test: ast.Test, compiler: Compiler) -> Match:
    pos = test.pos
    if test.kind == "any":
        return lambda value, fr: True
    if test.kind == "not":
        inner = _compile(test.inner, compiler)
        return lambda value, fr: not inner(value, fr)
    operand = compiler.compile(test.operand)
    if test.kind == "compare":
        op = test.op
        return lambda value, fr: _holds(compare_values(op, value, operand(fr), pos, fr))
    if test.kind == "contains":
        return lambda value, fr: _contains(fr, pos, value, operand(fr))
    if test.kind == "contains_any":
        return lambda value, fr: _contains_any(fr, pos, value, operand(fr))
    if test.kind == "range":
        upper = compiler.compile(test.upper)
        return lambda value, fr: (_holds(compare_values(">=", value, operand(fr), pos, fr))
                                  and _holds(compare_values("<=", value, upper(fr), pos, fr)))
    if isinstance(test.operand, ast.Literal) and type(test.operand.value) is str:
        text = test.operand.value
        return lambda value, fr: value == text
    def equals(value: Any, fr: Frame) -> bool:
        wanted = operand(fr)
        if type(wanted) is list:
            return _holds(member("in", value, wanted, pos, fr))
        return _holds(compare_values("==", value, wanted, pos, fr))
    return equals


class CompiledUnaryTest:
    """A compiled decision-table cell."""

    __slots__ = ("_match", "text")

    def __init__(self, text: str, match: Match):
        self.text = text
        self._match = match

    def matches(self, value: Any, env: Mapping[str, Any], clock: datetime) -> bool:
        """Whether the column's input ``value`` passes this cell (``env``, ``clock`` as for expressions)."""
        return self._match(value, Frame(env, clock))

    def __repr__(self) -> str:
        return f"CompiledUnaryTest({self.text!r})"


__all__ = ["CompiledUnaryTest", "check_tests", "compile_tests"]
