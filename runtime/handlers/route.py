"""route: choose a warehouse (or carrier) — exclusions with reasons, weighted factors, split or backorder.

Order of checks per candidate: not in ``candidates`` (skipped silently), closed (``exclude_closed``),
each filter's ``keep_when`` (false or null excludes, with the filter's name and reasons), then the
stock (``require_full_stock``: every line's quantity in stock there). Scoring and tie rules are in
:mod:`runtime.engine.scoring`. Weight adjustments: the first ``adjust`` rule whose ``when`` holds sets
the factor's weight. With no candidate left: split when ``split_policy.allow_when`` holds and at most
``max_parts`` warehouses cover every SKU (whole SKUs per warehouse; gift lines marked
``ship_with_main`` ride with the main items' part), else backorder (an ``order.backorder`` effect).
The choice is kept in ``state.routes[target]`` (reserve_stock and split_shipment read it) and, with
``result_var``, in ``vars``: ``{"id", "score", "parts"}`` (score as text).
"""

from __future__ import annotations

from decimal import Decimal
from itertools import chain
from typing import Any

from dsl.expr import ExpressionRuntimeError
from dsl.expr.values import ARITH_ERRORS, in_ctx
from runtime.engine import scoring
from runtime.handlers.route_explain import BACKORDER_REASONS, explain
from runtime.handlers.route_spec import RouteSpec, compile, weighing

__all__ = ["compile", "run", "explain"]
_ONLY_DECIMAL = {Decimal}


def _weights(s: RouteSpec, env: dict[str, Any], clock: Any) -> tuple[tuple[Decimal, ...], tuple[Any, ...]]:
    """Weights in effect and, per factor, the index of the adjust rule that set it (None: base weight).
    Each distinct condition is evaluated once, in order; the combination picks a precomputed weighing."""
    mask = 0
    for bit, holds in s.condition_bits:
        if holds(env, clock) is True:
            mask |= bit
    return s.weighings[mask] if s.weighings is not None else weighing(s, mask)


def _needs(lines: list[dict[str, Any]], gifts_ride_along: bool) -> dict[str, int]:
    need: dict[str, int] = {}
    for line in lines:
        if gifts_ride_along and line.get("gift") and line.get("ship_with_main"):
            continue
        need[line["sku"]] = need.get(line["sku"], 0) + int(line.get("qty") or 0)
    return need


def _scan(ctx, s: RouteSpec, weights: tuple[Decimal, ...], lines: list[dict[str, Any]] | None):
    """(scored views, their factor values, their totals, exclusions, views short of stock).

    Factors that are plain ``candidate`` fields are read as columns, a factor at a time; when a value
    is not already a Decimal, or anything fails, the walk is redone evaluating every factor expression
    per candidate, so values and errors are exactly the expressions'."""
    if s.columns is not None:
        try:
            scored, _, excluded, short = _walk(ctx, s, lines, False)
            numbers = _column_numbers(s, weights, scored) if scored else None
        except (ExpressionRuntimeError, KeyError):
            numbers = None
        if numbers is not None:
            return scored, *numbers, excluded, short
    scored, rows, excluded, short = _walk(ctx, s, lines, True)
    return scored, rows, _totals(s, weights, scored, rows) if scored else None, excluded, short


def _walk(ctx, s: RouteSpec, lines: list[dict[str, Any]] | None, evaluate: bool):
    """Walk the candidates in snapshot order: skip, exclude (with the reason) or score each; with
    ``evaluate``, each scored candidate's factor expressions are evaluated into the rows."""
    env, clock, values, filters = ctx.env, ctx.clock, s.evaluators, s.filters
    pool = ctx.snapshot.warehouses if s.target == "warehouse" else ctx.snapshot.carriers
    allowed, skip_closed, full_stock = s.candidates, s.exclude_closed, s.require_full_stock
    scored, rows, excluded, short = [], [], [], []
    need = None
    for cand in pool:
        if allowed is not None and cand["id"] not in allowed:
            continue
        if skip_closed and cand.get("status") == "closed":
            excluded.append((cand["id"], "closed", None))
            continue
        view, ok = cand, None
        stock = cand.get("stock") if lines is not None else None
        if stock is not None:
            if need is None:
                need = _needs(lines, False)
            coverable = sum(1 for sku, qty in need.items() if (stock.get(sku) or 0) >= qty)
            ok = coverable == len(need)
            view = {**cand, "stock_ok": ok, "lines_coverable": coverable}
        if filters:
            env["candidate"] = view
            failed = next((i for i, f in enumerate(filters) if f[1].evaluate(env, clock) is not True), None)
            if failed is not None:
                excluded.append((cand["id"], "filter", failed))
                continue
        if full_stock and ok is not True:
            excluded.append((cand["id"], "no_stock" if ok is False else "stock_unknown", None))
            short.append(view)
            continue
        scored.append(view)
        if evaluate:
            env["candidate"] = view
            rows.append([v(env, clock) for v in values])
    env.pop("candidate", None)
    return scored, rows, excluded, short


