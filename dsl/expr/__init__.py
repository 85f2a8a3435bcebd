"""The expression language: conditions and values over the order model, parsed by lark, never eval'd.

``check_expression`` reports problems for the editor and validator; ``compile_expression``
turns a text into closures evaluated many thousand times a second by the runtime, with time
from the run's clock. See ``docs/expressions.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from dsl.expr import ast
from dsl.expr.checker import Checker
from dsl.expr.compiler import Compiler
from dsl.expr.errors import ExpressionError, ExpressionRuntimeError
from dsl.expr.parser import parse
from dsl.expr.types import Scope, Type, display, field_paths
from dsl.expr.unary import CompiledUnaryTest, check_tests, compile_tests
from dsl.expr.values import Frame
from dsl.problems import Problem

Expr = ast.Expr
EXPECTED_KINDS = frozenset({"boolean", "number", "string", "duration", "datetime", "list", "any"})

__all__ = [
    "CompiledExpression",
    "CompiledUnaryTest",
    "Expr",
    "ExpressionError",
    "ExpressionRuntimeError",
    "Scope",
    "Type",
    "check_expression",
    "check_unary_test",
    "compile_expression",
    "compile_unary_test",
    "field_paths",
    "parse_expression",
]


class CompiledExpression:
    """An expression compiled once; ``evaluate`` is cheap and may be called from many threads."""

    __slots__ = ("_fn", "text", "type")

    def __init__(self, text: str, type_: Type, fn: Any):
        self.text = text
        self.type = display(type_)
        self._fn = fn

    def evaluate(self, env: Mapping[str, Any], clock: datetime) -> Any:
        """The value for ``env`` (root name to plain data) at ``clock``; raises ExpressionRuntimeError."""
        return self._fn(Frame(env, clock))

    def __repr__(self) -> str:
        return f"CompiledExpression({self.text!r}, type={self.type})"


def parse_expression(text: str) -> Expr:
    """Parse an expression into its syntax tree; raises ExpressionError (``.problem`` is located)."""
    return parse(text, "expression")


def _checked(text: str, scope: Scope | None, expected: str | None) -> tuple[Expr, Checker]:
    if expected is not None and expected not in EXPECTED_KINDS:
        raise ValueError(f"expected must be one of {sorted(EXPECTED_KINDS)} or None, not {expected!r}")
    node = parse_expression(text)
    checker = Checker(scope)
    checker.expect(node, expected)
    return node, checker


def check_expression(text: str, scope: Scope, expected: str | None = None) -> list[Problem]:
    """Every problem of an expression (syntax, names with "did you mean", types); [] when it is fine."""
    try:
        return _checked(text, scope, expected)[1].problems
    except ExpressionError as err:
        return err.problems


def compile_expression(text: str, scope: Scope | None = None,
                       expected: str | None = None) -> CompiledExpression:
    """Check and compile an expression; raises ExpressionError on problems. No scope: names unchecked."""
    node, checker = _checked(text, scope, expected)
    errors = [p for p in checker.problems if p.severity == "error"]
    if errors:
        raise ExpressionError(errors)
    return CompiledExpression(text, checker.types[id(node)], Compiler(checker.types).compile(node))


def _checked_cell(text: str, input_type: str | Type, scope: Scope | None) -> tuple[ast.Tests, Checker]:
    cell = parse(text, "unary_tests")
    checker = Checker(scope)
    check_tests(cell, input_type, checker)
    return cell, checker


def check_unary_test(text: str, input_type: str, scope: Scope) -> list[Problem]:
    """Every problem of a decision-table cell tested against a column of ``input_type``."""
    try:
        return _checked_cell(text, input_type, scope)[1].problems
    except ExpressionError as err:
        return err.problems


def compile_unary_test(text: str, scope: Scope | None = None, input_type: str = "any") -> CompiledUnaryTest:
    """Check and compile a decision-table cell; raises ExpressionError on problems."""
    cell, checker = _checked_cell(text, input_type, scope)
    if checker.problems:
        raise ExpressionError(checker.problems)
    return CompiledUnaryTest(text, compile_tests(cell, Compiler(checker.types)))
