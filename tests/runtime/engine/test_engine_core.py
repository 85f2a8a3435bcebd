"""The interpreter itself: tokens, waits, save/restore, determinism, incidents, cancel, plan errors."""

from __future__ import annotations

import json

import pytest

from runtime.engine import EventError, PlanError, PlanMismatch, compile_plan, events, loop, run
from runtime.engine.state import STATE_FORMAT
from tests.runtime.engine.support import (
    CLOCK,
    effect,
    flow,
    kinds,
    later,
    node,
    order,
    path,
    roundtrip,
    snapshot,
    start,
    step,
    template,
)


def end(id_="done", outcome="done"):
    return node(id_, "end", outcome=outcome)


def parallel_flow(mode="all"):
    """Reserve-and-notify in parallel: branch a waits 1h on a timer, branch b notifies at once."""
    return compile_plan(flow("fan-out", "fork", [
        node("fork", "parallel", branches=["a", "b"]),
        node("wait_a", "timer", duration="1h"),
        node("tell_b", "notify", channel="sms", to="customer", message='"好的"'),
        node("meet", "join", mode=mode), end()],
        [("fork", "a", "wait_a"), ("fork", "b", "tell_b"), ("wait_a", "next", "meet"), ("tell_b", "next", "meet"),
         ("meet", "next", "done")]))


def test_parallel_branches_run_as_tokens_and_the_join_waits_for_all():
    plan = parallel_flow()
    first = start(plan, snapshot())
    assert first.state["status"] == "waiting"
    assert [(t["id"], t["node"]) for t in first.state["tokens"]] == [(1, "wait_a")]
    assert first.state["joins"] == {"meet": ["tell_b.next"]}
    assert ("meet", None) in path(first) and step(first, "meet")["status"] == "absorbed"
    done = run(plan, roundtrip(first.state), events.timer_fired(effect(first, "timer.schedule")["timer"]),
               snapshot(), later(1))
    assert done.state["status"] == "completed" and done.state["joins"] == {} and done.state["tokens"] == []
    assert step(done, "meet")["explanation"] == {"mode": "all", "arrived_from": "wait_a.next", "arrived": 2,
                                                 "expected": 2}


def test_join_any_goes_on_with_the_first_branch_and_end_cancels_the_rest():
    first = start(parallel_flow("any"), snapshot())
    assert first.state["status"] == "completed"
    assert effect(first, "timer.cancel")["timer"] == effect(first, "timer.schedule")["timer"]
    cancelled = [s for s in first.steps if s.status == "cancelled"]
    assert [s.node_id for s in cancelled] == ["wait_a"]


def test_timer_waits_until_an_expression_moment():
    plan = compile_plan(flow("later", "wait", [node("wait", "timer", until="order.paid_at + 2h"), end()],
                             [("wait", "next", "done")]))
    first = start(plan, snapshot())
    assert effect(first, "timer.schedule")["due_at"] == "2026-03-02T11:41:00+08:00"
    done = run(plan, first.state, events.timer_fired(first.state["tokens"][0]["wait"]["timer"]), snapshot(), later(2))
    assert done.state["outcome"] == "done" and step(done, "wait")["explanation"]["state"] == "fired"


def certificate_flow():
    return compile_plan(flow("await-cert", "await", [
        node("await", "wait_event", event="ce_certificate.checked", match='event.order_id == order.id', timeout="2d"),
        end("ok", "received"), end("late", "timed_out")],
        [("await", "received", "ok"), ("await", "timeout", "late")]))


def test_wait_event_ignores_events_for_other_orders_and_takes_the_matching_one():
    plan = certificate_flow()
    first = start(plan, snapshot())
    assert effect(first, "timer.schedule")["purpose"] == "timeout"
    other = run(plan, first.state, events.event_received("ce_certificate.checked", {"order_id": "O-9"}),
                snapshot(), later(1))
    assert other.ignored and other.state is first.state and other.steps == []
    got = run(plan, roundtrip(first.state), events.event_received("ce_certificate.checked",
                                                                   {"order_id": "O-1001", "valid": True}),
              snapshot(), later(2))
    assert got.state["outcome"] == "received" and got.state["vars"]["await"]["valid"] is True
    assert kinds(got) == ["timer.cancel"]
    match = step(got, "await")["explanation"]["match"]
    assert match["comparison"]["left"] == {"text": "event.order_id", "value": "O-1001"}


