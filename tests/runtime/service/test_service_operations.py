"""Ingestion, operators' actions, durable timers, publishing and executors, the sandbox, and a couple of
the pipeline's paths on PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from runtime.executors import InProcessExecutor
from runtime.service import InputError, NotFound, Refused, Runtime
from runtime.store.models import InboundEvent, Instance, OutboxEffect, Step, Task, Timer, VersionChoice
from runtime.store.versions import publish_document
from tests.runtime.service.conftest import ALL_TEMPLATES
from tests.runtime.service.support import (
    T0,
    WAREHOUSES,
    Clock,
    instance,
    make_runtime,
    order,
    outbox,
    paid,
    path,
    publish,
    seed,
    stages,
    step,
    template,
)


def count(db, model) -> int:
    with db.read() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def flow(key: str, start: str, nodes: list[dict], edges: list[tuple[str, str, str]], kind: str = "intake") -> dict:
    return {"format": "orderloom.flow/1", "key": key, "name": key, "kind": kind, "trigger": {"start": start},
            "nodes": nodes, "edges": [{"from": a, "port": p, "to": b} for a, p, b in edges]}


def node(id_: str, type_: str, **config) -> dict:
    return {"id": id_, "type": type_, "config": config}


def publish_doc(db, doc: dict) -> None:
    with db.transaction() as session:
        publish_document(session, doc, user="test", now=T0)


# ---- ingestion ------------------------------------------------------------------------------------------

def test_ingest_is_idempotent_per_source_and_event_id(world):
    rt, _ = world
    first = rt.ingest("tmall", "evt-1", "order.paid", order("TM-I1"))
    instances = count(rt.db, Instance)
    again = rt.ingest("tmall", "evt-1", "order.paid", order("TM-I1"))
    assert first == {"order_id": first["order_id"], "event_seq": 1, "duplicate": False, "status": "routed"}
    assert again == {**first, "duplicate": True}
    assert count(rt.db, Instance) == instances
    other_source = rt.ingest("erp", "evt-1", "order.paid", order("TM-I1"))  # another event, the same order
    assert other_source["order_id"] == first["order_id"] and other_source["event_seq"] == 2
    assert count(rt.db, Instance) == instances == count(rt.db, VersionChoice) == 7
    with rt.db.read() as session:
        second = session.execute(select(InboundEvent).where(InboundEvent.seq == 2)).scalar_one()
        assert second.status == "processed" and second.response["result"].startswith("ignored")


def test_created_then_paid_runs_the_pipeline_once_paid(rt):
    created = rt.ingest("tmall", "c-1", "order.created", order("TM-C1"))
    assert created["status"] == "created" and count(rt.db, Instance) == 0
    paid_answer = rt.ingest("tmall", "p-1", "order.paid", {"channel": "tmall", "channel_order_no": "TM-C1",
                                                            "paid_at": "2026-11-11T09:59:00+08:00"})
    assert paid_answer["order_id"] == created["order_id"] and paid_answer["status"] == "routed"
    got = rt.get_order(created["order_id"])
    assert got["paid_at"] == "2026-11-11T09:59:00+08:00" and got["payments"][0]["amount"] == "1200.00"


@pytest.mark.parametrize(("kind", "payload", "path_", "code"), [
    ("order.paid", order(lines=[]), "payload.lines", "RUN_FIELD_INVALID"),
    ("order.paid", order(lines=[{"sku": "A", "qty": 0, "price": "1"}]), "payload.lines[0].qty", "RUN_FIELD_INVALID"),
    ("order.paid", order(total="abc"), "payload.total", "RUN_FIELD_TYPE"),
    ("order.paid", order(channel="amazon"), "payload.channel", "RUN_FIELD_INVALID"),
    ("order.paid", {**order(), "address": None}, "payload.address", "RUN_FIELD_REQUIRED"),
    ("order.shipped", {"order_id": 999}, "payload.order_id", "RUN_ORDER_UNKNOWN"),
    ("order.teleported", {}, "kind", "RUN_EVENT_KIND"),
])
def test_ingest_refuses_bad_payloads_with_a_path_and_stores_nothing(rt, kind, payload, path_, code):
    with pytest.raises(InputError) as refused:
        rt.ingest("tmall", "bad-1", kind, payload)
    assert (refused.value.path, refused.value.code) == (path_, code)
    assert refused.value.message_zh and refused.value.to_dict()["problems"][0]["path"] == path_
    assert count(rt.db, InboundEvent) == 0


def test_events_stay_pending_without_an_executor_until_the_sweeper_runs_them(sdb, clock):
    seed(sdb, closed=("cd",))
    publish(sdb, *ALL_TEMPLATES)

    class Nudges:
        ids: list[int] = []

        def submit(self, order_ids):
            self.ids.extend(order_ids)

    nudges = Nudges()
    rt = Runtime(sdb, executor=nudges, clock=clock)
    answer = rt.ingest("tmall", "e-1", "order.paid", order("TM-P1"))
    rt.ingest("tmall", "e-2", "order.cancelled", {"order_id": answer["order_id"], "reason": "买错了"})
    assert answer["status"] == "created" and nudges.ids == [answer["order_id"], answer["order_id"]]
    assert rt.process_pending() == 2 and rt.process_pending() == 0
    got = rt.get_order(answer["order_id"])
    assert got["status"] == "cancelled" and got["cancel_reason"] == "买错了" and got["reservations"][0]["status"] == (
        "released")


def test_the_background_executor_answers_first_and_processes_soon_after(sdb, clock):
    seed(sdb, closed=("cd",))
    publish(sdb, *ALL_TEMPLATES)
    rt = Runtime(sdb, clock=clock)
    rt.executor = executor = InProcessExecutor(rt, background=True, timer_interval=0.05)
    try:
        answers = [rt.ingest("tmall", f"bg-{n}", "order.paid", order(f"TM-BG{n}")) for n in range(5)]
        assert executor.drain(30)
        assert {rt.get_order(a["order_id"])["status"] for a in answers} == {"routed"}
    finally:
        executor.close()


# ---- operators ------------------------------------------------------------------------------------------

def test_an_order_cancelled_by_the_channel_ends_its_waiting_instances(world):
    rt, publisher = world
    order_id = paid(rt, total="8000.00")
    [task] = rt.list_tasks(order_id=order_id)
    assert count(rt.db, Timer) == 1
    rt.ingest("tmall", "cancel-1", "order.cancelled", {"order_id": order_id, "reason": "顾客取消"})
    got = rt.get_order(order_id)
    assert got["status"] == "cancelled" and got["cancel_reason"] == "顾客取消"
    approval = instance(rt.timeline(order_id), "high-value-approval")
    assert approval["status"] == "cancelled" and approval["steps"][-1]["status"] == "cancelled"
    assert rt.list_tasks(order_id=order_id)[0]["status"] == "cancelled"
    with rt.db.read() as session:
        assert session.execute(select(Timer).where(Timer.fired_at.is_(None))).first() is None
    with pytest.raises(Refused):
        rt.decide_task(task["id"], "approved", {}, "u-late")
    assert publisher.of("task.updated", "group:finance")[-1]["data"]["status"] == "cancelled"


def test_an_operator_cancels_an_instance_and_the_stage_goes_on(world):
    rt, _ = world
    order_id = paid(rt, total="8000.00")
    approval = instance(rt.timeline(order_id), "high-value-approval")
    cancelled = rt.cancel_instance(approval["id"], "人工处理", "u-ops")
    assert cancelled["status"] == "cancelled" and cancelled["outcome"] == "cancelled"
    assert rt.get_order(order_id)["status"] == "routed"
    with pytest.raises(Refused) as again:
        rt.cancel_instance(approval["id"], "again", "u-ops")
    assert again.value.code == "RUN_INSTANCE_STATE"
    with pytest.raises(NotFound):
        rt.cancel_instance(9999, "?", "u-ops")


CREDIT = flow("credit-check", "ask", [
    node("ask", "call_service", connection="credit", method="POST", path="/score", body={"order": "order.id"},
         result_var="score"),
    node("done", "end", outcome="checked")], [("ask", "ok", "done")])


def test_retry_from_an_incident_calls_again_and_the_pipeline_goes_on(sdb, clock):
    seed(sdb, closed=("cd",))
    publish(sdb, "s5-multi-factor-routing")
    publish_doc(sdb, CREDIT)
    rt, _ = make_runtime(sdb, clock)
    order_id = paid(rt)
    [first] = outbox(sdb, "call_service")
    rt.service_responded(first.idempotency_key, False, 503, None, {"code": "UNAVAILABLE", "message": "down"})
    failed = instance(rt.timeline(order_id), "credit-check")
    assert failed["status"] == "incident" and failed["error"]["code"] == "UNAVAILABLE"
    assert failed["steps"][-1]["status"] == "incident" and rt.get_order(order_id)["stage"] == "intake"

    retried = rt.retry_instance(failed["id"], "u-ops")
    assert retried["status"] == "waiting"
    with pytest.raises(Refused) as not_incident:
        rt.retry_instance(failed["id"], "u-ops")
    assert not_incident.value.code == "RUN_INSTANCE_STATE"
    second = outbox(sdb, "call_service")[-1]
    assert second.idempotency_key != first.idempotency_key
    rt.service_responded(second.idempotency_key, True, 200, {"score": 700}, None)
    done = instance(rt.timeline(order_id), "credit-check")
    assert done["outcome"] == "checked" and rt.get_order(order_id)["status"] == "routed"


WAIT_30M = flow("cooling-off", "wait", [node("wait", "timer", duration="30m"), node("done", "end", outcome="waited")],
                [("wait", "next", "done")])


def test_a_durable_timer_fires_once_and_the_order_goes_on(sdb, clock):
    seed(sdb, closed=("cd",))
    publish(sdb, "s5-multi-factor-routing")
    publish_doc(sdb, WAIT_30M)
    rt, _ = make_runtime(sdb, clock)
    order_id = paid(rt)
    with sdb.read() as session:
        [timer] = session.execute(select(Timer)).scalars()
        assert timer.due_at == clock.now.replace(minute=30) and timer.fired_at is None
    assert rt.fire_due_timers() == 0
    other = make_runtime(sdb, clock)[0]  # a second poller: a restarted process sees the same table
    clock.advance(minutes=31)
    assert rt.fire_due_timers() + other.fire_due_timers() == 1
    assert rt.fire_due_timers() == 0
    assert instance(rt.timeline(order_id), "cooling-off")["outcome"] == "waited"
    assert rt.get_order(order_id)["status"] == "routed"


def test_tasks_are_claimed_reassigned_and_decided_once(world):
    rt, publisher = world
    order_id = paid(rt, total="7000.00")
    [task] = rt.list_tasks(group="finance", status="active")
    assert rt.claim_task(task["id"], "u-li")["assignee"] == "u-li"
    assert rt.claim_task(task["id"], "u-li")["status"] == "claimed"
    with pytest.raises(Refused) as claimed:
        rt.claim_task(task["id"], "u-wang")
    assert claimed.value.code == "RUN_TASK_CLAIMED"
    moved = rt.reassign_task(task["id"], group="finance-manager", user=None, actor="u-li")
    assert (moved["group"], moved["assignee"], moved["status"]) == ("finance-manager", None, "open")
    with pytest.raises(InputError):
        rt.decide_task(task["id"], "maybe", {}, "u-boss")
    with pytest.raises(InputError) as unknown:
        rt.decide_task(task["id"], "approved", {"colour": "red"}, "u-boss")
    assert unknown.value.path == "form.colour"
    rt.decide_task(task["id"], "approved", {"comment": "好"}, "u-boss")
    with pytest.raises(Refused) as closed:
        rt.decide_task(task["id"], "approved", {}, "u-boss")
    assert closed.value.code == "RUN_TASK_CLOSED"
    assert [e["data"]["status"] for e in publisher.of(room="group:finance-manager")] == ["open", "decided"]
    with pytest.raises(NotFound):
        rt.claim_task(12345, "u-li")
    assert rt.get_order(order_id)["status"] == "routed"


def test_live_events_follow_the_order(world):
    rt, publisher = world
    order_id = paid(rt)
    room = f"order:{order_id}"
    steps = publisher.of("order.step", room)
    with rt.db.read() as session:
        assert len(steps) == session.execute(select(func.count()).select_from(Step)).scalar_one()
    first = steps[0]["data"]
    assert set(first["step"]) >= {"seq", "node", "type", "label", "port", "status", "started", "ended", "actor",
                                  "explanation"} and first["stage"] == "intake"
    statuses = [e["data"]["status"] for e in publisher.of("order.status", room)]
    assert statuses[0] == "paid" and statuses[-1] == "routed"
    assert publisher.of("instance.status", "flow:multi-factor-routing")[-1]["data"]["outcome"] == "routed"


def test_search_finds_orders_by_channel_number_and_phone(rt):
    a = paid(rt, "TM-S1")
    b = paid(rt, "TM-S2", address={"province": "上海", "city": "上海", "detail": "南京路 1 号", "phone": "13912345678"})
    assert [o["id"] for o in rt.search_orders(q="TM-S1")] == [a]
    assert [o["id"] for o in rt.search_orders(q="+86 139-1234-5678")] == [b]
    assert [o["id"] for o in rt.search_orders(channel="tmall", status="routed")] == [b, a]
    assert rt.search_orders(q="nothing") == []
    with pytest.raises(NotFound):
        rt.timeline(999)


# ---- the sandbox ----------------------------------------------------------------------------------------

def draft_s1(threshold: str) -> dict:
    doc = template("s1-high-value-approval")
    doc["trigger"]["when"] = f"order.total > {threshold}"
    return doc


def test_dry_run_of_a_draft_answers_humans_by_policy_and_writes_nothing(world):
    rt, _ = world
    before = {model: count(rt.db, model) for model in (Instance, Step, Task, Timer, OutboxEffect, InboundEvent)}
    approve = rt.dry_run(draft_s1("1000"), order("DRY-1"))
    assert (approve["status"], approve["outcome"]) == ("completed", "approved")
    assert approve["path"] == ["trigger", "finance_review", "finance_review", "approved"]
    assert [e["kind"] for e in approve["effects"]] == ["task.create", "timer.schedule", "timer.cancel"]
    reject = rt.dry_run(draft_s1("1000"), order("DRY-1"), human="reject")
    assert reject["outcome"] == "rejected" and "order.cancel" in [e["kind"] for e in reject["effects"]]
    wait = rt.dry_run(draft_s1("1000"), order("DRY-1"), human="wait")
    assert wait["status"] == "waiting" and wait["steps"][-1]["explanation"]["state"] == "escalated"
    assert wait["clock"]["end"] == "2026-11-11T14:00:00+08:00"  # the SLA timer fast-forwarded
    skipped = rt.dry_run(draft_s1("5000"), order("DRY-1"))
    assert skipped["outcome"] == "not_applicable"
    routed = rt.dry_run(template("s5-multi-factor-routing"), order("DRY-2"))
    assert routed["outcome"] == "routed" and routed["effects"][0]["data"]["warehouse"] == "hz"
    assert {model: count(rt.db, model) for model in before} == before


def test_dry_run_runs_sub_flows_and_answers_services_when_told(rt):
    doc = template("s9-cross-border-compliance")
    de = order("DRY-DE", address={"province": "Bayern", "region": "east", "country": "DE"},
               lines=[{"sku": "MED-IIA", "qty": 1, "price": "800", "medical_class": "IIa"}])
    stuck = rt.dry_run(doc, de)
    assert stuck["status"] == "waiting" and stuck["path"] == ["trigger", "ce_check"]
    answered = rt.dry_run(doc, de, services={"compliance": {"ok": True, "status": 200, "body": {"valid": False}}})
    assert (answered["outcome"], answered["path"][-2:]) == ("held", ["hold_order", "held"])
    assert {s["flow"] for s in answered["steps"]} == {"cross-border-compliance", "ce-certificate-check"}


def test_dry_run_refuses_an_invalid_draft_with_every_problem(rt):
    doc = draft_s1("1000")
    doc["nodes"][0]["config"]["sla"] = "four hours"
    doc["edges"].append({"from": "nowhere", "port": "next", "to": "approved"})
    with pytest.raises(InputError) as refused:
        rt.dry_run(doc, order())
    assert refused.value.code == "RUN_DOCUMENT_INVALID" and len(refused.value.problems) >= 2


def test_dry_run_replays_a_stored_instance_snapshot(world):
    rt, _ = world
    order_id = paid(rt)
    routing = instance(rt.timeline(order_id), "multi-factor-routing")
    with rt.db.read() as session:
        stored = session.get(Instance, routing["id"]).input_snapshot
    replay = rt.dry_run(template("s5-multi-factor-routing"), {"order_id": order_id}, snapshot=stored)
    assert replay["steps"][0]["explanation"] == step(routing, "choose_warehouse")["explanation"]


# ---- PostgreSQL too -------------------------------------------------------------------------------------

def test_pipeline_on_each_database_s1_approve_then_s6_reroute(db):
    seed(db, closed=("cd",))
    publish(db, *ALL_TEMPLATES)
    rt, _ = make_runtime(db, Clock())
    order_id = paid(rt, total="6000.00")
    [task] = rt.list_tasks(group="finance")
    rt.decide_task(task["id"], "approved", {}, "u-finance")
    assert rt.get_order(order_id)["routed_warehouses"] == ["hz"]
    assert rt.close_warehouse("hz", "停电", "u-ops") == [order_id]
    timeline = rt.timeline(order_id)
    assert stages(timeline) == ["intake", "approval", "routing", "routing/2"]
    assert rt.get_order(order_id)["routed_warehouses"] == ["gz"]
    assert path(instance(timeline, "high-value-approval"))[-1] == ("approved", None)


def test_concurrent_orders_on_each_database_never_oversell(db):
    import threading

    seed(db, stock={"hz": {"TEA-01": 5}})
    publish(db, "s5-multi-factor-routing")
    rt, _ = make_runtime(db, Clock())
    ids: list[int] = []
    lock = threading.Lock()

    def buy(n: int) -> None:
        order_id = paid(rt, f"TM-C{n}", accepts_split=False, lines=[{"sku": "TEA-01", "qty": 1, "price": "1"}],
                        total="1.00")
        with lock:
            ids.append(order_id)

    threads = [threading.Thread(target=buy, args=(n,)) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = [rt.get_order(i)["status"] for i in ids]
    assert (len(ids), statuses.count("routed"), statuses.count("backordered")) == (12, 5, 7)


BACKORDER_WAIT = flow("wait-for-stock", "choose", [
    node("choose", "route", target="warehouse", require_full_stock=False,
         factors=[{"name": "cost", "value": "candidate.cost", "weight": 1, "better": "lower"}]),
    node("reserve", "reserve_stock", on_shortage="backorder"),
    node("done", "end", outcome="routed")], [("choose", "routed", "reserve"), ("reserve", "reserved", "done")],
    kind="routing")


def test_a_backorder_waits_for_a_custom_stock_event_and_then_reserves(sdb, clock):
    from runtime.store.stock import adjust

    seed(sdb, stock={"hz": {"TEA-01": 1, "CUP-02": 5}}, warehouses={"hz": WAREHOUSES["hz"]})
    publish_doc(sdb, BACKORDER_WAIT)
    rt, _ = make_runtime(sdb, clock)
    order_id = paid(rt)
    got = rt.get_order(order_id)
    assert got["status"] == "backordered" and got["stage"] == "routing"
    assert instance(rt.timeline(order_id), "wait-for-stock")["waiting"][0]["event"] == "stock.available"
    with sdb.transaction() as session:
        adjust(session, "TEA-01", "hz", 10, "到货", actor="u-wms")
    rt.ingest("wms", "restock-1", "custom.stock.available", {"order_id": order_id, "data": {"sku": "TEA-01"}})
    got = rt.get_order(order_id)
    assert got["status"] == "routed" and got["routed_warehouses"] == ["hz"] and got["stage"] == "done"
    assert path(instance(rt.timeline(order_id), "wait-for-stock"))[-2:] == [("reserve", "reserved"), ("done", None)]
