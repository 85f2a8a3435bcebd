"""Time functions of the standard library: the run's clock, zones, calendar days, hours."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dsl.expr.errors import runtime_error
from dsl.expr.values import CTX, DEFAULT_ZONE, Frame, to_datetime, type_error

Pos = tuple[int, int]
_MICROS_PER_HOUR = Decimal(3_600_000_000)


def zone(name: str) -> ZoneInfo | None:
    """The time zone called ``name`` (e.g. ``Asia/Shanghai``), or None if there is none."""
    return _zone(name) if isinstance(name, str) and 0 < len(name) <= 64 else None


@lru_cache(maxsize=128)
def _zone(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def hours_of(td: timedelta) -> Decimal:
    """A duration in hours, exactly."""
    return CTX.divide(Decimal(td // timedelta(microseconds=1)), _MICROS_PER_HOUR)


def now(fr: Frame, pos: Pos) -> datetime:
    """The run's clock in Asia/Shanghai: the only source of time."""
    return to_datetime(fr.clock, pos).astimezone(DEFAULT_ZONE)


def timed(fn: Callable[..., Any], times: int = 1):
    """Wrap a function whose first ``times`` arguments are date-times (ISO text is read as one)."""
    def run(fr, pos, *args):
        if any(a is None for a in args):
            return None
        try:
            return fn(fr, pos, *(to_datetime(a, pos) if i < times else a for i, a in enumerate(args)))
        except OverflowError:  # e.g. year 1 moved to a zone west of it
            raise runtime_error("EXPR_RUNTIME_BAD_VALUE", pos, value=str(args[0])[:40], type_zh="时间",
                                type_en="a date-time") from None
    return run


def duration_hours(fr, pos, d):
    """hours(d): a duration in hours."""
    if d is None:
        return None
    if type(d) is not timedelta:
        raise type_error("hours", pos, d)
    return hours_of(d)


def zoned(fr, pos, t, name):
    """zoned(t, zone): the same instant seen in another zone."""
    tz = zone(name)
    if tz is None:
        raise runtime_error("EXPR_RUNTIME_BAD_VALUE", pos, value=str(name)[:40], type_zh="时区",
                            type_en="a time zone")
    return t.astimezone(tz)


def local_date(t: datetime):
    """The calendar date of ``t`` in Asia/Shanghai."""
    return t.astimezone(DEFAULT_ZONE).date()