def test_wait_event_times_out():
    plan = certificate_flow()
    first = start(plan, snapshot())
    late = run(plan, first.state, events.timer_fired(effect(first, "timer.schedule")["timer"]), snapshot(), later(48))
    assert late.state["outcome"] == "timed_out" and step(late, "await")["port"] == "timeout"


def test_state_survives_a_json_round_trip_midway_and_continues_identically():
    plan, snap = template("s1-high-value-approval"), snapshot(order(total="9000"))
    first = start(plan, snap)
    timer = effect(first, "timer.schedule")["timer"]
    task = effect(first, "task.create")["task"]

    def finish(state, through_json):
        keep = roundtrip if through_json else (lambda s: s)
        breached = run(plan, keep(state), events.timer_fired(timer), snap, later(4))
        return breached, run(plan, keep(breached.state), events.task_decided(task, "approved", actor="u"), snap,
                             later(5))

    plain, restored = finish(first.state, False), finish(json.loads(json.dumps(first.state)), True)
    for a, b in zip(plain, restored, strict=True):
        assert a.to_dict() == b.to_dict()
    assert restored[1].state["format"] == STATE_FORMAT


def test_same_inputs_give_identical_outputs():
    plan = template("s5-multi-factor-routing")
    snap = snapshot(warehouses=[{"id": "hz", "status": "open", "cost": "10", "eta_hours": 24, "load": "0.3"},
                                {"id": "sh", "status": "open", "cost": "12", "eta_hours": 12, "load": "0.6"}])
    outputs = {json.dumps(start(plan, snap).to_dict(), sort_keys=True) for _ in range(5)}
    assert len(outputs) == 1
    recompiled = template.__wrapped__("s5-multi-factor-routing")
    assert recompiled.hash == plan.hash
    assert json.dumps(start(recompiled, snap).to_dict(), sort_keys=True) in outputs


def test_the_input_state_is_never_changed():
    plan, snap = template("s1-high-value-approval"), snapshot(order(total="9000"))
    first = start(plan, snap)
    frozen = json.dumps(first.state, sort_keys=True)
    run(plan, first.state, events.task_decided(effect(first, "task.create")["task"], "approved"), snap, later(1))
    assert json.dumps(first.state, sort_keys=True) == frozen


def ratio_flow():
    """An assign that divides by the order total: an expression runtime error when the total is 0."""
    return compile_plan(flow("ratio", "tag", [
        node("tag", "order_action", action="tag", tag="checked"),
        node("share", "assign", assignments=[{"target": "share", "value": "100 / order.total"}]), end()],
        [("tag", "next", "share"), ("share", "next", "done")]))


def test_expression_runtime_error_is_an_incident_at_the_node_and_retry_resumes_there():
    plan = ratio_flow()
    failed = start(plan, snapshot(order(total="0")))
    assert failed.state["status"] == "incident"
    incident = failed.state["incident"]
    assert incident["node"] == "share" and incident["code"] == "EXPR_RUNTIME_DIVISION_BY_ZERO"
    assert incident["message_en"] and incident["message_zh"] and incident["expression"]["column"]
    assert step(failed, "share")["status"] == "incident" and kinds(failed) == ["order.tag"]
    ignored = run(plan, failed.state, events.timer_fired("nope"), snapshot(), later(1))
    assert ignored.ignored.startswith("instance is in incident")
    retried = run(plan, roundtrip(failed.state), events.retry(actor="ops"), snapshot(order(total="50")), later(1))
    assert retried.state["status"] == "completed" and retried.state["vars"]["share"] == "2"
    assert retried.state["vtypes"] == {"share": "decimal"} and retried.state["incident"] is None
    assert path(retried) == [("share", "next"), ("done", None)] and kinds(retried) == []


