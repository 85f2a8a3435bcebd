"""Static rules of the operators: arithmetic, comparison, ``in``, ``and`` / ``or``, lifted over lists."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dsl.expr import ast
from dsl.expr.errors import NO_HINT, did_you_mean
from dsl.expr.types import ANY, BOOLEAN, DATETIME, DURATION, NUMBER, STRING, Type, list_of, words

if TYPE_CHECKING:
    from dsl.expr.checker import Checker

_ORDERING = {"<", "<=", ">", ">="}
_ARITH: dict[str, dict[tuple[str, str], Type]] = {
    "+": {("number", "number"): NUMBER, ("string", "string"): STRING, ("datetime", "duration"): DATETIME,
          ("duration", "datetime"): DATETIME, ("duration", "duration"): DURATION},
    "-": {("number", "number"): NUMBER, ("datetime", "datetime"): DURATION,
          ("datetime", "duration"): DATETIME, ("duration", "duration"): DURATION},
    "*": {("number", "number"): NUMBER, ("duration", "number"): DURATION, ("number", "duration"): DURATION},
    "/": {("number", "number"): NUMBER, ("duration", "number"): DURATION, ("duration", "duration"): NUMBER},
    "%": {("number", "number"): NUMBER},
}
LIST_HINT = {"hint_zh": "；列表请用 any(...) 或 all(...) 汇总",
             "hint_en": "; wrap the list in any(...) or all(...)"}


def start_of(node: ast.Expr) -> ast.Pos:
    """Where a node's text begins (its leftmost token)."""
    while isinstance(node, (ast.Binary, ast.Field, ast.Index)):
        node = node.left if isinstance(node, ast.Binary) else node.subject
    return node.pos


def path_text(node: ast.Expr) -> str:
    """``order.lines`` for a path node, for messages."""
    if isinstance(node, ast.Name):
        return node.name
    if isinstance(node, ast.Field):
        return f"{path_text(node.subject)}.{node.name}"
    if isinstance(node, ast.Index):
        return f"{path_text(node.subject)}[…]"
    return "…"


def comparable(a: Type, b: Type, op: str) -> bool:
    """Whether two scalar types may be compared with ``op``."""
    if "any" in (a.kind, b.kind) or "null" in (a.kind, b.kind):
        return True
    if {a.kind, b.kind} == {"datetime", "string"}:
        return True  # ISO text such as "2024-11-11T00:00:00+08:00"
    if a.kind != b.kind or a.kind in ("object", "map"):
        return False
    return op not in _ORDERING or a.kind not in ("boolean", "list")


def binary_type(ch: Checker, node: ast.Binary) -> Type:
    """The type of a binary operation, reporting operand problems on ``ch``."""
    left, right = ch.check(node.left), ch.check(node.right)
    if node.op in ("and", "or"):
        return _logic(ch, node, left, right)
    if node.op in ("in", "not in"):
        return _membership(ch, node, left, right)
    if node.op in _ARITH:
        return _arith(ch, node, left, right)
    return _compare(ch, node, left, right)


def _logic(ch: Checker, node: ast.Binary, left: Type, right: Type) -> Type:
    lifted = False
    for side, t in ((node.left, left), (node.right, right)):
        inner = (t.item or ANY) if t.kind == "list" else t
        lifted = lifted or t.kind == "list"
        if inner.kind not in ("boolean", "any", "null"):
            hint = {"hint_zh": "；可以写成比较，例如 x > 0", "hint_en": "; write a comparison such as x > 0"}
            ch._expected(side, BOOLEAN, t, hint if t.kind == "number" else NO_HINT)
    return list_of(BOOLEAN) if lifted else BOOLEAN


def _compare(ch: Checker, node: ast.Binary, left: Type, right: Type) -> Type:
    if left.kind == "list" and right.kind == "list":
        if node.op in _ORDERING:
            _not_comparable(ch, node, left, right)
        return BOOLEAN
    lifted = left.kind == "list" or right.kind == "list"
    a = (left.item or ANY) if left.kind == "list" else left
    b = (right.item or ANY) if right.kind == "list" else right
    if not comparable(a, b, node.op):
        _not_comparable(ch, node, left, right)
    _check_enum(ch, a, node.left, node.right)
    _check_enum(ch, b, node.right, node.left)
    return list_of(BOOLEAN) if lifted else BOOLEAN


def _not_comparable(ch: Checker, node: ast.Binary, left: Type, right: Type) -> None:
    (lzh, len_), (rzh, ren) = words(left), words(right)
    ch.report("EXPR_NOT_COMPARABLE", node.pos, left_zh=lzh, left_en=len_, right_zh=rzh, right_en=ren)


def _check_enum(ch: Checker, t: Type, side: ast.Expr, other: ast.Expr) -> None:
    """``customer.tier == "VIPP"`` can never be true: say so, with the closest allowed value."""
    literals = other.items if isinstance(other, ast.ListOf) else (other,)
    if not t.enum:
        return
    for lit in literals:
        if isinstance(lit, ast.Literal) and isinstance(lit.value, str) and lit.value not in t.enum:
            ch.report("EXPR_UNKNOWN_VALUE", lit.pos, value=lit.value, field=path_text(side),
                      allowed=", ".join(map(str, t.enum)), **did_you_mean(lit.value, map(str, t.enum)))


def _membership(ch: Checker, node: ast.Binary, left: Type, right: Type) -> Type:
    lifted = left.kind == "list" and right.kind != "string"
    a = (left.item or ANY) if lifted else left
    if right.kind == "list":
        item = right.item or ANY
        if not comparable(a, item, "=="):
            _not_comparable(ch, node, a, item)
        _check_enum(ch, a, node.left, node.right)
    elif right.kind in ("string", "map"):
        if a.kind not in ("string", "any", "null"):
            _operand(ch, node, a, right)
    elif right.kind not in ("any", "null"):
        _operand(ch, node, a, right)
    return list_of(BOOLEAN) if lifted else BOOLEAN


def _operand(ch: Checker, node: ast.Binary, left: Type, right: Type, hint: dict[str, str] = NO_HINT) -> None:
    (lzh, len_), (rzh, ren) = words(left), words(right)
    ch.report("EXPR_OPERAND_TYPE", node.pos, op=node.op, operands_zh=f"{lzh}和{rzh}",
              operands_en=f"{len_} and {ren}", **hint)


def _arith(ch: Checker, node: ast.Binary, left: Type, right: Type) -> Type:
    lifted = left.kind == "list" or right.kind == "list"
    a = (left.item or ANY) if left.kind == "list" else left
    b = (right.item or ANY) if right.kind == "list" else right
    if "any" in (a.kind, b.kind):
        return list_of(ANY) if lifted else ANY
    result = _ARITH[node.op].get((a.kind, b.kind))
    if result is None:
        hint = NO_HINT
        if node.op == "+" and "string" in (a.kind, b.kind):
            hint = {"hint_zh": "；把数字转成文本请用 string(x)",
                    "hint_en": "; use string(x) to turn a value into text"}
        _operand(ch, node, left, right, hint)
        return ANY
    return list_of(result) if lifted else result