def _column_numbers(s: RouteSpec, weights: tuple[Decimal, ...], scored: list[dict[str, Any]]
                    ) -> tuple[list[Any], list[Decimal]] | None:
    """The scored candidates' factor fields, each read with one itemgetter, and their totals; None unless
    every value is a plain Decimal and the ``field ⊕ literal`` arithmetic succeeds."""
    getter, single, posts = s.columns
    rows = [(getter(view),) for view in scored] if single else [getter(view) for view in scored]
    if {*map(type, chain.from_iterable(rows))} != _ONLY_DECIMAL:
        return None
    try:
        rows, totals = in_ctx(_column_arithmetic, s, weights, rows, posts)
    except ARITH_ERRORS:
        return None
    if totals is None:
        totals = scoring.normalised_totals(weights, scoring.normalised_scores(s.signs, rows))
    return rows, totals


def _column_arithmetic(s: RouteSpec, weights: tuple[Decimal, ...], rows: list[Any], posts: tuple[Any, ...]
                       ) -> tuple[list[Any], list[Decimal] | None]:
    """(run in CTX) The ``field ⊕ literal`` factors, then the weighted-sum totals (None: normalised)."""
    if posts:
        rows = [list(row) for row in rows]
        for i, op, lit in posts:
            for row in rows:
                row[i] = op(row[i], lit)
    return rows, scoring.weighted_rows(weights, s.signs, rows) if s.scoring == "weighted_sum" else None


def _totals(s: RouteSpec, weights: tuple[Decimal, ...], scored: list[dict[str, Any]], rows: list[Any]
            ) -> list[Decimal]:
    """Totals per candidate; a factor value that is not a number (checked only when the arithmetic
    fails, so the common case pays nothing) stops the route with an incident naming it."""
    try:
        if s.scoring == "weighted_sum":
            return scoring.weighted_totals(weights, s.signs, rows)
        return scoring.normalised_totals(weights, scoring.normalised_scores(s.signs, rows))
    except (TypeError, ArithmeticError):
        for view, row in zip(scored, rows, strict=True):
            scoring.check_values(s.names, view["id"], row)
        raise


def run(ctx, node, token):
    s: RouteSpec = node.spec
    weights, applied = _weights(s, ctx.env, ctx.clock)
    lines = ctx.snapshot.order.get("lines") or []
    scored, rows, totals, excluded, short = _scan(ctx, s, weights, lines if s.target == "warehouse" else None)
    lower_wins = s.scoring == "weighted_sum"
    if scored:
        best, runner = scoring.best_two(totals, lower_wins)
        winner = scored[best]["id"]
        ctx.state["routes"][s.target] = {"id": winner, "parts": None}
        if s.result_var:
            ctx.set_json_var(s.result_var, {"id": winner, "score": str(totals[best]), "parts": None})
        return "routed", (s.target, weights, applied, scored, rows, excluded, totals, best, runner, "routed", None)
    base = (s.target, weights, applied, scored, rows, excluded)
    if s.split_allow is not None and short and s.split_allow.evaluate(ctx.env, ctx.clock) is True:
        parts = _split(ctx, s, weights, short, lines, lower_wins)
        if parts is not None and "split" in node.exits:
            ctx.state["routes"][s.target] = {"id": None, "parts": parts}
            if s.result_var:
                ctx.set_json_var(s.result_var, {"id": None, "score": None, "parts": parts})
            return "split", (*base, None, None, None, "split", parts)
        reason = "split_impossible"
    else:
        reason = "no_candidate" if not short else "no_single_warehouse"
    if s.target == "warehouse":
        zh, en = BACKORDER_REASONS[reason]
        ctx.effect("order.backorder", node.id, {"order": ctx.order_id(), "reason": {"code": reason, "zh": zh,
                                                                                   "en": en}})
    ctx.state["routes"][s.target] = {"id": None, "parts": None}
    if s.result_var:
        ctx.set_json_var(s.result_var, {"id": None, "score": None, "parts": None, "backorder": reason})
    return "backorder", (*base, None, None, None, "backorder", reason)


def _split(ctx, s, weights, short, lines, lower_wins) -> list[dict[str, Any]] | None:
    """Parts [{warehouse, lines}] covering every line with at most max_parts warehouses, or None."""
    env, clock = ctx.env, ctx.clock
    rows = []
    for view in short:
        env["candidate"] = view
        rows.append([v(env, clock) for v in s.evaluators])
    env.pop("candidate", None)
    preference = [short[i] for i in scoring.rank(_totals(s, weights, short, rows), lower_wins)]
    parts, missing = scoring.greedy_split(_needs(lines, True), [(v["id"], v.get("stock") or {}) for v in preference],
                                          s.max_parts)
    if missing or not parts:
        return None
    owner = {sku: wid for wid, skus in parts for sku in skus}
    out = {wid: [] for wid, _ in parts}
    main = parts[0][0]
    for line in lines:
        wid = owner.get(line["sku"], main)
        if line.get("gift") and line.get("ship_with_main"):
            wid = next((owner[x["sku"]] for x in lines if not x.get("gift") and x["sku"] in owner), main)
        out[wid].append({"sku": line["sku"], "qty": int(line.get("qty") or 0)})
    return [{"warehouse": wid, "lines": part_lines} for wid, part_lines in out.items()]
