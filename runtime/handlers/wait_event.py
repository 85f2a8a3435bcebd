"""wait_event: pause until an outside event arrives whose ``match`` holds (``event`` = its data), or time out.

A matching ``event.received`` → ``received`` (the event's data kept in ``vars.<node id>``; the timeout
timer cancelled); a non-matching one leaves the token waiting and records nothing; the timeout
timer firing → ``timeout``.
"""

from __future__ import annotations

from typing import Any

from runtime.engine.durations import parse_duration
from runtime.engine.explain import condition_explanation
from runtime.engine.outcomes import Wait


def compile(config: dict[str, Any], c) -> tuple[Any, ...]:
    match = config.get("match")
    return (config["event"], c.condition(match, event="any") if match else None,
            parse_duration(config["timeout"]) if config.get("timeout") else None)


def run(ctx, node, token):
    name, _, timeout = node.spec
    timer = due = None
    if timeout is not None:
        due = (ctx.clock + timeout).isoformat()
        timer = ctx.effect("timer.schedule", node.id, {"due_at": due, "purpose": "timeout"}, key_as="timer")
    return Wait({"kind": "event", "event": name, "timer": timer, "due": due}, ("waiting", name, due, None))


def resume(ctx, node, token, event):
    name, match, _ = node.spec
    wait = token["wait"]
    if event["type"] == "timer.fired":
        return "timeout", ("timeout", name, wait["due"], None)
    data = event.get("data") or {}
    detail = None
    if match is not None:
        ctx.env["event"] = data
        try:
            detail = match.evaluate(ctx.env, ctx.clock)
        finally:
            del ctx.env["event"]
        if not detail[0]:
            return None
    if wait.get("timer"):
        ctx.effect("timer.cancel", node.id, {"timer": wait["timer"]})
    ctx.set_var(node.id, data)
    return "received", ("received", name, wait["due"], detail)


def explain(spec, detail) -> dict[str, Any]:
    state, name, due, matched = detail
    out: dict[str, Any] = {"state": state, "event": name, "timeout_at": due}
    if matched is not None:
        out["match"] = condition_explanation(spec[1], matched)
    return out
