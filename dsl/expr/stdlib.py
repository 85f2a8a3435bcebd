"""The standard library: each function's parameter kinds, result type (for the checker) and implementation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dsl.expr import stdlib_time as T
from dsl.expr.errors import runtime_error
from dsl.expr.types import ANY, BOOLEAN, DATETIME, NUMBER, STRING, Type
from dsl.expr.values import (
    ARITH_ERRORS,
    CTX,
    Frame,
    equal,
    order,
    to_number,
    type_error,
)

Pos = tuple[int, int]


@dataclass(frozen=True)
class Fn:
    """One function: ``params`` are kind patterns (``number``, ``text|list``, ``list<number>``, ``any``)."""

    params: tuple[str, ...]
    result: Callable[[list[Type]], Type]
    impl: Callable[..., Any]  # impl(frame, pos, *args)
    optional: int = 0         # trailing params that may be left out
    variadic: bool = False    # the last param repeats
    doc: str = ""


def _fixed(t: Type) -> Callable[[list[Type]], Type]:
    return lambda _args: t


def _item(args: list[Type]) -> Type:
    first = args[0] if args else ANY
    return (first.item or ANY) if first.kind == "list" and len(args) == 1 else first


def _seq(value: Any, name: str, pos: Pos, fr: Frame) -> list[Any]:
    if value is None:
        return []
    if type(value) is not list:
        raise type_error(name, pos, value)
    fr.charge(len(value), pos)
    return value


def _numbers(fr: Frame, pos: Pos, name: str, xs: Any) -> list[Decimal]:
    return [to_number(x, name, pos) for x in _seq(xs, name, pos, fr) if x is not None]


def _add_all(xs: list[Decimal], pos: Pos) -> Decimal:
    total = Decimal(0)
    try:
        for x in xs:
            total = CTX.add(total, x)
    except ARITH_ERRORS:
        raise runtime_error("EXPR_RUNTIME_OVERFLOW", pos, limit=CTX.Emax) from None
    return total


def _sum(fr, pos, xs):
    return _add_all(_numbers(fr, pos, "sum", xs), pos)


def _avg(fr, pos, xs):
    nums = _numbers(fr, pos, "avg", xs)
    return CTX.divide(_add_all(nums, pos), Decimal(len(nums))) if nums else None


def _extreme(sign: int, name: str):
    def pick(fr, pos, *args):
        values = _seq(args[0], name, pos, fr) if len(args) == 1 else list(args)
        best = None
        for v in values:
            if v is not None and (best is None or order(name, v, best, pos) == sign):
                best = v
        return best
    return pick


def _truthy(name: str, pos: Pos, value: Any) -> bool:
    if value is None or type(value) is bool:
        return value is True
    raise type_error(name, pos, value)


def _any(fr, pos, xs):
    if type(xs) is not list:
        return _truthy("any", pos, xs)
    return any(_truthy("any", pos, x) for x in _seq(xs, "any", pos, fr))


def _all(fr, pos, xs):
    if type(xs) is not list:
        return _truthy("all", pos, xs)
    return all(_truthy("all", pos, x) for x in _seq(xs, "all", pos, fr))


def _distinct(fr, pos, xs):
    out: list[Any] = []
    for x in _seq(xs, "distinct", pos, fr):
        if not any(equal(x, seen) for seen in out):
            out.append(x)
    fr.charge(len(out) * len(out), pos)
    return out


def _text(name: str, fn: Callable[..., Any], default: Any = None):
    def run(fr, pos, s, *rest):
        if s is None:
            return default
        if type(s) is not str or any(type(r) is not str for r in rest):
            raise type_error(name, pos, s, *rest)
        return fn(s, *rest)
    return run


def _contains(fr, pos, s, x):
    if s is None:
        return False
    if type(s) is list:
        return any(equal(i, x) for i in _seq(s, "contains", pos, fr))
    if type(s) is str and type(x) is str:
        return x in s
    raise type_error("contains", pos, s, x)


def _contains_any(fr, pos, s, xs):
    return any(_contains(fr, pos, s, x) for x in _seq(xs, "contains_any", pos, fr))


def _round(fr, pos, x, places=Decimal(0)):
    if x is None:
        return None
    p = to_number(places, "round", pos)
    if p != p.to_integral_value() or not -12 <= p <= 12:
        raise runtime_error("EXPR_RUNTIME_BAD_VALUE", pos, value=str(places),
                            type_zh="小数位数（-12 到 12 的整数）",
                            type_en="a number of places (a whole number from -12 to 12)")
    try:
        return to_number(x, "round", pos).quantize(Decimal(1).scaleb(-int(p)), ROUND_HALF_UP, CTX)
    except ARITH_ERRORS:
        raise runtime_error("EXPR_RUNTIME_OVERFLOW", pos, limit=CTX.Emax) from None


def _math(name: str, fn: Callable[[Decimal], Decimal]):
    def run(fr, pos, x):
        if x is None:
            return None
        if type(x) is timedelta and name == "abs":
            return abs(x)
        return fn(to_number(x, name, pos))
    return run


def _to_number(fr, pos, x):
    if x is None or type(x) is not str:
        return None if x is None else to_number(x, "number", pos)
    try:
        value = CTX.create_decimal(x.strip())
    except ARITH_ERRORS:
        value = None
    if value is None or not value.is_finite():
        raise runtime_error("EXPR_RUNTIME_BAD_VALUE", pos, value=x[:40], type_zh="数字", type_en="a number")
    return value


def _to_string(fr, pos, x):
    if x is None:
        return ""
    if type(x) is bool:
        return "true" if x else "false"
    return x.isoformat() if isinstance(x, datetime) else str(x)


def _len(fr, pos, x):
    if x is None:
        return Decimal(0)
    if type(x) in (str, list):
        return Decimal(len(x))
    raise type_error("len", pos, x)


FUNCTIONS: dict[str, Fn] = {
    "count": Fn(("list",), _fixed(NUMBER), lambda fr, pos, xs: Decimal(len(_seq(xs, "count", pos, fr))),
                doc="count(列表) 个数"),
    "len": Fn(("string|list",), _fixed(NUMBER), _len, doc="len(文本或列表) 长度"),
    "sum": Fn(("list<number>",), _fixed(NUMBER), _sum, doc="sum(数字列表) 求和"),
    "avg": Fn(("list<number>",), _fixed(NUMBER), _avg, doc="avg(数字列表) 平均值"),
    "min": Fn(("orderable|list",), _item, _extreme(-1, "min"), variadic=True,
              doc="min(列表) 或 min(a, b, …)"),
    "max": Fn(("orderable|list",), _item, _extreme(1, "max"), variadic=True,
              doc="max(列表) 或 max(a, b, …)"),
    "any": Fn(("list<boolean>|boolean",), _fixed(BOOLEAN), _any, doc="any(条件列表) 任一为真"),
    "all": Fn(("list<boolean>|boolean",), _fixed(BOOLEAN), _all, doc="all(条件列表) 全部为真"),
    "distinct": Fn(("list",), lambda a: a[0], _distinct, doc="distinct(列表) 去重"),
    "lower": Fn(("string",), _fixed(STRING), _text("lower", str.lower), doc="lower(文本) 转小写"),
    "upper": Fn(("string",), _fixed(STRING), _text("upper", str.upper), doc="upper(文本) 转大写"),
    "trim": Fn(("string",), _fixed(STRING), _text("trim", str.strip), doc="trim(文本) 去掉首尾空格"),
    "contains": Fn(("string|list", "any"), _fixed(BOOLEAN), _contains, doc="contains(文本或列表, 值)"),
    "contains_any": Fn(("string|list", "list"), _fixed(BOOLEAN), _contains_any,
                       doc="contains_any(文本或列表, 列表)"),
    "starts_with": Fn(("string", "string"), _fixed(BOOLEAN), _text("starts_with", str.startswith, False),
                      doc="starts_with(文本, 开头)"),
    "ends_with": Fn(("string", "string"), _fixed(BOOLEAN), _text("ends_with", str.endswith, False),
                    doc="ends_with(文本, 结尾)"),
    "round": Fn(("number", "number"), _fixed(NUMBER), _round, optional=1, doc="round(数字, 小数位) 四舍五入"),
    "abs": Fn(("number|duration",), lambda a: a[0] if a[0].kind == "duration" else NUMBER, _math("abs", abs),
              doc="abs(数字) 绝对值"),
    "floor": Fn(("number",), _fixed(NUMBER), _math("floor", lambda x: x.to_integral_value("ROUND_FLOOR")),
                doc="floor(数字) 向下取整"),
    "ceil": Fn(("number",), _fixed(NUMBER), _math("ceil", lambda x: x.to_integral_value("ROUND_CEILING")),
               doc="ceil(数字) 向上取整"),
    "now": Fn((), _fixed(DATETIME), T.now, doc="now() 当前时间（流程运行时钟，上海时区）"),
    "days_between": Fn(("datetime", "datetime"), _fixed(NUMBER),
                       T.timed(lambda fr, pos, a, b: Decimal((T.local_date(b) - T.local_date(a)).days), 2),
                       doc="days_between(a, b) 相差的自然日"),
    "hours_between": Fn(("datetime", "datetime"), _fixed(NUMBER),
                        T.timed(lambda fr, pos, a, b: T.hours_of(b - a), 2),
                        doc="hours_between(a, b) 相差小时"),
    "hours_since": Fn(("datetime",), _fixed(NUMBER),
                      T.timed(lambda fr, pos, t: T.hours_of(T.now(fr, pos) - t)),
                      doc="hours_since(时间) 距今小时"),
    "zoned": Fn(("datetime", "string"), _fixed(DATETIME), T.timed(T.zoned), doc="zoned(时间, 时区) 换算时区"),
    "hour": Fn(("datetime",), _fixed(NUMBER), T.timed(lambda fr, pos, t: Decimal(t.hour)),
               doc="hour(时间) 小时 0-23"),
    "weekday": Fn(("datetime",), _fixed(NUMBER), T.timed(lambda fr, pos, t: Decimal(t.isoweekday())),
                  doc="weekday(时间) 星期 1-7"),
    "hours": Fn(("duration",), _fixed(NUMBER), T.duration_hours,
                doc="hours(时长) 小时数"),
    "coalesce": Fn(("any",), lambda a: next((t for t in a if t.kind not in ("null", "any")), ANY),
                   lambda fr, pos, *xs: next((x for x in xs if x is not None), None), variadic=True,
                   doc="coalesce(a, b, …) 第一个非空值"),
    "number": Fn(("string|number",), _fixed(NUMBER), _to_number, doc="number(文本) 转数字"),
    "string": Fn(("any",), _fixed(STRING), _to_string, doc="string(值) 转文本"),
}
