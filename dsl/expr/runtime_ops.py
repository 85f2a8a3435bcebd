"""Runtime operators: the slow paths behind the compiler's fast ones (lists, mixed kinds, nulls, errors)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from dsl.expr.errors import runtime_error
from dsl.expr.values import ARITH_ERRORS, CTX, Frame, equal, order, to_datetime, to_number, type_error

Pos = tuple[int, int]
_NUMERIC = (Decimal, int, float)
_DECIMAL_OPS = {"+": CTX.add, "-": CTX.subtract, "*": CTX.multiply, "/": CTX.divide, "%": CTX.remainder}
_ORDER_TESTS = {"<": lambda c: c < 0, "<=": lambda c: c <= 0, ">": lambda c: c > 0, ">=": lambda c: c >= 0}
_MICRO = timedelta(microseconds=1)


def lift(op: str, left: Any, right: Any, pos: Pos, fr: Frame, scalar, zip_lists: bool = True) -> Any:
    """Apply ``scalar`` to each item when a side is a list (both lists: pairwise, equal lengths)."""
    lists = (type(left) is list, type(right) is list)
    if lists == (True, True):
        if not zip_lists:
            raise type_error(op, pos, left, right)
        if len(left) != len(right):
            raise runtime_error("EXPR_RUNTIME_LENGTH", pos, left=len(left), right=len(right))
        fr.charge(len(left), pos)
        return [scalar(op, x, y, pos) for x, y in zip(left, right, strict=True)]
    if lists[0]:
        fr.charge(len(left), pos)
        return [scalar(op, x, right, pos) for x in left]
    if lists[1]:
        fr.charge(len(right), pos)
        return [scalar(op, left, y, pos) for y in right]
    return scalar(op, left, right, pos)


def arith(op: str, left: Any, right: Any, pos: Pos) -> Any:
    """One arithmetic operation on two scalars: numbers, text (+), date-times and durations."""
    if left is None or right is None:
        raise runtime_error("EXPR_RUNTIME_NULL", pos, op=op)
    tl, tr = type(left), type(right)
    if tl in _NUMERIC and tr in _NUMERIC:
        x, y = to_number(left, op, pos), to_number(right, op, pos)
        if op in "/%" and not y:
            raise runtime_error("EXPR_RUNTIME_DIVISION_BY_ZERO", pos)
        try:
            return _DECIMAL_OPS[op](x, y)
        except ARITH_ERRORS:
            raise runtime_error("EXPR_RUNTIME_OVERFLOW", pos, limit=CTX.Emax) from None
    if op == "+" and tl is str and tr is str:
        return left + right
    if tl is str and (tr is timedelta or tr is datetime):
        left, tl = to_datetime(left, pos), datetime
    elif tr is str and tl is datetime:
        right, tr = to_datetime(right, pos), datetime
    try:
        return _time_arith(op, left, right, tl, tr, pos)
    except OverflowError:
        raise runtime_error("EXPR_RUNTIME_OVERFLOW", pos, limit=CTX.Emax) from None


def _time_arith(op: str, left: Any, right: Any, tl: type, tr: type, pos: Pos) -> Any:
    dl, dr = isinstance(left, datetime), isinstance(right, datetime)
    if op in "+-" and (dl or tl is timedelta) and tr is timedelta:
        return left + right if op == "+" else left - right
    if op == "+" and tl is timedelta and dr:
        return right + left
    if op == "-" and dl and dr:
        return to_datetime(left, pos) - to_datetime(right, pos)
    if op in "*/" and tl is timedelta and tr in _NUMERIC:
        factor = float(to_number(right, op, pos))
        if op == "/" and not factor:
            raise runtime_error("EXPR_RUNTIME_DIVISION_BY_ZERO", pos)
        return left * factor if op == "*" else left / factor
    if op == "*" and tl in _NUMERIC and tr is timedelta:
        return right * float(to_number(left, op, pos))
    if op == "/" and tl is timedelta and tr is timedelta:
        if not right:
            raise runtime_error("EXPR_RUNTIME_DIVISION_BY_ZERO", pos)
        return CTX.divide(Decimal(left // _MICRO), Decimal(right // _MICRO))
    raise type_error(op, pos, left, right)


def compare(op: str, left: Any, right: Any, pos: Pos) -> bool:
    """One comparison of two scalars; an ordering with null is false."""
    if op == "==":
        return equal(left, right)
    if op == "!=":
        return not equal(left, right)
    c = order(op, left, right, pos)
    return False if c is None else _ORDER_TESTS[op](c)


def compare_values(op: str, left: Any, right: Any, pos: Pos, fr: Frame) -> Any:
    """A comparison: two lists compare whole (== and != only); a list and a value compare item by item."""
    if type(left) is list and type(right) is list and op in ("==", "!="):
        fr.charge(len(left), pos)
        same = len(left) == len(right) and all(equal(x, y) for x, y in zip(left, right, strict=True))
        return same if op == "==" else not same
    return lift(op, left, right, pos, fr, compare, zip_lists=False)


def member(op: str, left: Any, right: Any, pos: Pos, fr: Frame) -> Any:
    """``left in right``: list membership, substring in text, key of a map; a list on the left: per item."""
    if type(left) is list and type(right) is not str:
        fr.charge(len(left), pos)
        return [member(op, x, right, pos, fr) for x in left]
    if right is None:
        found = False
    elif type(right) is list:
        fr.charge(len(right), pos)
        found = any(equal(left, x) for x in right)
    elif type(right) is str and type(left) is str or isinstance(right, dict) and type(left) is str:
        found = left in right
    else:
        raise type_error(op, pos, left, right)
    return found if op == "in" else not found


def truth(op: str, value: Any, pos: Pos) -> bool:
    """A condition's truth: null counts as false; anything but true/false/null is a type error."""
    if value is True or value is False:
        return value
    if value is None:
        return False
    raise type_error(op, pos, value)


def logic(op: str, left: Any, right: Any, pos: Pos, fr: Frame) -> Any:
    """``and`` / ``or`` when a side is a list of conditions: item by item."""
    def one(o: str, x: Any, y: Any, p: Pos) -> bool:
        a, b = truth(o, x, p), truth(o, y, p)
        return (a and b) if o == "and" else (a or b)
    return lift(op, left, right, pos, fr, one)


def negate(op: str, value: Any, pos: Pos, fr: Frame) -> Any:
    """``-x`` or ``not x``, item by item over a list."""
    if type(value) is list:
        fr.charge(len(value), pos)
        return [negate(op, x, pos, fr) for x in value]
    if op == "not":
        return not truth(op, value, pos)
    if value is None:
        raise runtime_error("EXPR_RUNTIME_NULL", pos, op=op)
    if type(value) is timedelta:
        return -value
    return CTX.minus(to_number(value, op, pos))
