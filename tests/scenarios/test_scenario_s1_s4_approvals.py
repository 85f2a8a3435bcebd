"""S1 high-value approval (with its SLA escalation on a controlled clock) and S4 brushing-risk hold, over HTTP."""

from __future__ import annotations

from datetime import timedelta

from tests.scenarios.conftest import START

BIG = [{"sku": "BIG-TV", "name": "电视", "qty": 1, "price": "6200.00", "weight_kg": "18"}]


# ---- S1 ----

def test_s1_a_small_order_skips_the_approval_and_is_routed(world):
    order_id = world.place(total="1200.00")
    assert world.order(order_id)["status"] == "routed"
    approval = world.instance(order_id, "high-value-approval")
    assert approval["status"] == "not_applicable"
    trigger = approval["steps"][0]
    assert trigger["type"] == "trigger" and trigger["explanation"]["applicable"] is False
    assert world.stages(order_id) == ["intake", "approval", "routing"]
    assert world.tasks(order_id=order_id) == []


def test_s1_over_5000_waits_for_finance_then_approval_routes_it(world):
    order_id = world.place(lines=BIG)
    order = world.order(order_id)
    assert (order["status"], order["stage"]) == ("paid", "approval")
    [task] = world.tasks(group="finance", status="open")
    assert (task["order_id"], task["node"], task["flow"]) == (order_id, "finance_review", "high-value-approval")
    assert task["sla_due_at"] == (START + timedelta(hours=4)).isoformat()
    trigger = world.step(order_id, "high-value-approval", "trigger")["explanation"]
    assert trigger["result"] is True and trigger["comparison"]["left"]["value"] == "6200.00"

    claimed = world.post(f"/api/tasks/{task['id']}/claim", {}, user="fin-zhang")
    assert (claimed["status"], claimed["assignee"]) == ("claimed", "fin-zhang")
    world.clock.advance(hours=1)
    decided = world.post(f"/api/tasks/{task['id']}/decide",
                         {"decision": "approved", "form": {"comment": "金额核对无误"}}, user="fin-zhang")
    assert decided["status"] == "decided" and decided["decision"]["form"] == {"comment": "金额核对无误"}

    order = world.order(order_id)
    assert order["status"] == "routed" and order["routed_warehouses"]
    review = world.step(order_id, "high-value-approval", "finance_review")
    assert review["port"] == "approved" and review["actor"] == "fin-zhang"
    assert review["explanation"]["form"] == {"comment": "金额核对无误"}
    assert world.path(order_id, "high-value-approval")[-1] == ("approved", None)
    assert world.stages(order_id) == ["intake", "approval", "routing"]
    changes = [(c["from"], c["to"]) for c in world.timeline(order_id)["status_changes"]]
    assert changes == [("created", "paid"), ("paid", "approved"), ("approved", "routed")]


def test_s1_rejection_cancels_the_order_with_the_reason(world):
    order_id = world.place(lines=BIG)
    [task] = world.tasks(group="finance", status="open")
    world.post(f"/api/tasks/{task['id']}/decide", {"decision": "rejected", "form": {}}, user="fin-zhang")
    order = world.order(order_id)
    assert order["status"] == "cancelled" and order["cancel_reason"] == "财务复核驳回"
    assert world.instance(order_id, "high-value-approval")["outcome"] == "rejected"
    assert "routing" not in world.stages(order_id)
    again = world.client.post(f"/api/tasks/{task['id']}/decide", json={"decision": "approved"})
    assert again.status_code == 409 and again.get_json()["problems"][0]["code"] == "RUN_TASK_CLOSED"


def test_s1_sla_breach_escalates_to_the_finance_manager_and_keeps_waiting(world):
    order_id = world.place(lines=BIG)
    [task] = world.tasks(group="finance", status="open")
    world.clock.advance(hours=3, minutes=59)
    assert world.fire_due_timers() == 0, "nothing is due before the SLA"
    assert world.get("/api/health")["timers"]["pending"] == 1
    world.clock.advance(minutes=2)
    assert world.fire_due_timers() == 1
    assert world.fire_due_timers() == 0, "a timer fires once"

    assert world.tasks(group="finance", status="active") == []
    [escalated] = world.tasks(group="finance-manager", status="active")
    assert escalated["id"] == task["id"] and escalated["escalated_to"] == "finance-manager"
    assert world.order(order_id)["status"] == "paid", "still waiting for a decision"
    review = world.step(order_id, "high-value-approval", "finance_review")
    assert review["explanation"]["state"] == "escalated" and review["status"] == "waiting"
    assert world.instance(order_id, "high-value-approval")["status"] == "waiting"

    world.post(f"/api/tasks/{task['id']}/decide", {"decision": "approved"}, user="fin-manager-wu")
    assert world.order(order_id)["status"] == "routed"
    assert world.step(order_id, "high-value-approval", "finance_review")["actor"] == "fin-manager-wu"


# ---- S4 ----

def _orders_from_addresses(world, count: int, coupon: bool = True) -> list[int]:
    ids = []
    for n in range(count):
        world.clock.advance(minutes=30)
        ids.append(world.place(customer="C-RISK", coupon=coupon, detail=f"幸福路 {n + 1} 号",
                               created_at=world.clock.now))
    return ids


def test_s4_two_addresses_in_24h_pass(world):
    first, second = _orders_from_addresses(world, 2)
    assert world.order(second)["status"] == "routed"
    check = world.step(second, "brushing-risk", "risk_check")
    assert check["port"] == "no" and check["explanation"]["result"] is False
    assert world.path(second, "brushing-risk") == [("risk_check", "no"), ("passed", None)]
    assert world.tasks(group="risk") == []


def test_s4_three_addresses_with_coupons_hold_the_order_for_risk_until_they_release_it(world):
    *_, third = _orders_from_addresses(world, 3)
    order = world.order(third)
    assert order["status"] == "held" and order["hold_reason"] == "疑似刷单：24 小时内多地址且均用券"
    assert world.path(third, "brushing-risk")[:2] == [("risk_check", "yes"), ("hold_order", "next")]
    [task] = world.tasks(group="risk", status="open")
    assert task["order_id"] == third and task["form"][0]["name"] == "finding"

    missing = world.as_user("risk-li").post(f"/api/tasks/{task['id']}/decide", json={"decision": "approved"})
    assert missing.status_code == 422, "the form's required finding is missing"
    assert missing.get_json()["problems"][0]["path"].startswith("body.form")
    world.post(f"/api/tasks/{task['id']}/decide",
               {"decision": "approved", "form": {"finding": "正常购买"}}, user="risk-li")
    order = world.order(third)
    assert order["status"] == "routed" and order["hold_reason"] is None
    assert world.instance(third, "brushing-risk")["outcome"] == "released"
    review = world.step(third, "brushing-risk", "risk_review")
    assert (review["actor"], review["explanation"]["form"]) == ("risk-li", {"finding": "正常购买"})


def test_s4_risk_rejection_cancels_the_held_order(world):
    *_, third = _orders_from_addresses(world, 3)
    [task] = world.tasks(group="risk", status="open")
    world.post(f"/api/tasks/{task['id']}/decide", {"decision": "rejected", "form": {"finding": "刷单"}},
               user="risk-li")
    order = world.order(third)
    assert order["status"] == "cancelled" and order["cancel_reason"] == "风控审核判定刷单"


def test_s4_three_addresses_without_coupons_pass(world):
    *_, third = _orders_from_addresses(world, 3, coupon=False)
    assert world.order(third)["status"] == "routed"
