"""The other node types, one behaviour each: tables, stock, shipments, order changes, waits, sub-flows."""

from __future__ import annotations

import pytest

from runtime.engine import compile_plan, events, run
from tests.runtime.engine.support import (
    customer,
    effect,
    flow,
    kinds,
    later,
    node,
    order,
    path,
    snapshot,
    start,
    step,
)


def single(n, ports=("next",), kind="intake", extra_nodes=(), extra_edges=()):
    """A flow of one node under test whose ports each end in an end node named after the port."""
    ends = [node(p, "end", outcome=p) for p in ports]
    return compile_plan(flow("one", n["id"], [n, *ends, *extra_nodes], [(n["id"], p, p) for p in ports]
                             + list(extra_edges), kind=kind))


TABLE = dict(hit_policy="collect", inputs=[{"name": "total", "expr": "order.total"}],
             outputs=[{"name": "flag", "type": "string", "default": "none"},
                      {"name": "points", "type": "number", "default": 0}],
             rules=[{"when": ["> 100"], "then": ["big", 10], "note": "大单"},
                    {"when": ["> 1000"], "then": ["huge", 50]}, {"when": ["< 10"], "then": ["tiny", 1]}])


def test_decision_table_collect_gathers_every_matching_row():
    result = start(single(node("t", "decision_table", **TABLE)), snapshot(order(total="2000")))
    assert result.state["vars"]["flag"] == ["big", "huge"] and result.state["vars"]["points"] == ["10", "50"]
    assert step(result, "t")["explanation"]["rows"] == [{"index": 0, "note": "大单"}, {"index": 1, "note": ""}]


def test_decision_table_without_a_match_writes_defaults_and_takes_no_match_when_connected():
    result = start(single(node("t", "decision_table", **TABLE), ports=("next", "no_match")),
                   snapshot(order(total="50")))
    assert step(result, "t")["port"] == "no_match"
    assert result.state["vars"] == {"flag": "none", "points": "0"} and result.state["vtypes"] == {"points": "decimal"}
    unconnected = start(single(node("t", "decision_table", **TABLE)), snapshot(order(total="50")))
    assert step(unconnected, "t")["port"] == "next"


def test_number_outputs_are_numbers_for_later_expressions():
    table = node("t", "decision_table", hit_policy="first", inputs=[{"name": "tier", "expr": "customer.tier"}],
                 outputs=[{"name": "rate", "type": "number"}], rules=[{"when": ["-"], "then": [0.25]}])
    check = node("c", "condition", when="vars.rate * 4 == 1")
    plan = compile_plan(flow("rate", "t", [table, check, node("yes", "end", outcome="yes"),
                                           node("no", "end", outcome="no")],
                             [("t", "next", "c"), ("c", "yes", "yes"), ("c", "no", "no")]))
    assert start(plan, snapshot()).state["outcome"] == "yes"


def stocked(**stock):
    return [{"id": "hz", "status": "open", "cost": "1", "eta_hours": 1, "load": "0", "stock": stock}]


def test_reserve_stock_in_a_named_warehouse():
    plan = single(node("r", "reserve_stock", warehouse='"hz"', on_shortage="port"), ports=("reserved", "shortage"))
    ok = start(plan, snapshot(warehouses=stocked(**{"TEA-01": 2, "CUP-02": 1})))
    assert effect(ok, "stock.reserve")["warehouse"] == "hz" and ok.state["outcome"] == "reserved"
    short = start(plan, snapshot(warehouses=stocked(**{"TEA-01": 1, "CUP-02": 1})))
    assert short.state["outcome"] == "shortage" and short.effects == []
    assert step(short, "r")["explanation"]["short"] == [
        {"warehouse": "hz", "short": [{"sku": "TEA-01", "qty": 2, "available": 1}]}]


def test_reserve_stock_backorders_and_tries_again_when_stock_arrives():
    plan = single(node("r", "reserve_stock", warehouse='"hz"', on_shortage="backorder"), ports=("reserved",))
    first = start(plan, snapshot(warehouses=stocked(**{"TEA-01": 0, "CUP-02": 1})))
    assert first.state["status"] == "waiting" and effect(first, "order.backorder")["reason"]["code"] == "stock_short"
    still = run(plan, first.state, events.event_received("stock.available"),
                snapshot(warehouses=stocked(**{"TEA-01": 1, "CUP-02": 1})), later(1))
    assert still.state["status"] == "waiting" and kinds(still) == []
    done = run(plan, still.state, events.event_received("stock.available"),
               snapshot(warehouses=stocked(**{"TEA-01": 5, "CUP-02": 1})), later(2))
    assert done.state["outcome"] == "reserved" and kinds(done) == ["stock.reserve"]


def test_reserve_stock_without_a_route_is_an_incident():
    result = start(single(node("r", "reserve_stock", on_shortage="port"), ports=("reserved",)), snapshot())
    assert result.state["incident"]["code"] == "RESERVE_NO_WAREHOUSE"