def test_a_run_past_the_step_limit_stops_with_an_incident_at_the_next_node(monkeypatch):
    """The limit guards against runaway runs (validation already refuses loops without a wait)."""
    monkeypatch.setattr(loop, "MAX_STEPS_PER_RUN", 3)
    chain = [node(n, "assign", assignments=[{"target": n, "value": "1"}]) for n in ("a", "b", "c", "d")]
    plan = compile_plan(flow("chain", "a", [*chain, end()], [("a", "next", "b"), ("b", "next", "c"),
                                                              ("c", "next", "d"), ("d", "next", "done")]))
    stopped = start(plan, snapshot())
    assert path(stopped) == [("a", "next"), ("b", "next"), ("c", "next"), ("d", None)]
    assert stopped.state["status"] == "incident" and stopped.state["incident"]["code"] == "ENGINE_STEP_LIMIT"
    assert stopped.state["incident"]["node"] == "d" and "d" not in stopped.state["vars"]


def test_call_service_error_without_an_error_port_is_an_incident_and_retry_calls_again():
    plan = compile_plan(flow("ask", "call", [
        node("call", "call_service", connection="wms", method="POST", path="/orders", body={"id": "order.id"},
             result_var="wms"), end()], [("call", "ok", "done")]))
    first = start(plan, snapshot())
    call = effect(first, "call_service")
    failed = run(plan, first.state, events.service_responded(call["call"], False, status=500,
                                                             error={"code": "WMS_DOWN", "message": "wms is down"}),
                 snapshot(), later(1))
    assert failed.state["status"] == "incident"
    assert failed.state["incident"]["code"] == "WMS_DOWN" and failed.state["incident"]["node"] == "call"
    again = run(plan, failed.state, events.retry(), snapshot(), later(2))
    assert again.state["status"] == "waiting" and effect(again, "call_service")["call"] != call["call"]
    ok = run(plan, again.state, events.service_responded(effect(again, "call_service")["call"], True, {"n": 1}),
             snapshot(), later(3))
    assert ok.state["outcome"] == "done" and ok.state["vars"]["wms"] == {"n": 1}


def test_cancel_ends_a_waiting_instance_and_closes_its_task_and_timer():
    plan = template("s1-high-value-approval")
    first = start(plan, snapshot(order(total="9000")))
    cancelled = run(plan, first.state, events.cancel("客户取消订单", actor="ops"), snapshot(), later(1))
    assert cancelled.state["status"] == "cancelled" and cancelled.state["tokens"] == []
    assert kinds(cancelled) == ["task.cancel", "timer.cancel"]
    assert step(cancelled, "finance_review")["explanation"]["reason"] == "客户取消订单"
    again = run(plan, cancelled.state, events.cancel(), snapshot(), later(2))
    assert again.ignored == "instance is cancelled"


def test_events_nobody_waits_for_are_ignored_without_change():
    plan = template("s1-high-value-approval")
    first = start(plan, snapshot(order(total="9000")))
    for event in (events.timer_fired("other"), events.task_decided("other", "approved"), events.retry()):
        result = run(plan, first.state, event, snapshot(), later(1))
        assert result.ignored and result.state is first.state and result.effects == []


def test_malformed_events_and_misuse_raise():
    plan = template("s1-high-value-approval")
    with pytest.raises(EventError, match="unknown event type"):
        run(plan, None, {"type": "order.paid"}, snapshot(), CLOCK)
    with pytest.raises(EventError, match="decision"):
        events.check_event({"type": "task.decided", "task": "t", "decision": "maybe"})
    with pytest.raises(EventError, match="state=None"):
        run(plan, {"status": "waiting"}, events.start("i"), snapshot(), CLOCK)
    with pytest.raises(TypeError, match="aware"):
        run(plan, None, events.start("i"), snapshot(), CLOCK.replace(tzinfo=None))


