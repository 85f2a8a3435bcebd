"""Fast paths for the shapes most flows are made of, each falling back to the compiled expression.

``order.total > 5000``, ``customer.tier == "VIP"``, ``candidate.cost``, ``candidate.eta_hours / 24`` and
table cells like ``> 1000`` or ``"VIP"`` are read with plain dict lookups and one Decimal operation.
Whenever the data is not in the expected shape (a number not yet a Decimal, a list on the path, a
missing object, an arithmetic error) the full compiled expression runs instead, so results and
errors are exactly the expression language's: a fast path only answers when both paths agree.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from dsl.expr import ast
from dsl.expr.values import ARITH_ERRORS, CTX

MISS = object()  # the fast path cannot answer; run the compiled expression
ORDER_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne}
_ARITH = {"+": CTX.add, "-": CTX.subtract, "*": CTX.multiply, "/": CTX.divide}
_PASS_KINDS = frozenset({"string", "boolean", "any", "object", "map"})  # values the compiler never coerces


def path_of(node: Any) -> tuple[str, tuple[str, ...]] | None:
    """``root.a.b`` as (root, (a, b)); None for anything else."""
    fields = []
    while isinstance(node, ast.Field):
        fields.append(node.name)
        node = node.subject
    return (node.name, tuple(reversed(fields))) if isinstance(node, ast.Name) and fields else None


def reader(root: str, fields: tuple[str, ...], kind: str) -> Callable[[dict[str, Any]], Any] | None:
    """A dict walk for a path whose static type is ``kind``; MISS when the shape is unexpected."""
    if kind != "number" and kind not in _PASS_KINDS:
        return None
    number = kind == "number"
    if len(fields) == 1:
        (f0,) = fields

        def read1(env: dict[str, Any]) -> Any:
            v = env.get(root)
            if type(v) is not dict:
                return MISS
            v = v.get(f0)
            return v if not number or v is None or type(v) is Decimal else MISS
        return read1

    def read(env: dict[str, Any]) -> Any:
        v = env.get(root)
        for name in fields:
            if type(v) is not dict:
                return MISS
            v = v.get(name)
        return v if not number or v is None or type(v) is Decimal else MISS
    return read


def literal(node: Any) -> Any:
    """A str or Decimal literal's value, else MISS."""
    if isinstance(node, ast.Literal) and type(node.value) in (str, Decimal):
        return node.value
    return MISS


def fast_expression(node: Any, types: dict[int, Any], full: Callable[[dict[str, Any], Any], Any]
                    ) -> Callable[[dict[str, Any], Any], Any]:
    """An evaluator for ``node`` (path, path ⊕ literal, path op literal) or ``full`` itself."""
    path = path_of(node)
    if path is not None:
        read = reader(*path, _kind(types, node))
        if read is None:
            return full
        if len(path[1]) == 1:
            return _field_value(path[0], path[1][0], _kind(types, node) == "number", full)

        def value(env: dict[str, Any], clock: Any) -> Any:
            v = read(env)
            return full(env, clock) if v is MISS else v
        return value
    if not isinstance(node, ast.Binary) or (path := path_of(node.left)) is None:
        return full
    lit = literal(node.right)
    read = reader(*path, _kind(types, node.left))
    if lit is MISS or read is None:
        return full
    lit_type = type(lit)
    if node.op in ORDER_OPS:
        test = ORDER_OPS[node.op]
        if len(path[1]) == 1:
            return _field_compare(path[0], path[1][0], test, lit, full)

        def compare(env: dict[str, Any], clock: Any) -> Any:
            a = read(env)
            return test(a, lit) if type(a) is lit_type else full(env, clock)
        return compare
    if node.op in _ARITH and lit_type is Decimal and lit:
        op = _ARITH[node.op]
        if len(path[1]) == 1:
            return _field_arith(path[0], path[1][0], op, lit, full)

        def arith(env: dict[str, Any], clock: Any) -> Any:
            a = read(env)
            if type(a) is Decimal:
                try:
                    return op(a, lit)
                except ARITH_ERRORS:
                    pass
            return full(env, clock)
        return arith
    return full


