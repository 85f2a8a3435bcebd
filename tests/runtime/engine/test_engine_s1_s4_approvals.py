"""S1 high-value approval and S4 brushing-risk hold, run from the templates against hand-built snapshots."""

from __future__ import annotations

import pytest

from runtime.engine import EventError, events, run
from tests.runtime.engine.support import (
    customer,
    effect,
    kinds,
    later,
    order,
    path,
    roundtrip,
    snapshot,
    start,
    step,
    template,
)

S1 = "s1-high-value-approval"
S4 = "s4-brushing-risk"


def big_order():
    return snapshot(order(total="6800.00"))


def test_s1_order_over_5000_waits_for_finance_with_a_4h_sla():
    result = start(template(S1), big_order())
    assert result.state["status"] == "waiting"
    task = effect(result, "task.create")
    assert task["group"] == "finance" and task["sla_due"] == "2026-03-02T14:00:00+08:00"
    timer = effect(result, "timer.schedule")
    assert timer["purpose"] == "sla" and timer["due_at"] == task["sla_due"] and timer["task"] == task["task"]
    explained = step(result, "finance_review")["explanation"]
    assert explained == {"state": "created", "task": task["task"], "group": "finance",
                         "sla_due": "2026-03-02T14:00:00+08:00", "title": "高金额订单财务复核"}


def test_s1_trigger_records_the_values_it_compared():
    trigger = step(start(template(S1), big_order()), "trigger")
    assert trigger["port"] == "start"
    assert trigger["explanation"]["comparison"] == {
        "op": ">", "left": {"text": "order.total", "value": "6800.00"}, "right": {"text": "5000", "value": "5000"}}


def test_s1_approved_ends_with_outcome_approved_and_cancels_the_sla_timer():
    first = start(template(S1), big_order())
    task, timer = effect(first, "task.create")["task"], effect(first, "timer.schedule")["timer"]
    done = run(template(S1), roundtrip(first.state),
               events.task_decided(task, "approved", actor="u-li", form={"comment": "客户信誉良好"}),
               big_order(), later(1))
    assert done.state["status"] == "completed" and done.state["outcome"] == "approved"
    assert effect(done, "timer.cancel") == {"timer": timer}
    decided = step(done, "finance_review")
    assert decided["port"] == "approved" and decided["actor"] == "u-li"
    assert decided["explanation"]["form"] == {"comment": "客户信誉良好"}
    assert decided["started"] == "2026-03-02T10:00:00+08:00" and decided["ended"] == "2026-03-02T11:00:00+08:00"
    assert done.state["vars"]["finance_review"]["decision"] == "approved"


def test_s1_rejected_cancels_the_order_with_a_reason():
    first = start(template(S1), big_order())
    done = run(template(S1), first.state, events.task_decided(effect(first, "task.create")["task"], "rejected"),
               big_order(), later(2))
    assert path(done)[-3:] == [("finance_review", "rejected"), ("cancel_order", "next"), ("rejected", None)]
    assert effect(done, "order.cancel") == {"order": "O-1001", "reason": "财务复核驳回"}
    assert done.state["outcome"] == "rejected"


def test_s1_sla_breach_escalates_to_finance_manager_and_keeps_waiting():
    first = start(template(S1), big_order())
    task, timer = effect(first, "task.create")["task"], effect(first, "timer.schedule")["timer"]
    breached = run(template(S1), roundtrip(first.state), events.timer_fired(timer), big_order(), later(4))
    assert breached.state["status"] == "waiting"
    assert kinds(breached) == ["task.reassign"]
    assert effect(breached, "task.reassign") == {"task": task, "group": "finance-manager", "from_group": "finance",
                                                 "reason": "sla_breached"}
    assert step(breached, "finance_review")["explanation"]["state"] == "escalated"
    # the manager decides later; the same task id still works
    done = run(template(S1), roundtrip(breached.state), events.task_decided(task, "approved", actor="u-mgr"),
               big_order(), later(5))
    assert done.state["outcome"] == "approved" and "timer.cancel" not in kinds(done)


@pytest.mark.parametrize("total", ["5000.00", "120.50"])
def test_s1_order_of_5000_or_less_is_not_applicable(total):
    result = start(template(S1), snapshot(order(total=total)))
    assert result.state["status"] == "not_applicable" and result.state["outcome"] == "not_applicable"
    assert path(result) == [("trigger", "not_applicable")] and result.effects == []


def risky(addresses: int, coupons: bool = True):
    stats = {"orders": 3, "distinct_addresses": addresses, "coupon_orders": 3 if coupons else 0}
    return snapshot(order(coupon_used=coupons), customer(stats_24h=stats))


def test_s4_two_addresses_in_24h_pass():
    result = start(template(S4), risky(2))
    assert result.state["outcome"] == "passed" and result.effects == []
    check = step(result, "risk_check")["explanation"]
    assert check["result"] is False and check["expression"].startswith("customer.stats_24h.distinct_addresses >= 3")


def test_s4_three_addresses_all_with_coupons_hold_the_order_and_ask_risk():
    result = start(template(S4), risky(3))
    assert result.state["status"] == "waiting"
    assert kinds(result) == ["order.hold", "task.create", "timer.schedule"]
    assert effect(result, "order.hold")["reason"] == "疑似刷单：24 小时内多地址且均用券"
    assert effect(result, "task.create")["group"] == "risk"


def test_s4_three_addresses_without_coupons_pass():
    assert start(template(S4), risky(3, coupons=False)).state["outcome"] == "passed"


@pytest.mark.parametrize(("decision", "action", "outcome"), [("approved", "order.release", "released"),
                                                             ("rejected", "order.cancel", "cancelled")])
def test_s4_the_risk_groups_decision_releases_or_cancels(decision, action, outcome):
    held = start(template(S4), risky(3))
    task = effect(held, "task.create")["task"]
    done = run(template(S4), roundtrip(held.state),
               events.task_decided(task, decision, actor="u-risk", form={"finding": "正常购买"}), risky(3), later(1))
    assert done.state["outcome"] == outcome and action in kinds(done)


def test_s4_a_decision_without_the_required_finding_is_refused():
    held = start(template(S4), risky(3))
    with pytest.raises(EventError, match="finding"):
        run(template(S4), held.state, events.task_decided(effect(held, "task.create")["task"], "approved"),
            risky(3), later(1))


def test_s4_sla_breach_reminds_the_risk_group():
    held = start(template(S4), risky(3))
    reminded = run(template(S4), held.state, events.timer_fired(effect(held, "timer.schedule")["timer"]),
                   risky(3), later(2))
    assert kinds(reminded) == ["task.remind"] and reminded.state["status"] == "waiting"
    assert effect(reminded, "task.remind")["group"] == "risk"
