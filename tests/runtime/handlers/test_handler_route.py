"""route: filters with reasons, both scoring rules, directions, ties, margins, split and its limits."""

from __future__ import annotations

from decimal import Decimal
from random import Random

import pytest

from dsl.expr.values import CTX
from runtime.engine import compile_plan
from runtime.engine.scoring import best_two, greedy_split, normalised_scores, normalised_totals, weighted_totals
from tests.runtime.engine.support import customer, effect, flow, node, order, snapshot, start, step

D = Decimal


def route_plan(**config):
    base = {"target": "warehouse", "factors": [
        {"name": "cost", "value": "candidate.cost", "weight": 0.6, "better": "lower"},
        {"name": "eta", "value": "candidate.eta_hours", "weight": 0.4, "better": "lower"}]}
    base.update(config)
    ports = [("pick", "routed", "done")] + [("pick", p, p) for p in ("split", "backorder")]
    return compile_plan(flow("pick", "pick", [node("pick", "route", **base), node("done", "end", outcome="routed"),
                                              node("split", "end", outcome="split"),
                                              node("backorder", "end", outcome="backorder")], ports, kind="routing"))


def wh(id_, cost, eta, **extra):
    return {"id": id_, "status": "open", "region": "east", "cost": cost, "eta_hours": eta, "load": "0.5", **extra}


def explain(result):
    return step(result, "pick")["explanation"]


def test_normalised_scores_are_min_max_per_factor_with_one_the_best():
    scores = normalised_scores((1, -1), [[D(10), D(5)], [D(20), D(15)], [D(15), D(10)]])
    assert scores == [(D(1), D(0)), (D(0), D(1)), (D("0.5"), D("0.5"))]
    assert normalised_scores((1,), [[D(3)], [D(3)]]) == [(D(1),), (D(1),)]


def test_normalised_totals_are_weighted_averages_and_the_highest_wins():
    totals = normalised_totals((D("0.6"), D("0.2")), [(D(1), D(0)), (D(0), D(1))])
    assert totals == [D("0.75"), D("0.25")] and best_two(totals, lower_wins=False) == (0, 1)


def test_weighted_sum_subtracts_higher_is_better_factors_and_the_lowest_wins():
    totals = weighted_totals((D("0.5"), D("0.2")), (1, -1), [[D(10), D(5)], [D(10), D(20)]])
    assert totals == [D("4.0"), D("1.0")] and best_two(totals, lower_wins=True) == (1, 0)


def test_weighted_sums_are_the_fused_multiply_add_chain_digit_for_digit():
    """Products and sums stand in for the multiply-add chain only when nothing rounds: same text always."""
    rng = Random(7)

    def number():
        digits, exponent = rng.choice([1, 2, 3, 17, 20, 34, 40]), rng.choice([-40, -3, -1, 0, 2, 10, 900])
        return D(f"{rng.choice(['', '-'])}{rng.randrange(10 ** digits)}E{exponent}")

    def fused(weights, signs, row):
        ws = [w if s > 0 else CTX.minus(w) for w, s in zip(weights, signs)]
        if len(ws) == 3:
            return CTX.fma(ws[2], row[2], CTX.fma(ws[1], row[1], CTX.multiply(ws[0], row[0])))
        total = D(0)
        for w, v in zip(ws, row):
            total = CTX.fma(w, v, total)
        return total

    def outcome(fn):
        try:
            return [str(t) for t in fn()]
        except ArithmeticError as err:
            return type(err).__name__

    for _ in range(3000):
        n = rng.choice([2, 3, 3, 4])
        weights, signs = tuple(number() for _ in range(n)), tuple(rng.choice([1, -1]) for _ in range(n))
        rows = [tuple(number() for _ in range(n)) for _ in range(3)]
        assert outcome(lambda: weighted_totals(weights, signs, rows)) == outcome(
            lambda: [fused(weights, signs, row) for row in rows]), (weights, signs, rows)


def test_ties_go_to_the_first_listed_candidate():
    assert best_two([D(1), D(1), D(2)], lower_wins=True) == (0, 1)
    assert best_two([D(1), D(2), D(2)], lower_wins=False) == (1, 2)
    assert best_two([D(3), D(1), D(2), D(1)], lower_wins=True) == (1, 3)
    assert best_two([D(2), D(1)], lower_wins=True) == (1, 0) and best_two([D(5)], lower_wins=True) == (0, None)


def test_greedy_split_takes_whole_skus_from_the_fewest_warehouses():
    parts, missing = greedy_split({"A": 2, "B": 1, "C": 1},
                                  [("x", {"A": 5}), ("y", {"B": 1, "C": 3}), ("z", {"A": 9, "B": 9})], 3)
    assert parts == [("y", ["B", "C"]), ("x", ["A"])] and missing == []
    assert greedy_split({"A": 2, "B": 1}, [("x", {"A": 5}), ("y", {"B": 1})], 1) == ([("x", ["A"])], ["B"])


def test_weighted_sum_route_explains_raw_and_weighted_contributions():
    result = start(route_plan(scoring="weighted_sum"), snapshot(warehouses=[wh("a", "10", 20), wh("b", "12", 10)]))
    explained = explain(result)
    assert explained["winner"] == "b" and explained["lower_total_wins"] is True
    b = next(c for c in explained["candidates"] if c["id"] == "b")
    assert b["weighted"] == {"cost": "7.2", "eta": "4.0"} and b["total"] == "11.2"
    assert explained["runner_up"] == "a" and explained["margin"] == "2.8"  # a: 6.0 + 8.0 = 14.0