def _field_arith(root: str, name: str, op: Callable[[Any, Any], Any], lit: Decimal,
                 full: Callable[[dict[str, Any], Any], Any]) -> Callable[[dict[str, Any], Any], Any]:
    """``root.name ⊕ literal`` in one call (``candidate.eta_hours / 24``)."""
    def field_arith(env: dict[str, Any], clock: Any) -> Any:
        v = env.get(root)
        if type(v) is dict:
            v = v.get(name)
            if type(v) is Decimal:
                try:
                    return op(v, lit)
                except ARITH_ERRORS:
                    pass
        return full(env, clock)
    return field_arith


def _field_compare(root: str, name: str, test: Callable[[Any, Any], bool], lit: Any,
                   full: Callable[[dict[str, Any], Any], Any]) -> Callable[[dict[str, Any], Any], Any]:
    """``root.name op literal`` in one call (``order.total > 5000``, ``customer.tier == "VIP"``)."""
    lit_type = type(lit)

    def field_compare(env: dict[str, Any], clock: Any) -> Any:
        v = env.get(root)
        if type(v) is dict:
            v = v.get(name)
            if type(v) is lit_type:
                return test(v, lit)
        return full(env, clock)
    return field_compare


def _field_value(root: str, name: str, number: bool, full: Callable[[dict[str, Any], Any], Any]
                 ) -> Callable[[dict[str, Any], Any], Any]:
    """``root.name`` in one call (the commonest shape of all: ``candidate.cost``, ``customer.tier``)."""
    if number:
        def number_field(env: dict[str, Any], clock: Any) -> Any:
            v = env.get(root)
            if type(v) is dict:
                v = v.get(name)
                if v is None or type(v) is Decimal:
                    return v
            return full(env, clock)
        return number_field

    def field(env: dict[str, Any], clock: Any) -> Any:
        v = env.get(root)
        return v.get(name) if type(v) is dict else full(env, clock)
    return field


def column_of(node: Any, types: dict[int, Any]) -> tuple[str, str, Any, Any] | None:
    """``root.name`` or ``root.name ⊕ literal`` of number type as (root, name, op symbol, literal), else None.

    The route node reads such factors for all candidates as columns (one ``itemgetter`` per candidate)
    and falls back to the compiled expression whenever a value is not already a Decimal."""
    path = path_of(node)
    if path is not None:
        return (path[0], path[1][0], None, None) if len(path[1]) == 1 and _kind(types, node) == "number" else None
    if not isinstance(node, ast.Binary) or node.op not in _ARITH or (path := path_of(node.left)) is None:
        return None
    lit = literal(node.right)
    if len(path[1]) != 1 or _kind(types, node.left) != "number" or type(lit) is not Decimal or not lit:
        return None
    return path[0], path[1][0], node.op, lit


def cell_test(cell: Any) -> tuple[Callable[[Any, Any], bool], Any, type | None] | None:
    """A decision-table cell that is one comparison or equality with a literal, as (op, literal, the
    value type it answers for — None: any); None for every other cell."""
    if len(cell.tests) != 1:
        return None
    test = cell.tests[0]
    if test.kind not in ("compare", "equals"):
        return None
    lit = literal(test.operand)
    if lit is MISS:
        return None
    lit_type = type(lit)
    return ORDER_OPS[test.op or "=="], lit, None if lit_type is str and test.kind == "equals" else lit_type


def fast_cell(cell: Any, full: Callable[[Any, dict[str, Any], Any], bool]
              ) -> Callable[[Any, dict[str, Any], Any], bool]:
    """A decision-table cell: one comparison or equality with a literal, else ``full``."""
    fast = cell_test(cell)
    if fast is None:
        return full
    check, lit, lit_type = fast
    if lit_type is None:
        return lambda value, env, clock: check(value, lit)
    return lambda value, env, clock: check(value, lit) if type(value) is lit_type else full(value, env, clock)


def _kind(types: dict[int, Any], node: Any) -> str:
    t = types.get(id(node))
    return t.kind if t is not None else "any"
