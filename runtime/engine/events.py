"""Events that drive an instance, as plain JSON dicts (the store keeps them as they came).

| type | fields | effect on the instance |
|---|---|---|
| ``start`` | instance | trigger.when first (false → ``not_applicable``), then from the start node |
| ``task.decided`` | task, decision (approved/rejected), form, actor | the approval waiting on that task goes on |
| ``timer.fired`` | timer | a timer, a wait_event timeout, an approval SLA, a merge window |
| ``event.received`` | name, data | every wait_event on ``name`` whose ``match`` holds (``event`` = data) |
| ``subflow.ended`` | call, outcome | the subflow node leaves by the port named like the outcome |
| ``service.responded`` | call, ok, status, body, error {code, message} | call_service leaves by ok / error |
| ``cancel`` | reason, actor | ends a waiting / incident instance; its tasks, timers, calls are cancelled |
| ``retry`` | actor | an instance in ``incident`` runs the failed node again |
"""

from __future__ import annotations

from typing import Any

from runtime.engine.errors import EventError

REQUIRED: dict[str, tuple[str, ...]] = {
    "start": ("instance",), "task.decided": ("task", "decision"), "timer.fired": ("timer",),
    "event.received": ("name",), "subflow.ended": ("call", "outcome"), "service.responded": ("call", "ok"),
    "cancel": (), "retry": (),
}
DECISIONS = ("approved", "rejected")


def start(instance: str) -> dict[str, Any]:
    return {"type": "start", "instance": instance}


def task_decided(task: str, decision: str, actor: str | None = None,
                 form: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "task.decided", "task": task, "decision": decision, "actor": actor, "form": form or {}}


def timer_fired(timer: str) -> dict[str, Any]:
    return {"type": "timer.fired", "timer": timer}


def event_received(name: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "event.received", "name": name, "data": data or {}}


def subflow_ended(call: str, outcome: str) -> dict[str, Any]:
    return {"type": "subflow.ended", "call": call, "outcome": outcome}


def service_responded(call: str, ok: bool, body: Any = None, status: int | None = None,
                      error: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "service.responded", "call": call, "ok": ok, "status": status, "body": body,
            "error": error}


def cancel(reason: str = "", actor: str | None = None) -> dict[str, Any]:
    return {"type": "cancel", "reason": reason, "actor": actor}


def retry(actor: str | None = None) -> dict[str, Any]:
    return {"type": "retry", "actor": actor}


def check_event(event: Any) -> str:
    """The event's type; raises EventError when the event is not one the engine knows, or lacks a field."""
    if type(event) is dict and event.get("type") == "start" and type(event.get("instance")) is str:
        return "start"
    if not isinstance(event, dict):
        raise EventError(f"an event is a dict with a 'type', not {type(event).__name__}")
    kind = event.get("type")
    if kind not in REQUIRED:
        raise EventError(f"unknown event type {kind!r}; known: {', '.join(REQUIRED)}")
    missing = [f for f in REQUIRED[kind] if event.get(f) is None]
    if missing:
        raise EventError(f"event {kind} lacks {', '.join(missing)}")
    if kind == "task.decided" and event["decision"] not in DECISIONS:
        raise EventError(f"task.decided needs decision approved or rejected, not {event['decision']!r}")
    return kind
