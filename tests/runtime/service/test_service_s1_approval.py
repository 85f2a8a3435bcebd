"""S1 high-value approval through the pipeline: the task for finance, approve → routing, reject → cancelled,
the SLA breach escalated with a controlled clock, ≤ 5000 recorded as not applicable."""

from __future__ import annotations

from tests.runtime.service.support import instance, outcomes, paid, path, stages, step

FLOW = "high-value-approval"


def test_s1_over_5000_waits_for_finance_then_approval_lets_routing_run(world):
    rt, publisher = world
    order_id = paid(rt, total="6800.00")
    order = rt.get_order(order_id)
    assert (order["status"], order["stage"]) == ("paid", "approval")
    timeline = rt.timeline(order_id)
    assert stages(timeline) == ["intake", "approval"]
    assert outcomes(timeline, "approval") == {FLOW: ("waiting", None)}
    [task] = rt.list_tasks(group="finance", status="open")
    assert (task["order_id"], task["node"], task["title"]) == (order_id, "finance_review", "高金额订单财务复核")
    assert task["sla_due_at"] == "2026-11-11T14:00:00+08:00" and task["order"]["total"] == "6800.00"
    assert any(e["event"] == "task.created" and e["room"] == "group:finance" for e in publisher.events)

    decided = rt.decide_task(task["id"], "approved", {"comment": "金额核对无误"}, "u-finance")
    assert decided["status"] == "decided" and decided["decision"] == {"decision": "approved",
                                                                     "form": {"comment": "金额核对无误"}}
    timeline = rt.timeline(order_id)
    assert stages(timeline) == ["intake", "approval", "routing"]
    approval = instance(timeline, FLOW)
    assert (approval["status"], approval["outcome"]) == ("completed", "approved")
    assert path(approval) == [("trigger", "start"), ("finance_review", None), ("finance_review", "approved"),
                              ("approved", None)]
    decided_step = approval["steps"][2]
    assert decided_step["actor"] == "u-finance" and decided_step["explanation"]["decision"] == "approved"
    trigger = step(approval, "trigger")["explanation"]
    assert trigger["applicable"] is True and trigger["comparison"]["left"]["value"] == "6800.00"
    assert rt.get_order(order_id)["status"] == "routed"
    assert [c["to"] for c in timeline["status_changes"]] == ["paid", "approved", "routed"]


def test_s1_rejected_cancels_the_order_with_the_reason_and_nothing_is_routed(world):
    rt, _ = world
    order_id = paid(rt, total="9000.00")
    [task] = rt.list_tasks(order_id=order_id)
    rt.decide_task(task["id"], "rejected", {}, "u-finance")
    order = rt.get_order(order_id)
    assert order["status"] == "cancelled" and order["cancel_reason"] == "财务复核驳回"
    assert order["reservations"] == []
    timeline = rt.timeline(order_id)
    assert stages(timeline) == ["intake", "approval"]
    approval = instance(timeline, FLOW)
    assert approval["outcome"] == "rejected"
    assert [n for n, _ in path(approval)][-2:] == ["cancel_order", "rejected"]
    assert timeline["status_changes"][-1] == {"from": "paid", "to": "cancelled", "reason": "财务复核驳回",
                                              "actor": "flow:high-value-approval",
                                              "at": "2026-11-11T10:00:00+08:00"}


def test_s1_sla_breach_escalates_to_finance_manager_and_keeps_waiting(world, clock):
    rt, _ = world
    order_id = paid(rt, total="5000.01")
    [task] = rt.list_tasks(order_id=order_id)
    clock.advance(hours=3, minutes=59)
    assert rt.fire_due_timers() == 0
    clock.advance(minutes=2)
    assert rt.fire_due_timers() == 1
    assert rt.fire_due_timers() == 0  # a timer fires once
    [escalated] = rt.list_tasks(order_id=order_id)
    assert escalated["id"] == task["id"] and escalated["status"] == "open"
    assert (escalated["group"], escalated["escalated_to"]) == ("finance-manager", "finance-manager")
    assert escalated["escalated_at"] == "2026-11-11T14:01:00+08:00"
    assert rt.list_tasks(group="finance") == []
    approval = instance(rt.timeline(order_id), FLOW)
    assert approval["status"] == "waiting" and rt.get_order(order_id)["status"] == "paid"
    breach = approval["steps"][-1]
    assert breach["status"] == "waiting" and breach["explanation"]["state"] == "escalated"
    assert breach["explanation"]["group"] == "finance-manager" and breach["explanation"]["from_group"] == "finance"
    rt.decide_task(task["id"], "approved", {}, "u-manager")
    assert rt.get_order(order_id)["status"] == "routed"


def test_s1_up_to_5000_is_recorded_not_applicable_and_goes_straight_to_routing(world):
    rt, _ = world
    order_id = paid(rt, total="5000.00")
    timeline = rt.timeline(order_id)
    approval = instance(timeline, FLOW)
    assert (approval["status"], approval["outcome"]) == ("not_applicable", "not_applicable")
    assert path(approval) == [("trigger", "not_applicable")]
    assert step(approval, "trigger")["explanation"]["applicable"] is False
    assert rt.list_tasks() == [] and rt.get_order(order_id)["status"] == "routed"
    assert stages(timeline) == ["intake", "approval", "routing"]
