"""Runtime values: Decimal arithmetic in a bounded context, coercions, equality and ordering."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from decimal import Context, Decimal, DivisionByZero, InvalidOperation, Overflow, getcontext, setcontext
from typing import Any
from zoneinfo import ZoneInfo

from dsl.expr.errors import MAX_DIGITS, MAX_EXPONENT, MAX_STEPS, ExpressionRuntimeError, runtime_error

DEFAULT_ZONE = ZoneInfo("Asia/Shanghai")
# Every operation goes through this context, never the thread's: results stay below 10**999 and
# 34 digits, so no expression can build a huge number, and an overflow is an error, not a hang.
CTX = Context(prec=MAX_DIGITS, Emax=MAX_EXPONENT, Emin=-MAX_EXPONENT, traps=[InvalidOperation, DivisionByZero,
                                                                            Overflow])
ARITH_ERRORS = (Overflow, InvalidOperation, OverflowError)


_THREAD = threading.local()


def in_ctx(fn: Any, *args: Any) -> Any:
    """``fn(*args)`` with a copy of CTX (this thread's own, so its flags are too) as the current context.

    Inside, plain operators (``a * b``, ``a / b``, ``-a``, ``a.fma(b, c)``) round and trap exactly like
    CTX's methods at a fraction of their call cost (``CTX.multiply`` is ~4× slower than ``*``), which
    matters for loops over many numbers (route scoring)."""
    try:
        ctx = _THREAD.ctx
    except AttributeError:
        ctx = _THREAD.ctx = CTX.copy()
    saved = getcontext()
    setcontext(ctx)
    try:
        return fn(*args)
    finally:
        setcontext(saved)


class Frame:
    """One evaluation: the environment, the clock and the steps spent on list items."""

    __slots__ = ("clock", "env", "steps")

    def __init__(self, env: Any, clock: datetime):
        self.env = env
        self.clock = clock
        self.steps = 0

    def charge(self, n: int, pos: tuple[int, int]) -> None:
        """Spend ``n`` steps; past the budget the evaluation stops with EXPR_RUNTIME_BUDGET."""
        self.steps += n
        if self.steps > MAX_STEPS:
            raise runtime_error("EXPR_RUNTIME_BUDGET", pos, limit=MAX_STEPS)


def kind_words(value: Any) -> tuple[str, str]:
    """A runtime value's type in zh and en, for messages."""
    if value is None:
        return "空值", "null"
    if isinstance(value, bool):
        return "条件（是/否）", "a true/false value"
    if isinstance(value, (int, float, Decimal)):
        return "数字", "a number"
    for cls, zh, en in ((str, "文本", "text"), (datetime, "时间", "a date-time"),
                        (timedelta, "时长", "a duration"), (list, "列表", "a list"),
                        (dict, "对象", "an object")):
        if isinstance(value, cls):
            return zh, en
    return "其他值", "another value"


def type_error(op: str, pos: tuple[int, int], *values: Any) -> Exception:
    """EXPR_RUNTIME_TYPE (or EXPR_RUNTIME_NULL when a value is missing) for an operator's operands."""
    if any(v is None for v in values):
        return runtime_error("EXPR_RUNTIME_NULL", pos, op=op)
    zh, en = zip(*(kind_words(v) for v in values), strict=True)
    return runtime_error("EXPR_RUNTIME_TYPE", pos, op=op, operands_zh="和".join(zh),
                         operands_en=" and ".join(en))


def to_number(value: Any, op: str, pos: tuple[int, int]) -> Decimal:
    """A Decimal from a Decimal, int or float (floats through their shortest repr, so 0.1 stays 0.1)."""
    cls = type(value)
    if cls is Decimal:
        return value
    if cls is int:
        return Decimal(value)
    if cls is float:
        return Decimal(repr(value))
    raise type_error(op, pos, value)


def to_datetime(value: Any, pos: tuple[int, int]) -> datetime:
    """An aware datetime from a datetime or an ISO string; without an offset it is read in Asia/Shanghai."""
    if type(value) is str:
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            raise runtime_error("EXPR_RUNTIME_BAD_VALUE", pos, value=value[:40], type_zh="时间",
                                type_en="a date-time") from None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=DEFAULT_ZONE)
    raise type_error("datetime", pos, value)


def _normal(value: Any) -> Any:
    return Decimal(repr(value)) if type(value) is float else value


def equal(a: Any, b: Any) -> bool:
    """Equality without Python's surprises: true is not 1, 0.1 (float) is 0.1, ISO text equals its time."""
    ta, tb = type(a), type(b)
    if ta is bool or tb is bool:
        return ta is tb and a == b
    if ta is datetime and tb is str or ta is str and tb is datetime:
        try:
            return to_datetime(a, (0, 0)) == to_datetime(b, (0, 0))
        except ExpressionRuntimeError:  # an unreadable ISO text is simply not that time
            return False
    return _normal(a) == _normal(b)


_NUMBERS = (Decimal, int, float)


def order(op: str, a: Any, b: Any, pos: tuple[int, int]) -> int | None:
    """-1, 0 or 1 comparing two values of one kind; None when either is null (the comparison is false)."""
    if a is None or b is None:
        return None
    ta, tb = type(a), type(b)
    if ta is not bool and tb is not bool and isinstance(a, _NUMBERS) and isinstance(b, _NUMBERS):
        a, b = _normal(a), _normal(b)
    elif (ta is datetime or tb is datetime) and (ta in (str, datetime) and tb in (str, datetime)):
        a, b = to_datetime(a, pos), to_datetime(b, pos)
    elif not (ta is tb and ta in (str, timedelta, datetime)):
        raise type_error(op, pos, a, b)
    return (a > b) - (a < b)