def test_split_by_temperature_zone_separates_cold_lines():
    lines = [{**order()["lines"][0], "cold_chain": True}, order()["lines"][1]]
    route = node("pick", "route", target="warehouse", factors=[{"name": "c", "value": "candidate.cost", "weight": 1,
                                                                "better": "lower"}])
    plan = compile_plan(flow("zones", "pick", [route, node("s", "split_shipment", by="cold_chain", max_parts=2),
                                               node("done", "end", outcome="done")],
                             [("pick", "routed", "s"), ("s", "next", "done")], kind="routing"))
    result = start(plan, snapshot(order(lines=lines), warehouses=stocked(**{"TEA-01": 9, "CUP-02": 9})))
    shipments = effect(result, "order.split")["shipments"]
    assert [(s["warehouse"], s["cold_chain"], [x["sku"] for x in s["lines"]]) for s in shipments] == [
        ("hz", True, ["TEA-01"]), ("hz", False, ["CUP-02"])]


@pytest.mark.parametrize(("config", "kind", "data"), [
    ({"action": "untag", "tag": "vip"}, "order.untag", {"tag": "vip"}),
    ({"action": "hold", "reason": "核查"}, "order.hold", {"reason": "核查"}),
    ({"action": "release"}, "order.release", {"reason": ""}),
    ({"action": "cancel", "reason": "缺货"}, "order.cancel", {"reason": "缺货"}),
    ({"action": "add_surcharge", "surcharge": {"code": "pack", "amount": "order.total * 0.01"}},
     "order.add_surcharge", {"surcharge": {"code": "pack", "label": "", "amount": "12.0000"}}),
])
def test_order_actions_become_one_effect_each(config, kind, data):
    result = start(single(node("a", "order_action", **config)), snapshot())
    assert kinds(result) == [kind] and effect(result, kind) == {"order": "O-1001", **data}


def test_return_rejection_has_no_amount_and_no_pickup():
    plan = single(node("d", "return_disposition", resolution="reject", pickup="door", reason="超期"), kind="return")
    result = start(plan, snapshot(return_request={"id": "R-1", "amount": "99"}))
    assert kinds(result) == ["return.disposition"] and effect(result, "return.disposition")["amount"] is None


def test_return_amount_expression_overrides_the_full_amount():
    plan = single(node("d", "return_disposition", resolution="coupon", amount="return_request.amount * 0.1"),
                  kind="return")
    assert effect(start(plan, snapshot(return_request={"id": "R-1", "amount": "99"})),
                  "return.disposition")["amount"] == "9.9"


def test_notify_a_group():
    plan = single(node("n", "notify", channel="dingtalk", to="group", group="risk", message='"请核查 " + order.id'))
    data = effect(start(plan, snapshot()), "notify")
    assert data["group"] == "risk" and data["customer"] is None and data["message"] == "请核查 O-1001"


def test_approval_sla_exit_takes_the_breach_port_and_cancels_the_task():
    plan = single(node("a", "approval", assignee_group="finance", sla="30m", on_sla_breach={"action": "exit"}),
                  ports=("approved", "rejected", "sla_breached"))
    first = start(plan, snapshot())
    late = run(plan, first.state, events.timer_fired(effect(first, "timer.schedule")["timer"]), snapshot(),
               later(0.5))
    assert late.state["outcome"] == "sla_breached" and kinds(late) == ["task.cancel"]


def test_approval_without_sla_schedules_no_timer():
    plan = single(node("a", "approval", assignee_group="finance"), ports=("approved", "rejected"))
    result = start(plan, snapshot())
    assert kinds(result) == ["task.create"] and effect(result, "task.create")["sla_due"] is None


def test_subflow_ending_with_an_unknown_outcome_is_an_incident():
    plan = single(node("s", "subflow", flow="ce-certificate-check", binding="pinned", version=3,
                       outcomes=["passed"]), ports=("passed",))
    first = start(plan, snapshot())
    assert effect(first, "subflow.start")["version"] == 3
    odd = run(plan, first.state, events.subflow_ended(effect(first, "subflow.start")["call"], "maybe"), snapshot(),
              later(1))
    assert odd.state["incident"]["code"] == "SUBFLOW_UNKNOWN_OUTCOME"


def test_merge_window_waits_for_its_window_then_goes_on_single():
    plan = single(node("m", "merge_window", window="30m", key="customer.fingerprint"), ports=("merged", "single"))
    first = start(plan, snapshot(customer_=customer(fingerprint="fp-9")))
    assert effect(first, "timer.schedule")["purpose"] == "merge_window"
    done = run(plan, first.state, events.timer_fired(effect(first, "timer.schedule")["timer"]), snapshot(),
               later(0.5))
    assert done.state["outcome"] == "single"
    explained = step(done, "m")["explanation"]
    assert explained["merge_key"] == "fp-9" and "wave 2" in explained["note_en"]


def test_a_port_without_an_edge_is_an_incident():
    plan = compile_plan(flow("gap", "c", [node("c", "call_service", connection="wms", method="GET", path="/x"),
                                          node("done", "end", outcome="done")], [("c", "ok", "done")]))
    assert path(start(plan, snapshot())) == [("c", None)]
    cond = compile_plan(flow("pick", "r", [
        node("r", "route", target="carrier", factors=[{"name": "c", "value": "candidate.cost", "weight": 1,
                                                       "better": "lower"}]),
        node("done", "end", outcome="done")], [("r", "routed", "done")], kind="routing"))
    result = start(cond, snapshot(carriers=[]))
    assert result.state["incident"]["code"] == "PORT_NOT_CONNECTED" and result.state["incident"]["port"] == "backorder"
