"""Compiling: a checked syntax tree becomes a tree of small closures, each taking one evaluation Frame."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from dsl.expr import ast
from dsl.expr.errors import runtime_error
from dsl.expr.runtime_ops import arith, compare_values, lift, logic, member, negate, truth
from dsl.expr.stdlib import FUNCTIONS
from dsl.expr.types import ANY, Type
from dsl.expr.values import ARITH_ERRORS, CTX, Frame, to_datetime, to_number, type_error

Fn = Callable[[Frame], Any]
_DECIMAL_OPS = {"+": CTX.add, "-": CTX.subtract, "*": CTX.multiply}
_FAST_ORDER = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
               ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}
_SIMPLE = (str, Decimal, bool)


class Compiler:
    """Builds closures from nodes, using the checker's types to coerce what the model declares."""

    def __init__(self, types: dict[int, Type]):
        self.types = types

    def compile(self, node: ast.Expr) -> Fn:
        """The closure computing ``node``."""
        return getattr(self, "_" + type(node).__name__.lower())(node)

    def _coerced(self, node: ast.Expr, read: Fn) -> Fn:
        """Model fields typed number or datetime accept int/float/numeric text and ISO text."""
        t = self.types.get(id(node), ANY)
        kind, pos = t.kind, node.pos
        if kind == "list" and (t.item or ANY).kind in ("number", "datetime"):
            coerce = _model_number if t.item.kind == "number" else to_datetime
            ready = Decimal if t.item.kind == "number" else datetime

            def items(fr: Frame) -> Any:
                v = read(fr)
                if type(v) is not list or all(type(x) is ready or x is None for x in v):
                    return v
                return [x if x is None else coerce(x, pos) for x in v]
            return items
        if kind == "number":
            def number(fr: Frame) -> Any:
                v = read(fr)
                return v if v is None or type(v) is Decimal else _model_number(v, pos)
            return number
        if kind == "datetime":
            def moment(fr: Frame) -> Any:
                v = read(fr)
                return v if v is None or (type(v) is datetime and v.tzinfo) else to_datetime(v, pos)
            return moment
        return read

    def _literal(self, node: ast.Literal) -> Fn:
        value = node.value
        return lambda fr: value

    def _listof(self, node: ast.ListOf) -> Fn:
        if all(isinstance(item, ast.Literal) for item in node.items):
            constant = [item.value for item in node.items]
            return lambda fr: constant
        items = [self.compile(item) for item in node.items]
        return lambda fr: [f(fr) for f in items]

    def _name(self, node: ast.Name) -> Fn:
        name = node.name
        return self._coerced(node, lambda fr: fr.env.get(name))

    def _field(self, node: ast.Field) -> Fn:
        subject, name, pos = self.compile(node.subject), node.name, node.pos

        def read(fr: Frame) -> Any:
            v = subject(fr)
            if type(v) is dict:
                return v.get(name)
            return _field_of(v, name, pos, fr)
        return self._coerced(node, read)

    def _index(self, node: ast.Index) -> Fn:
        subject, key, pos = self.compile(node.subject), self.compile(node.key), node.pos
        return self._coerced(node, lambda fr: _item_of(subject(fr), key(fr), pos))

    def _call(self, node: ast.Call) -> Fn:
        impl, pos = FUNCTIONS[node.name].impl, node.pos
        args = [self.compile(arg) for arg in node.args]
        if not args:
            return lambda fr: impl(fr, pos)
        if len(args) == 1:
            a = args[0]
            return lambda fr: impl(fr, pos, a(fr))
        if len(args) == 2:
            a, b = args
            return lambda fr: impl(fr, pos, a(fr), b(fr))
        return lambda fr: impl(fr, pos, *[f(fr) for f in args])

    def _unary(self, node: ast.Unary) -> Fn:
        operand, op, pos = self.compile(node.operand), node.op, node.pos
        if op == "not":
            def not_(fr: Frame) -> Any:
                v = operand(fr)
                return (v is not True) if v is None or type(v) is bool else negate(op, v, pos, fr)
            return not_
        return lambda fr: negate(op, operand(fr), pos, fr)

    def _if(self, node: ast.If) -> Fn:
        cond, then, other = self.compile(node.cond), self.compile(node.then), self.compile(node.other)
        pos = node.pos
        return lambda fr: then(fr) if truth("if", cond(fr), pos) else other(fr)

    def _binary(self, node: ast.Binary) -> Fn:
        left, right, op, pos = self.compile(node.left), self.compile(node.right), node.op, node.pos
        if op in ("and", "or"):
            return _logic(op, left, right, pos)
        if op in ("in", "not in"):
            return _membership(node, left, right)
        if op in _FAST_ORDER:
            fast = _FAST_ORDER[op]

            def comparison(fr: Frame) -> Any:
                a, b = left(fr), right(fr)
                if type(a) is type(b) and type(a) in _SIMPLE and (type(a) is not bool or op in ("==", "!=")):
                    return fast(a, b)
                return compare_values(op, a, b, pos, fr)
            return comparison
        decimal_op = _DECIMAL_OPS.get(op)

        def arithmetic(fr: Frame) -> Any:
            a, b = left(fr), right(fr)
            if decimal_op is not None and type(a) is Decimal and type(b) is Decimal:
                try:
                    return decimal_op(a, b)
                except ARITH_ERRORS:
                    raise runtime_error("EXPR_RUNTIME_OVERFLOW", pos, limit=CTX.Emax) from None
            if type(a) is list or type(b) is list:
                return lift(op, a, b, pos, fr, arith)
            return arith(op, a, b, pos)
        return arithmetic


