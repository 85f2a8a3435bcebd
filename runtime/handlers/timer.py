"""timer: wait for a duration, or until a moment computed by an expression, then go on."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from runtime.engine.durations import parse_duration
from runtime.engine.errors import NodeIncident
from runtime.engine.outcomes import Wait


def compile(config: dict[str, Any], c) -> tuple[Any, Any]:
    if "duration" in config:
        return parse_duration(config["duration"]), None
    return None, c.expr(config["until"], "datetime")


def run(ctx, node, token):
    duration, until = node.spec
    due = ctx.clock + duration if duration is not None else until.evaluate(ctx.env, ctx.clock)
    if not isinstance(due, datetime):
        raise NodeIncident("TIMER_NO_TIME", f"'until' gave {due!r}, not a date-time",
                           f"“等待到”的结果 {due!r} 不是时间")
    due_at = due.isoformat()
    timer = ctx.effect("timer.schedule", node.id, {"due_at": due_at, "purpose": "timer"}, key_as="timer")
    return Wait({"kind": "timer", "timer": timer, "due": due_at}, ("waiting", due_at))


def resume(ctx, node, token, event):
    return "next", ("fired", token["wait"]["due"])


def explain(spec, detail) -> dict[str, Any]:
    state, due = detail
    return {"due_at": due, "state": state}
