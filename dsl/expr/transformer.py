"""The Transformer beside ``expression.lark``: lark parse trees to ``dsl.expr.ast`` nodes."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

from lark import Token, Transformer, v_args

from dsl.expr import ast
from dsl.expr.errors import MAX_DIGITS, fail


def _pos(item: Token | object) -> ast.Pos:
    return (item.line, item.column)


_ESCAPES = {'"': '"', "'": "'", "\\": "\\", "n": "\n", "t": "\t"}
_ESCAPE_RE = re.compile(r"\\(u[0-9a-fA-F]{4}|.)")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _unescape(token: Token) -> str:
    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        if code in _ESCAPES:
            return _ESCAPES[code]
        if len(code) == 5:
            return chr(int(code[1:], 16))
        raise fail("EXPR_BAD_ESCAPE", token.line, token.column + match.start(), escape=match.group(0))

    return _ESCAPE_RE.sub(one, token.value[1:-1])


def _number(token: Token) -> Decimal:
    if len(token.value.replace(".", "").lstrip("0")) > MAX_DIGITS:
        raise fail("EXPR_NUMBER_TOO_LARGE", token.line, token.column, value=token.value[:40],
                   limit=MAX_DIGITS)
    return Decimal(token.value)


def _duration(token: Token) -> timedelta:
    try:
        return timedelta(**{_UNITS[token.value[-1]]: float(token.value[:-1])})
    except OverflowError:
        raise fail("EXPR_NUMBER_TOO_LARGE", token.line, token.column, value=token.value[:40],
                   limit=MAX_DIGITS) from None


def _binary(op: str):
    def build(self, meta, children):
        left, right = children[0], children[-1]
        where = _pos(children[1]) if len(children) == 3 else _pos(meta)
        return ast.Binary(op or children[1].value, left, right, where)
    return build


@v_args(meta=True)
class ToAst(Transformer):
    """Lark parse tree to ``dsl.expr.ast`` nodes."""

    def expression(self, meta, children):
        return children[0]

    def number(self, meta, children):
        return ast.Literal(_number(children[0]), _pos(children[0]))

    def string(self, meta, children):
        return ast.Literal(_unescape(children[0]), _pos(children[0]))

    def duration(self, meta, children):
        return ast.Literal(_duration(children[0]), _pos(children[0]))

    def true(self, meta, children):
        return ast.Literal(True, _pos(meta))

    def false(self, meta, children):
        return ast.Literal(False, _pos(meta))

    def null(self, meta, children):
        return ast.Literal(None, _pos(meta))

    def list(self, meta, children):
        return ast.ListOf(tuple(c for c in children if c is not None), _pos(meta))

    def call(self, meta, children):
        return ast.Call(children[0].value, tuple(c for c in children[1:] if c is not None), _pos(children[0]))

    def name(self, meta, children):
        return ast.Name(children[0].value, _pos(children[0]))

    def field(self, meta, children):
        return ast.Field(children[0], children[1].value, _pos(children[1]))

    def index(self, meta, children):
        return ast.Index(children[0], children[1], children[1].pos)

    add = sub = mul = div = mod = compare = _binary("")
    in_op, not_in_op, and_op, or_op = _binary("in"), _binary("not in"), _binary("and"), _binary("or")

    def not_op(self, meta, children):
        return ast.Unary("not", children[0], _pos(meta))

    def neg(self, meta, children):
        return ast.Unary("-", children[0], _pos(meta))

    def if_expr(self, meta, children):
        return ast.If(children[0], children[1], children[2], _pos(meta))

    def any_test(self, meta, children):
        return ast.Tests((ast.Test("any", _pos(meta)),), _pos(meta))

    def test_list(self, meta, children):
        return ast.Tests(tuple(children), _pos(meta))

    def not_test(self, meta, children):
        return ast.Test("not", _pos(meta), inner=children[0])

    def compare_test(self, meta, children):
        return ast.Test("compare", _pos(meta), op=children[0].value, operand=children[1])

    def contains_test(self, meta, children):
        return ast.Test("contains", _pos(meta), operand=children[0])

    def contains_any_test(self, meta, children):
        return ast.Test("contains_any", _pos(meta), operand=children[0])

    def range_test(self, meta, children):
        return ast.Test("range", _pos(meta), operand=children[0], upper=children[1])

    def equals_test(self, meta, children):
        return ast.Test("equals", _pos(meta), operand=children[0])