def test_a_state_runs_only_on_the_plan_it_started_on():
    first = start(template("s1-high-value-approval"), snapshot(order(total="9000")))
    with pytest.raises(PlanMismatch):
        run(template("s4-brushing-risk"), first.state, events.retry(), snapshot(), CLOCK)


def test_an_invalid_document_does_not_compile_and_says_why():
    doc = flow("broken", "a", [node("a", "condition", when="order.totl > 1"), end()],
               [("a", "yes", "done"), ("a", "no", "nowhere")])
    with pytest.raises(PlanError) as caught:
        compile_plan(doc)
    codes = {p.code for p in caught.value.problems}
    assert "EXPR_UNKNOWN_FIELD" in codes and len(caught.value.problems) >= 2
    assert "not valid" in str(caught.value)


def test_a_decision_table_row_of_the_wrong_width_is_a_located_plan_error():
    doc = flow("table", "t", [node("t", "decision_table", hit_policy="first",
                                   inputs=[{"name": "tier", "expr": "customer.tier"}],
                                   outputs=[{"name": "p", "type": "string"}],
                                   rules=[{"when": ['"VIP"', "-"], "then": ["x"]}]), end()],
               [("t", "next", "done")])
    with pytest.raises(PlanError) as caught:
        compile_plan(doc)
    assert [(p.code, p.path) for p in caught.value.problems] == [("TABLE_ROW_SHAPE", "nodes[0].config.rules[0].when")]


def test_steps_publish_one_json_shape():
    result = start(template("s5-multi-factor-routing"), snapshot(warehouses=[
        {"id": "hz", "status": "open", "cost": "10", "eta_hours": 24, "load": "0.3"}]))
    shapes = {tuple(s.to_dict()) for s in result.steps}
    assert shapes == {("seq", "node", "type", "label", "port", "status", "started", "ended", "actor", "token",
                       "explanation")}
    json.dumps([s.to_dict() for s in result.steps])
    assert [s.seq for s in result.steps] == list(range(1, len(result.steps) + 1))
    assert result.state["seq"] == len(result.steps)
    assert len({e.key for e in result.effects}) == len(result.effects)


def test_a_plan_is_immutable_and_shared_safely_across_threads():
    from concurrent.futures import ThreadPoolExecutor

    from runtime.engine import build_snapshot

    doc = flow("tagger", "t", [node("t", "order_action", action="tag", tag="a"), end()], [("t", "next", "done")])
    plan = compile_plan(doc)
    doc["nodes"][0]["config"]["tag"] = "changed"
    assert effect(start(plan, snapshot()), "order.tag")["tag"] == "a"
    s5 = template("s5-multi-factor-routing")
    snaps = [build_snapshot(order(id=f"O-{i}"), warehouses=[
        {"id": "hz", "status": "open", "cost": str(10 + i % 7), "eta_hours": 24, "load": "0.3"},
        {"id": "sh", "status": "open", "cost": "12", "eta_hours": 12 + i % 5, "load": "0.6"}]) for i in range(200)]
    expected = [json.dumps(start(s5, s).to_dict(), sort_keys=True) for s in snaps]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda s: json.dumps(start(s5, s).to_dict(), sort_keys=True), snaps))
    assert got == expected


def test_a_stored_input_snapshot_replays_the_run_exactly():
    from runtime.engine import build_snapshot

    snap = snapshot(order(total="7200.5"), warehouses=[{"id": "hz", "status": "open", "cost": 10.5, "eta_hours": 24,
                                                        "load": 0.25, "stock": {"TEA-01": 3, "CUP-02": 1}}])
    stored = json.loads(json.dumps(snap.to_dict()))
    replayed = build_snapshot(**stored)
    plan = template("s5-multi-factor-routing")
    assert start(plan, replayed).to_dict() == start(plan, snap).to_dict()
