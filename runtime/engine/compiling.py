"""Compiling a node's expressions once per plan: shared scopes, de-duplicated texts, fast paths, and
conditions that explain the values they compared."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any

from dsl.expr import ExpressionError, Scope, ast, compile_unary_test, parse_expression
from dsl.expr.checker import Checker
from dsl.expr.compiler import Compiler
from dsl.expr.parser import parse
from dsl.expr.runtime_ops import compare_values, member, truth
from dsl.expr.values import Frame
from runtime.engine.fastpath import (
    MISS,
    ORDER_OPS,
    cell_test,
    column_of,
    fast_cell,
    fast_expression,
    literal,
    path_of,
    reader,
)

_COMPARISONS = ("==", "!=", "<", "<=", ">", ">=")
_FAST = ORDER_OPS
_SIMPLE = frozenset({str, bool, Decimal})


@cache
def scope_for(bindings: tuple[tuple[str, str], ...] = ()) -> Scope:
    """The order model's scope, plus extra names (``candidate``, ``event``) for some fields."""
    base = Scope.order_model()
    return base.with_bindings(**dict(bindings)) if bindings else base


class Expr:
    """A compiled expression: ``evaluate(env, clock)`` (a fast path when the shape allows) and its text."""

    __slots__ = ("column", "evaluate", "text")

    def __init__(self, text: str, evaluate: Callable[[dict[str, Any], datetime], Any], column: Any = None):
        self.text = text
        self.evaluate = evaluate
        self.column = column  # (root, field, op, literal) for ``root.field [⊕ literal]`` numbers, else None

    def __repr__(self) -> str:
        return f"Expr({self.text!r})"


class Cell:
    """A compiled decision-table cell: ``matches(value, env, clock)`` and its text. ``fast`` is
    (op, literal, value type or None for any) when the cell is one comparison with a literal, so a
    table can test it inline for values of that type."""

    __slots__ = ("fast", "matches", "text")

    def __init__(self, text: str, matches: Callable[[Any, dict[str, Any], datetime], bool], fast: Any = None):
        self.text = text
        self.matches = matches
        self.fast = fast


def _checked(text: str, scope: Scope, expected: str | None) -> tuple[Any, dict[int, Any]]:
    node = parse_expression(text)
    checker = Checker(scope)
    checker.expect(node, expected)
    errors = [p for p in checker.problems if p.severity == "error"]
    if errors:
        raise ExpressionError(errors)
    return node, checker.types


def _frame_runner(fn: Callable[[Frame], Any]) -> Callable[[dict[str, Any], datetime], Any]:
    return lambda env, clock: fn(Frame(env, clock))


class Condition:
    """A boolean expression that also reports the two operands of its top-level comparison.

    ``evaluate`` returns ``(result, left, right)``; left and right are None unless the expression is a
    comparison or ``in`` at the top. The operands are computed once and compared with the same rules
    as the compiled expression, so explaining costs nothing extra.
    """

    __slots__ = ("_fast", "_left", "_lit", "_read", "_right", "_whole", "left_text", "op", "pos",
                 "right_text", "text")

    def __init__(self, text: str, scope: Scope):
        node, types = _checked(text, scope, "boolean")
        compiler = Compiler(types)
        self.text, self.pos = text, node.pos
        self.op = self.left_text = self.right_text = None
        self._left = self._right = self._fast = self._read = None
        self._lit = MISS
        self._whole = compiler.compile(node)
        if isinstance(node, ast.Binary) and (node.op in _COMPARISONS or node.op in ("in", "not in")):
            self.op = node.op
            self._left, self._right = compiler.compile(node.left), compiler.compile(node.right)
            self.left_text, self.right_text = _split(text, node)
            path, lit = path_of(node.left), literal(node.right)
            if node.op in ORDER_OPS and path is not None and lit is not MISS:
                self._read = reader(*path, types[id(node.left)].kind)
                self._fast, self._lit = ORDER_OPS[node.op], lit

    def evaluate(self, env: dict[str, Any], clock: datetime) -> tuple[bool, Any, Any]:
        if self._read is not None:
            a, b = self._read(env), self._lit
            if type(a) is type(b):
                return self._fast(a, b), a, b
        fr = Frame(env, clock)
        if self._left is None:
            return truth("if", self._whole(fr), self.pos), None, None
        a, b, op = self._left(fr), self._right(fr), self.op
        if op in _FAST:
            ta = type(a)
            if ta is type(b) and ta in _SIMPLE and (ta is not bool or op in ("==", "!=")):
                value = _FAST[op](a, b)
            else:
                value = compare_values(op, a, b, self.pos, fr)
        else:
            value = member(op, a, b, self.pos, fr)
        return truth("if", value, self.pos), a, b


def _split(text: str, node: ast.Binary) -> tuple[str | None, str | None]:
    """The source text of both operands, cut at the operator's position (None when not locatable)."""
    line, column = node.pos
    lines = text.split("\n")
    if line > len(lines):
        return None, None
    offset = sum(len(x) + 1 for x in lines[: line - 1]) + column - 1
    if text[offset:offset + len(node.op)] != node.op:
        return None, None
    return text[:offset].strip(), text[offset + len(node.op):].strip()


class NodeCompiler:
    """Compiles expressions for one plan; the same text in the same slot is compiled once."""

    def __init__(self) -> None:
        self._cache: dict[tuple[Any, ...], Any] = {}

    def expr(self, text: str, expected: str | None = None, **bindings: str) -> Expr:
        key = ("e", text, expected, tuple(sorted(bindings.items())))
        if key not in self._cache:
            node, types = _checked(text, scope_for(key[3]), expected)
            full = _frame_runner(Compiler(types).compile(node))
            self._cache[key] = Expr(text, fast_expression(node, types, full), column_of(node, types))
        return self._cache[key]

    def condition(self, text: str, **bindings: str) -> Condition:
        key = ("c", text, tuple(sorted(bindings.items())))
        if key not in self._cache:
            self._cache[key] = Condition(text, scope_for(key[2]))
        return self._cache[key]

    def cell(self, text: str) -> Cell:
        key = ("u", text)
        if key not in self._cache:
            compiled = compile_unary_test(text, scope_for(), "any")
            tests = parse(text, "unary_tests")
            self._cache[key] = Cell(text, fast_cell(tests, compiled.matches), cell_test(tests))
        return self._cache[key]
