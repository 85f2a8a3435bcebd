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
from typing import Any

from dsl.expr.values import ARITH_ERRORS, CTX
from runtime.engine import scoring
from runtime.handlers.route_explain import BACKORDER_REASONS, explain
from runtime.handlers.route_spec import RouteSpec, compile

__all__ = ["compile", "run", "explain"]
_ONLY_DECIMAL = {Decimal}


def _weights(s: RouteSpec, env: dict[str, Any], clock: Any) -> tuple[tuple[Decimal, ...], tuple[Any, ...]]:
    """Weights in effect and, per factor, the index of the adjust rule that set it (None: base weight).
    Each distinct condition is evaluated once; the first rule of a factor whose condition holds wins."""
    if not s.conditions:
        return s.base_weights, (None,) * len(s.base_weights)
    held = [when.evaluate(env, clock) is True for when in s.conditions]
    weights, applied = [], []
    for base, rules in zip(s.base_weights, s.rules):
        for cond, index, weight in rules:
            if held[cond]:
                weights.append(weight)
                applied.append(index)
                break
        else:
            weights.append(base)
            applied.append(None)
    return tuple(weights), tuple(applied)


def _needs(lines: list[dict[str, Any]], gifts_ride_along: bool) -> dict[str, int]:
    need: dict[str, int] = {}
    for line in lines:
        if gifts_ride_along and line.get("gift") and line.get("ship_with_main"):
            continue
        need[line["sku"]] = need.get(line["sku"], 0) + int(line.get("qty") or 0)
    return need


def _scan(ctx, s: RouteSpec, lines: list[dict[str, Any]] | None):
    """Walk the candidates: (scored views, their raw values, exclusions, views short of stock)."""
    env, clock, values, filters = ctx.env, ctx.clock, s.evaluators, s.filters
    pool = ctx.snapshot.warehouses if s.target == "warehouse" else ctx.snapshot.carriers
    allowed, skip_closed, full_stock = s.candidates, s.exclude_closed, s.require_full_stock
    columns = s.columns
    if columns is not None:
        getter, single, posts = columns
    scored, rows, excluded, short = [], [], [], []
    need = None
    for cand in pool:
        cid = cand["id"]
        if allowed is not None and cid not in allowed:
            continue
        if skip_closed and cand.get("status") == "closed":
            excluded.append((cid, "closed", None))
            continue
        view, ok = cand, None
        stock = cand.get("stock") if lines is not None else None
        if stock is not None:
            if need is None:
                need = _needs(lines, False)
            coverable = sum(1 for sku, qty in need.items() if (stock.get(sku) or 0) >= qty)
            ok = coverable == len(need)
            view = {**cand, "stock_ok": ok, "lines_coverable": coverable}
        env["candidate"] = view
        if filters:
            failed = next((i for i, f in enumerate(filters) if f[1].evaluate(env, clock) is not True), None)
            if failed is not None:
                excluded.append((cid, "filter", failed))
                continue
        if full_stock and ok is not True:
            excluded.append((cid, "no_stock" if ok is False else "stock_unknown", None))
            short.append(view)
            continue
        scored.append(view)
        row = None
        if columns is not None:  # fast: plain Decimal fields; anything else goes through the expressions
            try:
                raw = getter(view)
            except KeyError:
                raw = None
            if raw is not None:
                if single:
                    raw = (raw,)
                if set(map(type, raw)) == _ONLY_DECIMAL:
                    row = list(raw)
                    try:
                        for i, op, lit in posts:
                            row[i] = op(row[i], lit)
                    except ARITH_ERRORS:
                        row = None
        rows.append(row if row is not None else [v(env, clock) for v in values])
    env.pop("candidate", None)
    return scored, rows, excluded, short


def _totals(s: RouteSpec, weights: tuple[Decimal, ...], ids: list[str], rows: list[list[Any]]) -> list[Decimal]:
    """Totals per candidate; a factor value that is not a number (checked only when the arithmetic
    fails, so the common case pays nothing) stops the route with an incident naming it."""
    try:
        if s.scoring == "weighted_sum":
            return scoring.weighted_totals(weights, s.signs, rows)
        return scoring.normalised_totals(weights, scoring.normalised_scores(s.signs, rows))
    except (TypeError, ArithmeticError):
        for cid, row in zip(ids, rows, strict=True):
            scoring.check_values(s.names, cid, row)
        raise


def _weighted3(s: RouteSpec, weights: tuple[Decimal, ...], ids: list[str], rows: list[list[Any]]):
    """Three lower-is-better factors, weighted sum: totals, winner and runner-up in one pass."""
    w0, w1, w2 = weights
    mul, fma = CTX.multiply, CTX.fma
    totals, best, runner = [], None, None
    try:
        for i, (v0, v1, v2) in enumerate(rows):
            total = fma(w2, v2, fma(w1, v1, mul(w0, v0)))
            totals.append(total)
            if best is None or total < totals[best]:
                best, runner = i, best
            elif runner is None or total < totals[runner]:
                runner = i
    except (TypeError, ArithmeticError):
        totals = _totals(s, weights, ids, rows)  # names the value that is not a number (an incident)
        return totals, *scoring.best_two(totals, True)
    return totals, best, runner


def run(ctx, node, token):
    s: RouteSpec = node.spec
    weights, applied = _weights(s, ctx.env, ctx.clock)
    lines = ctx.snapshot.order.get("lines") or []
    scored, rows, excluded, short = _scan(ctx, s, lines if s.target == "warehouse" else None)
    lower_wins = s.scoring == "weighted_sum"
    ids = [c["id"] for c in scored]
    base = (s.target, weights, applied, ids, rows, excluded)
    if scored:
        if lower_wins and len(weights) == 3 and s.signs == (1, 1, 1):
            totals, best, runner = _weighted3(s, weights, ids, rows)  # the common shape, one pass
        else:
            totals = _totals(s, weights, ids, rows)
            best, runner = scoring.best_two(totals, lower_wins)
        winner = ids[best]
        ctx.state["routes"][s.target] = {"id": winner, "parts": None}
        if s.result_var:
            ctx.set_json_var(s.result_var, {"id": winner, "score": str(totals[best]), "parts": None})
        return "routed", (*base, totals, best, runner, "routed", None)
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
    preference = [short[i] for i in scoring.rank(_totals(s, weights, [v["id"] for v in short], rows), lower_wins)]
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
