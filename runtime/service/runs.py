"""One engine run of one instance, applied: snapshot → ``run`` → reservations (re-run on conflict) →
effects → state, steps, status; and the queue of runs a unit of work drains."""

from __future__ import annotations

import json
from typing import Any

import orjson

from runtime.engine import Result, events, run
from runtime.service.effects import apply_effects, apply_reservations
from runtime.service.errors import Refused
from runtime.service.release import plan_for
from runtime.service.snapshots import SAME_AS
from runtime.service.views import ENDED, STEP_EXTRA, stage_parts
from runtime.service.work import Work, engine_id
from runtime.store.models import Instance, Task, Timer
from runtime.store.timers import cancel_timers

MAX_STOCK_ATTEMPTS = 5


class StockConflict(RuntimeError):
    """Reservations kept conflicting although every attempt ran on a fresh snapshot."""


def start_instance(work: Work, version_id: int, stage: str) -> Instance:
    """A new top-level instance of the version in ``stage``, its start queued."""
    inst = work.create_instance(version_id, stage)
    work.queue.append((inst.id, events.start(engine_id(inst.id))))
    return inst


def drain(work: Work) -> None:
    """Run every queued (instance, event) — and what they queue — in order."""
    while work.queue:
        instance_id, event = work.queue.popleft()
        inst = work.instance(instance_id)
        if inst is not None:
            run_instance(work, inst, event)


def run_instance(work: Work, inst: Instance, event: dict[str, Any], *, strict: bool = False) -> Result | None:
    """Apply one engine event to an instance in this transaction; ``None`` when the engine ignored it
    (``strict``: raise :class:`Refused` instead)."""
    info = work.version(inst.flow_version_id)
    plan = plan_for(info)
    starting = event["type"] == "start"
    if starting and inst.state:
        return None  # already started
    state = None if starting else inst.state
    request = work.return_request() if stage_parts(inst.stage)[0] == "return" else None
    for _ in range(MAX_STOCK_ATTEMPTS):
        snapshot = work.snapshot(request)
        result = run(plan, state, event, snapshot, work.clock)
        if result.ignored:
            if strict:
                raise Refused("RUN_EVENT_IGNORED", f"流程没有在等待这个事件：{result.ignored}",
                              f"nothing waits for this event: {result.ignored}", reason=result.ignored)
            return None
        if apply_reservations(work, inst, result):
            break
        work.changes += 1  # the snapshot was stale: read the stock again
    else:
        raise StockConflict(f"instance {inst.id}: stock reservations conflicted {MAX_STOCK_ATTEMPTS} times")
    if starting:
        stored = work.snapshot_dict(snapshot)
        owner = work.snapshot_owner(stored)
        if owner is not None and result.state["status"] == "not_applicable":
            inst.input_snapshot = {SAME_AS: owner}  # the compact not-applicable record: see snapshots.SAME_AS
        else:
            inst.input_snapshot = stored
            work.own_snapshot(stored, inst.id)
    apply_effects(work, inst, info, result)
    _save(work, inst, result, event)
    return result


_AS_TEXT = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def _jsonable(value: Any) -> Any:
    """JSON data: Decimals, dates and other scalars as text (what ``json.dumps(default=str)`` writes) — by an
    orjson round trip, several times faster than walking the value in Python (:func:`_walk`, kept for
    integers beyond 64 bits)."""
    try:
        return orjson.loads(orjson.dumps(value, default=str, option=_AS_TEXT))
    except TypeError:
        return _walk(value)


def _walk(value: Any) -> Any:
    if isinstance(value, dict):
        return {k if isinstance(k, str) else _key(k): _walk(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_walk(v) for v in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return str(value)


def _key(key: Any) -> str:
    return json.dumps(key) if key is None or isinstance(key, (bool, int, float)) else str(key)


def _save(work: Work, inst: Instance, result: Result, event: dict[str, Any]) -> None:
    info = work.version(inst.flow_version_id)
    state = result.state
    previous = inst.status
    inst.state = state
    inst.status = state["status"]
    inst.outcome = state.get("outcome")
    inst.error = state.get("incident")
    inst.updated_at = work.clock
    if inst.status in ENDED and inst.ended_at is None:
        inst.ended_at = work.clock
    if not work.ended_in_bulk(inst):
        work.persist(inst)
    stage, rnd = stage_parts(inst.stage)
    rows = work.rows.steps
    live = work.live
    for step in result.steps:
        shaped = step.to_dict()
        explanation = _jsonable(shaped["explanation"])
        rows.append({
            "instance_id": inst.id, "order_id": inst.order_id, "seq": shaped["seq"], "node_id": shaped["node"],
            "node_type": shaped["type"], "port": shaped["port"],
            "started_at": work.parse_time(shaped["started"]),
            "ended_at": work.parse_time(shaped["ended"]) if shaped["ended"] else None, "actor": shaped["actor"],
            "explanation": {**explanation, STEP_EXTRA: {"status": shaped["status"], "token": shaped["token"],
                                                        "label": shaped["label"]}}})
        if live:
            work.publish("order.step", [f"order:{inst.order_id}"], {
                "order_id": inst.order_id, "instance_id": inst.id, "flow": info.flow_key, "version": info.number,
                "stage": stage, "round": rnd, "step": {**shaped, "explanation": explanation}})
    if inst.status != previous or result.steps:
        work.publish_instance(inst)
    if inst.status in ENDED and previous not in ENDED:
        _ended(work, inst)


def _ended(work: Work, inst: Instance) -> None:
    """Tidy up after an instance ended; tell a sub-flow's parent how it ended."""
    if inst.status != "not_applicable" and not work.in_bulk(inst):
        _tidy(work, inst)  # an instance that ended in its first run without a row made no task or timer
    _hand_back(work, inst)


def _tidy(work: Work, inst: Instance) -> None:
    if inst.id in work.created and inst.id not in work.referred:
        return  # started in this unit of work and made no task or timer
    work.flush_pending(Task, Timer)
    cancel_timers(work.session, inst.id)
    for task in work.session.query(Task).filter(Task.instance_id == inst.id, Task.status.in_(("open", "claimed"))):
        task.status = "cancelled"
        work.publish_task(task, "task.updated")


def _hand_back(work: Work, inst: Instance) -> None:
    stage = stage_parts(inst.stage)[0]
    if inst.parent_instance_id is not None:
        parent = work.instance(inst.parent_instance_id)
        call = _call_of(parent, inst) if parent is not None else None
        if call is not None:
            work.queue.append((parent.id, events.subflow_ended(call, inst.outcome or inst.status)))
        return
    vars_ = (inst.state or {}).get("vars") or {}
    if stage == "return":
        code = vars_.get("reason_code") or vars_.get("reason_class")
        request = work.return_request()
        if request is not None and isinstance(code, str):
            request.reason_code = code
    if stage == "routing" and inst.status == "completed" and not work.order.routed_warehouses:
        route = ((inst.state or {}).get("routes") or {}).get("warehouse") or {}
        if route.get("id"):
            work.order.routed_warehouses = [route["id"]]


def _call_of(parent: Instance, child: Instance) -> str | None:
    """The call id the parent's sub-flow node waits on for this child."""
    for token in (parent.state or {}).get("tokens", ()):
        wait = token.get("wait") or {}
        if token.get("node") == child.parent_node_id and wait.get("kind") == "subflow":
            return wait.get("call")
    return None
