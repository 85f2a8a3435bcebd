"""Durations as the catalog writes them (``30m``, ``4h``, ``2d``) and instants as ISO text."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache

_DURATION = re.compile(r"^([1-9][0-9]{0,5})([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


@lru_cache(maxsize=256)
def parse_duration(text: str) -> timedelta:
    """``4h`` → 4 hours; raises ValueError on anything else (the validator has refused it earlier)."""
    found = _DURATION.match(text)
    if not found:
        raise ValueError(f"not a duration: {text!r} (write e.g. 30m, 4h, 2d)")
    return timedelta(**{_UNITS[found.group(2)]: int(found.group(1))})


def iso(moment: datetime) -> str:
    """The ISO 8601 text of an aware datetime (the form states, steps and effects carry)."""
    return moment.isoformat()


def check_clock(clock: datetime) -> datetime:
    """The run's clock must be an aware datetime: the engine never reads the wall clock itself."""
    if not isinstance(clock, datetime) or clock.tzinfo is None:
        raise TypeError(f"clock must be an aware datetime, not {clock!r}")
    return clock
