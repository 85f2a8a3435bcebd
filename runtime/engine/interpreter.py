"""The interpreter: ``run(plan, state, event, snapshot, clock) -> Result``. Pure: no IO, no wall clock.

This module turns an event into work for the token loop (:mod:`runtime.engine.loop`): start (trigger
first), wake the tokens waiting for it, cancel, retry. Node behaviour lives in ``runtime/handlers``.
Same plan, state, event, snapshot and clock always give the same state, steps and effects.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from dsl.expr import ExpressionRuntimeError
from runtime.engine.context import Run
from runtime.engine.durations import check_clock
from runtime.engine.effects import Effect
from runtime.engine.errors import EventError, NodeIncident, PlanMismatch
from runtime.engine.events import check_event
from runtime.engine.loop import apply, cancel_all, drive, fail, incident
from runtime.engine.plan import Plan
from runtime.engine.snapshot import Snapshot
from runtime.engine.state import ENDED, new_state, working_copy
from runtime.engine.steps import Step

WAIT_KEYS = {"task.decided": "task", "timer.fired": "timer", "subflow.ended": "call",
             "service.responded": "call", "event.received": "event"}
EVENT_VALUE = {"event.received": "name"}


@dataclass(slots=True)
class Result:
    """A run's outcome. ``ignored`` says why an event changed nothing (state is then the input state)."""

    state: dict[str, Any]
    steps: list[Step] = field(default_factory=list)
    effects: list[Effect] = field(default_factory=list)
    ignored: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"state": self.state, "steps": [s.to_dict() for s in self.steps],
                "effects": [e.to_dict() for e in self.effects], "ignored": self.ignored}


def run(plan: Plan, state: dict[str, Any] | None, event: dict[str, Any], snapshot: Snapshot,
        clock: datetime) -> Result:
    """Apply one event to an instance. ``state`` is None for ``start``; never changed in place."""
    check_clock(clock)
    kind = check_event(event)
    now = clock.isoformat()
    if kind == "start":
        if state is not None:
            raise EventError("start begins a new instance: pass state=None")
        r = Run(plan, new_state(event["instance"], plan.key, plan.hash, now), snapshot, clock, now, event)
        _start(r)
        return _finish(r)
    if state is None:
        raise EventError(f"{kind} needs the instance's state")
    if state.get("plan") != plan.hash:
        raise PlanMismatch(f"state of flow {state.get('flow')!r} was started by plan {state.get('plan')!r}, "
                           f"not {plan.hash!r}: load the version the instance started on")
    status = state["status"]
    if status in ENDED:
        return Result(state, ignored=f"instance is {status}")
    r = Run(plan, working_copy(state), snapshot, clock, now, event)
    if kind == "cancel":
        cancel_all(r, "cancel", event.get("reason") or "", event.get("actor"))
        r.state["status"] = "cancelled"
        return _finish(r)
    if kind == "retry":
        if status != "incident":
            return Result(state, ignored=f"retry needs an instance in incident, this one is {status}")
        return _finish(_retry(r))
    if status == "incident":
        return Result(state, ignored="instance is in incident: retry or cancel it first")
    if not _resume(r, kind, event):
        return Result(state, ignored=f"no waiting node takes this {kind}")
    return _finish(r)


def _start(r: Run) -> None:
    """trigger.when first (recorded as the ``trigger`` step); false → not_applicable; else from the start."""
    trigger = r.plan.trigger
    if trigger is not None:
        token = {"id": 0, "since": r.now}
        try:
            detail = trigger.spec.evaluate(r.env, r.clock)
        except ExpressionRuntimeError as err:
            incident(r, trigger, token, err.code, err.problem.message_en, err.problem.message_zh,
                      {"expression": {"line": err.problem.line, "column": err.problem.column}})
            return
        r.record(trigger, "start" if detail[0] else "not_applicable", "done", token, detail)
        if not detail[0]:
            r.state.update(status="not_applicable", outcome="not_applicable", ended_at=r.now)
            return
    r.new_token(r.plan.start, None)
    drive(r)


def _retry(r: Run) -> Run:
    """Run the failed node again (on this run's snapshot), then any tokens that were ready with it."""
    failed = r.state["incident"]
    r.state.update(status="running", incident=None)
    if failed["node"] == "trigger":
        _start(r)
        return r
    ready = [t for t in r.tokens if t["wait"] is None]
    ready.sort(key=lambda t: t["id"] != failed["token"])  # the failed node first, then the others in order
    r.queue.extend(ready)
    drive(r)
    return r


def _resume(r: Run, kind: str, event: dict[str, Any]) -> bool:
    """Wake every token waiting for this event (in token order); False when none took it."""
    key, value = WAIT_KEYS[kind], event[EVENT_VALUE.get(kind, WAIT_KEYS[kind])]
    took = False
    for token in [t for t in r.tokens if t["wait"] is not None and t["wait"].get(key) == value]:
        if r.state["status"] not in ("running", "waiting") or token not in r.tokens:
            break
        node = r.plan.nodes[token["node"]]
        r.fx = 0
        try:
            out = node.resume(r, node, token, event)
            if out is None:
                continue
            took = True
            r.state["status"] = "running"
            apply(r, node, token, out, event.get("actor"))
        except (ExpressionRuntimeError, NodeIncident) as err:
            fail(r, node, token, err)
            return True
        drive(r)
    return took


def _finish(r: Run) -> Result:
    state = r.state
    state["seq"] = r.seq
    if state["status"] == "running":
        if any(t["wait"] is not None for t in r.tokens):
            state["status"] = "waiting"
        else:
            state.update(status="incident", incident={
                "node": None, "token": None, "seq": r.seq, "at": r.now, "code": "FLOW_STUCK",
                "message_en": "no token is left to run and no end was reached (a join waits for a branch "
                              "that never comes)",
                "message_zh": "没有可继续的分支，也没有到达结束节点（汇合节点在等待不会到达的分支）"})
    result = _new_result(Result)  # the dataclass's __init__ is a Python call; every field is set here
    result.state, result.steps, result.effects, result.ignored = state, r.steps, r.effects, None
    return result


_new_result = object.__new__
