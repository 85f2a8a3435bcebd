"""Real engine output for the contract tests: every template run through the engine and driven through its waits.

:func:`template_steps` starts each template on a range of orders, customers, returns, warehouses,
carriers and context feeds, then answers every wait it reaches (tasks approved and rejected, timers,
events, sub-flow outcomes, service answers ok and failed, restocks), cancels and retries — breadth
first, bounded — and returns every step's published dict. :func:`extra_flow_steps` does the same for
small flows of the node types no template uses (parallel/join, split, merge window …) and for incidents.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from runtime.engine import EventError, Plan, Snapshot, events, run
from tests.runtime.engine.support import (
    CLOCK,
    TEMPLATES,
    customer,
    flow,
    node,
    order,
    plan_of,
    snapshot,
    template,
)

MAX_RUNS_PER_START = 40


def wh(id_: str, cost: str, eta: int, load: str, status: str = "open", stock: dict[str, int] | None = None,
       region: str = "east", cold: bool = False) -> dict[str, Any]:
    full = {"TEA-01": 50, "CUP-02": 50, "GIFT-VIP-01": 10, "ICE-01": 20, "MED-01": 20}
    return {"id": id_, "region": region, "status": status, "cold_chain": cold, "capacity": 1000, "load": load,
            "cost": cost, "unit_cost": cost, "eta_hours": eta, "stock": full if stock is None else stock}


WAREHOUSE_SETS = {
    "plenty": [wh("hz", "10", 48, "0.2"), wh("sh", "20", 12, "0.5"), wh("bj", "30", 36, "0.9", region="north"),
               wh("gz", "5", 6, "0.1", status="closed", region="south")],
    "split": [wh("hz", "10", 48, "0.2", stock={"TEA-01": 5}), wh("sh", "20", 12, "0.5", stock={"CUP-02": 5}),
              wh("bj", "30", 36, "0.9", stock={}, region="north")],
    "empty": [wh("hz", "10", 48, "0.2", stock={}), wh("sh", "20", 12, "0.5", status="closed")],
}
CARRIERS = [
    {"id": "sf", "cost": "18", "eta_hours": 24, "cold_chain": True, "rating": "4.8", "load": "0.3"},
    {"id": "zto", "cost": "8", "eta_hours": 48, "cold_chain": False, "rating": "4.1", "load": "0.6"},
    {"id": "jd", "cost": "14", "eta_hours": 30, "cold_chain": True, "rating": "4.6", "load": "0.5"},
]
GIFT = {"sku": "GIFT-VIP-01", "name": "赠品", "qty": 1, "price": "0.00", "weight_kg": 0.2, "medical_class": None,
        "cold_chain": False, "gift": True, "ship_with_main": True}
ICE = {"sku": "ICE-01", "name": "冰淇淋", "qty": 1, "price": "80.00", "weight_kg": 1.0, "medical_class": None,
       "cold_chain": True, "gift": False}
MED = {"sku": "MED-01", "name": "血压计", "qty": 1, "price": "300.00", "weight_kg": 1.0, "medical_class": "IIb",
       "cold_chain": False, "gift": False}


def _order_variants() -> list[dict[str, Any]]:
    base = order()
    west = {**base["address"], "province": "新疆", "city": "乌鲁木齐", "region": "west"}
    hk = {**base["address"], "country": "HK", "province": "香港", "city": "香港", "region": "south"}
    de = {**base["address"], "country": "DE", "province": "Berlin", "city": "Berlin", "region": "eu"}
    tibet = {**base["address"], "province": "西藏", "city": "拉萨", "region": "west"}
    return [
        base,
        order(total="8800.00"),
        order(total="20000.00", coupon_used=True, coupon_codes=["C-1"]),
        order(address=west, total="99.00"),
        order(address=hk, lines=[*base["lines"], MED]),
        order(channel="douyin", lines=[*base["lines"], ICE], accepts_split=False),
        order(channel="pos", receipt=True, lines=[*base["lines"], GIFT]),
        order(lines=[{**MED, "medical_class": "III"}], address=hk),
        order(address=de, lines=[*base["lines"], {**MED, "medical_class": "IIa"}]),
        order(address=tibet, total="5600.00", lines=[*base["lines"], ICE]),
    ]


def _customer_variants() -> list[dict[str, Any]]:
    return [customer(), customer(tier="VIP"), customer(tier="GOLD", new=True),
            customer(stats_24h={"orders": 6, "distinct_addresses": 3, "coupon_orders": 4})]


def _returns() -> list[dict[str, Any] | None]:
    def request(reason: str, days: int, receipt: bool) -> dict[str, Any]:
        return {"id": "R-77", "reason_text": reason, "reason_code": "", "requested_at": "2026-03-02T09:00:00+08:00",
                "days_since_delivery": days, "has_receipt": receipt, "amount": "299.00",
                "items": [{"sku": "TEA-01", "qty": 1, "price": "299.00"}]}
    return [None, request("尺码偏大，想退", 3, True), request("收到就开线了，质量太差", 20, False),
            request("不想要了", 45, True)]


def _contexts() -> list[dict[str, Any]]:
    calm = {region: {"level": 0, "label": "无"} for region in ("east", "west", "south", "north", "eu")}
    return [{"weather": calm},
            {"promotion": {"active": True}, "weather": {**calm, "east": {"level": 3, "label": "橙色"}}},
            {"weather": {**calm, "west": {"level": 4, "label": "红色"}, "south": {"level": 2, "label": "黄色"}}},
            {}]


def snapshots() -> Iterator[Snapshot]:
    """A spread of snapshots: every order and customer variant, with rotating returns, stock and context."""
    returns, contexts, sets = _returns(), _contexts(), list(WAREHOUSE_SETS.values())
    n = 0
    for o in _order_variants():
        for c in _customer_variants():
            n += 1
            try:
                yield snapshot(o, c, return_request=returns[n % len(returns)], context=contexts[n % len(contexts)],
                               warehouses=sets[n % len(sets)], carriers=CARRIERS)
            except (TypeError, ValueError):
                continue


def _form(spec: Any) -> dict[str, Any]:
    values = {"text": "ok", "number": 1, "boolean": True}
    out = {}
    for f in getattr(spec, "form", ()) or ():
        kind = f.get("type")
        choices = f.get("options") or f.get("choices") or ["a"]
        out[f["name"]] = choices[0] if kind == "choice" else values.get(kind, "x")
    return out


def wake_events(plan: Plan, state: dict[str, Any]) -> list[dict[str, Any]]:
    """Every event that would wake a waiting token of ``state`` (both answers where there are two)."""
    out: list[dict[str, Any]] = []
    for token in state.get("tokens") or []:
        wait = token.get("wait")
        if not wait:
            continue
        kind, spec = wait.get("kind"), plan.nodes[token["node"]].spec
        if kind == "task":
            out += [events.task_decided(wait["task"], d, actor="u-li", form=_form(spec)) for d in events.DECISIONS]
        elif kind == "event":
            out.append(events.event_received(wait["event"], {"ok": True, "status": "passed", "amount": 1,
                                                             "order": "O-1001", "valid": True}))
        elif kind == "subflow":
            out += [events.subflow_ended(wait["call"], outcome) for outcome in (*spec[3], "unknown-outcome")]
        elif kind == "service":
            out += [events.service_responded(wait["call"], True, {"valid": True, "certificates": []}, 200),
                    events.service_responded(wait["call"], False, None, 503,
                                             {"code": "HTTP_503", "message": "unavailable"})]
        elif kind == "stock":
            out.append(events.event_received(wait["event"], {}))
        if wait.get("timer"):
            out.append(events.timer_fired(wait["timer"]))
    return out


def drive(plan: Plan, snap: Snapshot, clock: datetime = CLOCK, max_runs: int = MAX_RUNS_PER_START,
          instance: str = "i-1") -> list[dict[str, Any]]:
    """Start ``plan`` and answer its waits breadth first (plus a cancel and a retry where they apply)."""
    steps: list[dict[str, Any]] = []
    first = run(plan, None, events.start(instance), snap, clock)
    queue = [(first, 1)]
    runs = 1
    steps += [s.to_dict() for s in first.steps]
    while queue and runs < max_runs:
        result, depth = queue.pop(0)
        state = result.state
        nexts = []
        if state["status"] == "waiting":
            nexts = wake_events(plan, state)
            if depth == 1:
                nexts.append(events.cancel("customer asked", actor="u-ops"))
        elif state["status"] == "incident":
            nexts = [events.retry(actor="u-ops"), events.cancel("gave up", actor="u-ops")]
        for event in nexts:
            if runs >= max_runs:
                break
            try:
                later = run(plan, state, event, snap, clock + timedelta(days=3 * depth))
            except EventError:
                continue
            runs += 1
            if later.ignored:
                continue
            steps += [s.to_dict() for s in later.steps]
            queue.append((later, depth + 1))
    return steps


@cache
def template_names() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in TEMPLATES.glob("*.flow")))


def template_steps(name: str) -> list[dict[str, Any]]:
    plan = template(name)
    out: list[dict[str, Any]] = []
    for snap in snapshots():
        out += drive(plan, snap)
    return out


def extra_flows() -> dict[str, dict[str, Any]]:
    """Small flows for what the templates do not reach: parallel/join, split, merge window, incidents …"""
    return {
        "parallel-join": flow("pj", "fork", [
            node("fork", "parallel", branches=["a", "b"]),
            node("wait_a", "timer", duration="1h"),
            node("tell", "notify", channel="sms", to="group", group="ops", title="t", message='"hello " + order.id'),
            node("join", "join", mode="all"),
            node("done", "end", outcome="done")],
            [("fork", "a", "wait_a"), ("fork", "b", "tell"), ("wait_a", "next", "join"), ("tell", "next", "join"),
             ("join", "next", "done")]),
        "route-split-reserve-ship": flow("rs", "route", [
            node("route", "route", target="warehouse", scoring="normalised",
                 factors=[{"name": "cost", "value": "candidate.cost", "better": "lower", "weight": 0.5},
                          {"name": "eta", "value": "candidate.eta_hours", "better": "lower", "weight": 0.5}],
                 require_full_stock=True, split_policy={"allow_when": "true", "max_parts": 3}),
            node("reserve", "reserve_stock", on_shortage="backorder"),
            node("ship", "split_shipment", by="cold_chain"),
            node("tag", "order_action", action="add_surcharge",
                 surcharge={"code": "split", "label": "拆单费", "amount": "5"}),
            node("line", "order_action", action="add_line",
                 line={"sku": "GIFT-1", "name": "赠品", "qty": 1, "price": "0"}),
            node("hold", "order_action", action="hold", reason="check"),
            node("routed", "end", outcome="routed"), node("backordered", "end", outcome="backordered")],
            [("route", "routed", "reserve"), ("route", "split", "reserve"), ("route", "backorder", "backordered"),
             ("reserve", "reserved", "ship"), ("ship", "next", "tag"), ("tag", "next", "line"),
             ("line", "next", "hold"), ("hold", "next", "routed")], kind="routing"),
        "merge-window": flow("mw", "merge", [
            node("merge", "merge_window", window="30m", key="order.address.phone"),
            node("done", "end", outcome="done")], [("merge", "single", "done"), ("merge", "merged", "done")],
            kind="routing"),
        "wait-event-timeout": flow("we", "wait", [
            node("wait", "wait_event", event="payment.confirmed", match="event.amount > 0", timeout="2h"),
            node("paid", "end", outcome="paid"), node("late", "end", outcome="late")],
            [("wait", "received", "paid"), ("wait", "timeout", "late")]),
        "subflow-and-service": flow("ss", "sub", [
            node("sub", "subflow", flow="child", binding="active", outcomes=["ok", "failed"]),
            node("call", "call_service", connection="erp", method="POST", path="/check",
                 body={"order": "order.id"}, result_var="answer"),
            node("ok", "end", outcome="ok"), node("failed", "end", outcome="failed")],
            [("sub", "ok", "call"), ("sub", "failed", "failed"), ("call", "ok", "ok")]),
        "incidents": flow("inc", "bad", [
            node("bad", "assign", assignments=[{"target": "x", "value": "order.total / 0"}]),
            node("done", "end", outcome="done")], [("bad", "next", "done")]),
        "approval-remind-exit": flow("ap", "appr", [
            node("appr", "approval", assignee_group="finance", sla="1h", title="复核",
                 form=[{"name": "note", "type": "text", "required": True}], on_sla_breach={"action": "remind"}),
            node("appr2", "approval", assignee_group="risk", sla="1h", on_sla_breach={"action": "exit"}),
            node("yes", "end", outcome="approved"), node("no", "end", outcome="rejected"),
            node("late", "end", outcome="late")],
            [("appr", "approved", "appr2"), ("appr", "rejected", "no"), ("appr2", "approved", "yes"),
             ("appr2", "rejected", "no"), ("appr2", "sla_breached", "late")], kind="approval"),
        "return-disposition": flow("rd", "disp", [
            node("disp", "return_disposition", resolution="exchange", offer_first=["points"], pickup="dropoff"),
            node("rej", "return_disposition", resolution="reject", reason="no receipt"),
            node("done", "end", outcome="resolved")],
            [("disp", "next", "rej"), ("rej", "next", "done")], kind="return"),
    }


def extra_flow_steps() -> dict[str, list[dict[str, Any]]]:
    out = {}
    for name, doc in extra_flows().items():
        plan = plan_of(doc)
        steps: list[dict[str, Any]] = []
        for snap in list(snapshots())[:8]:
            steps += drive(plan, snap)
        out[name] = steps
    return out


__all__ = ["TEMPLATES", "extra_flow_steps", "template_names", "template_steps"]
