"""Coalescing rules and stream records (pure functions, no server)."""

from __future__ import annotations

import json

from runtime.contracts import validator
from runtime.live import coalesce, is_room, order_id_of, stream_record


def step(order, inst, seq, node="n"):
    return {"event": "order.step", "room": f"order:{order}",
            "data": {"order_id": order, "instance_id": inst, "flow": "f", "version": 1, "stage": "intake",
                     "step": {"seq": seq, "node": node}}}


def status(order, value):
    return {"event": "order.status", "room": f"order:{order}", "data": {"order_id": order, "status": value}}


def inst(order, inst_id, value, room=None):
    return {"event": "instance.status", "room": room or f"order:{order}",
            "data": {"id": inst_id, "order_id": order, "status": value}}


def test_steps_are_all_kept_in_order_and_state_events_keep_only_the_last_per_subject():
    events = [status(1, "created"), step(1, 10, 1), inst(1, 10, "running"), step(1, 10, 2), status(1, "paid"),
              inst(1, 11, "waiting"), inst(1, 10, "completed"), step(1, 10, 2),  # a repeated step: once
              step(2, 20, 1), status(2, "paid"), inst(1, 10, "completed", room="flow:f")]
    rooms = coalesce(events)
    assert list(rooms) == ["order:1", "order:2", "flow:f"]
    assert [(e["event"], e["data"].get("status") or e["data"]["step"]["seq"]) for e in rooms["order:1"]] == [
        ("order.step", 1), ("order.step", 2), ("order.status", "paid"), ("instance.status", "waiting"),
        ("instance.status", "completed")]
    assert [e["event"] for e in rooms["order:2"]] == ["order.step", "order.status"]
    assert rooms["flow:f"] == [{"event": "instance.status", "data": {"id": 10, "order_id": 1, "status": "completed"}}]


def test_task_creations_are_kept_and_updates_superseded_per_task():
    created = {"event": "task.created", "room": "group:finance", "data": {"id": 5, "status": "open"}}
    upd = [{"event": "task.updated", "room": "group:finance", "data": {"id": 5, "status": s}}
           for s in ("claimed", "decided")]
    other = {"event": "task.updated", "room": "group:finance", "data": {"id": 6, "status": "claimed"}}
    assert [(e["event"], e["data"]["id"], e["data"]["status"]) for e in coalesce([created, *upd, other])[
        "group:finance"]] == [("task.created", 5, "open"), ("task.updated", 5, "decided"),
                              ("task.updated", 6, "claimed")]


def test_rooms_and_order_ids():
    assert is_room("order:12") and is_room("flow:high-value-approval") and is_room("group:finance-manager")
    assert not is_room("order:abc") and not is_room("other:1") and not is_room(None) and not is_room("flow:")
    assert order_id_of({"room": "order:12", "data": {}}) == 12
    assert order_id_of({"room": "flow:x", "data": {"order_id": 7}}) == 7
    assert order_id_of({"room": "group:x", "data": {"id": 5}}) is None


def test_a_stream_record_matches_its_contract():
    record = stream_record(step(3, 30, 1))
    assert list(validator("stream-record").iter_errors(record)) == []
    assert record["order_id"] == "3" and json.loads(record["data"])["step"]["seq"] == 1
    assert record["ts"].endswith("Z")
    empty = stream_record({"event": "task.created", "room": "group:risk", "data": {"id": 1}})
    assert empty["order_id"] == "" and list(validator("stream-record").iter_errors(empty)) == []
