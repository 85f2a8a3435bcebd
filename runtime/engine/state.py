"""An instance's state: plain JSON data (dicts, lists, str, int, bool, None; Decimals as text).

Shape (``format`` ``orderloom.state/1``)::

    {"format", "instance", "flow", "plan",           # which instance, flow key, plan's behaviour hash
     "status",                                        # running waiting completed incident cancelled not_applicable
     "seq",                                           # number of the last recorded step
     "next_token", "tokens": [{"id", "node", "from", "since", "wait"}],
     "joins": {join node id: ["from.port", …]},       # arrivals at joins still waiting for siblings
     "vars": {…}, "vtypes": {name: "decimal" | "datetime" | "duration"},
     "routes": {"warehouse" | "carrier": {"id", "parts"}},   # the last route decision per target
     "outcome", "incident", "started_at", "ended_at"}

A token with ``wait`` null is ready (only kept across runs when an incident stopped the run); a
waiting token's ``wait`` says what it waits for (``kind`` task, timer, event, subflow, service,
stock) and the keys events are matched by. Nothing here is ever mutated in place by a later run:
:func:`working_copy` copies the parts a run may change.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

STATE_FORMAT = "orderloom.state/1"
ENDED = frozenset({"completed", "cancelled", "not_applicable"})


def new_state(instance: str, flow: str, plan_hash: str, now: str) -> dict[str, Any]:
    """The state of an instance about to start."""
    return {"format": STATE_FORMAT, "instance": instance, "flow": flow, "plan": plan_hash,
            "status": "running", "seq": 0, "next_token": 1, "tokens": [], "joins": {}, "vars": {},
            "vtypes": {}, "routes": {}, "outcome": None, "incident": None, "started_at": now,
            "ended_at": None}


def working_copy(state: dict[str, Any]) -> dict[str, Any]:
    """A copy a run may change without touching the caller's state (the nested parts it edits)."""
    copy = dict(state)
    copy["tokens"] = [dict(t) for t in state["tokens"]]
    copy["joins"] = {k: list(v) for k, v in state["joins"].items()}
    copy["vars"] = dict(state["vars"])
    copy["vtypes"] = dict(state["vtypes"])
    copy["routes"] = dict(state["routes"])
    return copy


def jsonable(value: Any) -> Any:
    """``value`` as JSON data: Decimal → text, datetime → ISO text, duration → seconds as text."""
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:
        return value
    if kind is Decimal:
        return str(value)
    if kind is list or kind is tuple:
        return [jsonable(v) for v in value]
    if kind is dict:
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(Decimal(value // timedelta(microseconds=1)) / 1000000)
    if kind is float:
        return str(Decimal(repr(value)))
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (str, int)):
        return value
    raise TypeError(f"cannot keep a {kind.__name__} in an instance's state")


def var_type(value: Any) -> str | None:
    """Which scalar kind a variable had, so :func:`thaw` can give it back after a JSON round trip."""
    kind = type(value)
    if kind is Decimal or kind is float:
        return "decimal"
    if isinstance(value, datetime):
        return "datetime"
    if isinstance(value, timedelta):
        return "duration"
    return None


def thaw(vars_: dict[str, Any], vtypes: dict[str, str]) -> dict[str, Any]:
    """The variables as expressions read them: numbers, times and durations back from their text."""
    if not vtypes:
        return dict(vars_)
    out = dict(vars_)
    for name, kind in vtypes.items():
        text = out.get(name)
        if text is None:
            continue
        if kind == "decimal":
            out[name] = Decimal(text)
        elif kind == "datetime":
            out[name] = datetime.fromisoformat(text)
        elif kind == "duration":
            out[name] = timedelta(seconds=float(Decimal(text)))
    return out