def _logic(op: str, left: Fn, right: Fn, pos: ast.Pos) -> Fn:
    stop = op == "or"  # "or" stops at the first true, "and" at the first false

    def run(fr: Frame) -> Any:
        a = left(fr)
        if a is None or type(a) is bool:
            if (a is True) is stop:
                return stop
            b = right(fr)
            if b is None or type(b) is bool:
                return b is True
            return logic(op, a, b, pos, fr)
        return logic(op, a, right(fr), pos, fr)
    return run


def _membership(node: ast.Binary, left: Fn, right: Fn) -> Fn:
    op, pos, items = node.op, node.pos, node.right
    if isinstance(items, ast.ListOf) and items.items and all(
            isinstance(i, ast.Literal) and type(i.value) is str for i in items.items):
        choices = frozenset(i.value for i in items.items)
        wanted = op == "in"
        return lambda fr: ((a in choices) is wanted if type(a := left(fr)) is str
                           else member(op, a, list(choices), pos, fr))
    return lambda fr: member(op, left(fr), right(fr), pos, fr)


def _model_number(value: Any, pos: ast.Pos) -> Decimal:
    if type(value) is str:
        try:
            number = CTX.create_decimal(value.strip())
            if number.is_finite():
                return number
        except ARITH_ERRORS:
            pass
        raise runtime_error("EXPR_RUNTIME_BAD_VALUE", pos, value=value[:40], type_zh="数字",
                            type_en="a number")
    return to_number(value, ".", pos)


def _field_of(value: Any, name: str, pos: ast.Pos, fr: Frame) -> Any:
    if value is None:
        return None
    if type(value) is list:
        fr.charge(len(value), pos)
        out: list[Any] = []
        for item in value:
            found = _field_of(item, name, pos, fr) if type(item) is not dict else item.get(name)
            out.extend(found) if type(found) is list else out.append(found)
        return out
    if isinstance(value, Mapping):
        return value.get(name)
    raise type_error("." + name, pos, value)


def _item_of(value: Any, key: Any, pos: ast.Pos) -> Any:
    if value is None or key is None:
        return None
    if type(value) is list and type(key) in (Decimal, int) and key == int(key):
        i = int(key)
        return value[i] if -len(value) <= i < len(value) else None
    if isinstance(value, Mapping) and type(key) is str:
        return value.get(key)
    raise type_error("[]", pos, value, key)