def test_filters_exclude_with_their_names_and_reasons():
    plan = route_plan(filters=[{"name": "cold", "keep_when": "candidate.cold_chain or not any(order.lines.cold_chain)",
                                "reason_zh": "不支持冷链", "reason_en": "no cold chain"}])
    cold_order = order(lines=[{**order()["lines"][0], "cold_chain": True}])
    result = start(plan, snapshot(cold_order, warehouses=[wh("a", "1", 1, cold_chain=False),
                                                          wh("b", "9", 9, cold_chain=True)]))
    explained = explain(result)
    assert explained["winner"] == "b"
    assert explained["excluded"] == [{"id": "a", "reason": "filter", "filter": "cold",
                                      "keep_when": "candidate.cold_chain or not any(order.lines.cold_chain)",
                                      "reason_zh": "不支持冷链", "reason_en": "no cold chain"}]


def test_candidates_list_limits_the_pool_and_stock_fields_are_readable_by_filters():
    plan = route_plan(candidates=["b", "c"], filters=[{"name": "stock", "keep_when": "candidate.stock_ok"}])
    stock_ok, stock_short = {"TEA-01": 9, "CUP-02": 9}, {"TEA-01": 9}
    result = start(plan, snapshot(warehouses=[wh("a", "1", 1, stock=stock_ok), wh("b", "5", 5, stock=stock_short),
                                              wh("c", "9", 9, stock=stock_ok)]))
    explained = explain(result)
    assert explained["winner"] == "c" and [e["id"] for e in explained["excluded"]] == ["b"]
    assert explained["excluded"][0]["reason_en"] == "filtered out by 'stock'"


def test_everyone_excluded_backorders_with_a_reason():
    result = start(route_plan(), snapshot(warehouses=[wh("a", "1", 1, status="closed")]))
    assert result.state["outcome"] == "backorder"
    assert effect(result, "order.backorder")["reason"]["code"] == "no_candidate"


def test_split_beyond_max_parts_backorders():
    three = order(lines=[{"sku": s, "qty": 1, "price": "1"} for s in ("A", "B", "C")], accepts_split=True)
    plan = route_plan(require_full_stock=True, split_policy={"allow_when": "order.accepts_split", "max_parts": 2})
    snap = snapshot(three, warehouses=[wh(w, "1", 1, stock={s: 1}) for w, s in (("x", "A"), ("y", "B"), ("z", "C"))])
    result = start(plan, snap)
    assert result.state["outcome"] == "backorder"
    assert effect(result, "order.backorder")["reason"]["code"] == "split_impossible"


def test_a_factor_that_is_not_a_number_is_an_incident():
    result = start(route_plan(), snapshot(warehouses=[wh("a", None, 1)]))
    assert result.state["status"] == "incident"
    assert result.state["incident"]["code"] == "ROUTE_FACTOR_NOT_A_NUMBER"
    assert result.state["incident"]["candidate"] == "a"


@pytest.mark.parametrize("tier", ["VIP", "NORMAL"])
def test_the_same_adjust_condition_in_several_factors_is_evaluated_once_and_applied_to_each(tier):
    vip = [{"when": 'customer.tier == "VIP"', "weight": 0.9}]
    plan = route_plan(factors=[{"name": "cost", "value": "candidate.cost", "weight": 0.6, "better": "lower",
                                "adjust": vip},
                               {"name": "eta", "value": "candidate.eta_hours", "weight": 0.4, "better": "lower",
                                "adjust": vip}])
    weights = explain(start(plan, snapshot(customer_=customer(tier=tier), warehouses=[wh("a", "1", 1)])))["weights"]
    assert [w["weight"] for w in weights] == (["0.9", "0.9"] if tier == "VIP" else ["0.6", "0.4"])


@pytest.mark.parametrize("scoring", ["weighted_sum", "normalised"])
def test_three_factor_routes_agree_with_the_scoring_rules_and_flag_bad_values(scoring):
    factors = [{"name": n, "value": f"candidate.{f}", "weight": w, "better": "lower"}
               for n, f, w in (("cost", "cost", 0.5), ("eta", "eta_hours", 0.3), ("load", "load", 0.2))]
    plan = route_plan(scoring=scoring, factors=factors)
    pool = [wh("a", "10", 30), wh("b", "12", 10, load="0.9"), wh("c", "11", 20, load="0.1")]
    explained = explain(start(plan, snapshot(warehouses=pool)))
    rows = [[D(c["raw"][k]) for k in ("cost", "eta", "load")] for c in explained["candidates"]]
    weights = (D("0.5"), D("0.3"), D("0.2"))
    totals = (weighted_totals(weights, (1, 1, 1), rows) if scoring == "weighted_sum"
              else normalised_totals(weights, normalised_scores((1, 1, 1), rows)))
    best, runner = best_two(totals, lower_wins=scoring == "weighted_sum")
    assert (explained["winner"], explained["runner_up"]) == (["a", "b", "c"][best], ["a", "b", "c"][runner])
    missing_cost = start(plan, snapshot(warehouses=[*pool, wh("d", None, 1)]))
    assert missing_cost.state["incident"]["code"] == "ROUTE_FACTOR_NOT_A_NUMBER"
    assert missing_cost.state["incident"]["candidate"] == "d"
    unreadable = start(plan, snapshot(warehouses=[*pool, wh("d", "cheap", 1)]))
    assert unreadable.state["incident"]["code"] == "EXPR_RUNTIME_BAD_VALUE"
