"""Route scoring: weighted factors over candidates, two rules, and the greedy split.

``weighted_sum``: total = Σ weight × raw value (fused multiply-adds in the 34-digit context), where a
factor that is better ``higher`` enters with a minus sign; the LOWEST total wins. With every factor
``lower`` this is the plain weighted cost; with mixed directions a higher-is-better value lowers the
total (e.g. ``0.5 × cost − 0.2 × rating``).

``normalised``: each factor is min-max scaled over the scored candidates to 0..1 with 1 the best
(direction from ``better``; all equal → 1 for everyone); total = Σ weight × score / Σ weight; the
HIGHEST total wins. Ties go to the candidate listed first in the snapshot.

All arithmetic is Decimal in the expression language's bounded context (weighted sums run with it as
the current context, so they can use operators, see :func:`dsl.expr.values.in_ctx`).
"""

from __future__ import annotations

from decimal import Decimal, Rounded, getcontext
from typing import Any

from dsl.expr.values import ARITH_ERRORS, CTX, in_ctx
from runtime.engine.errors import NodeIncident

_ZERO, _ONE = Decimal(0), Decimal(1)


def check_values(factor_names: tuple[str, ...], candidate: str, values: tuple[Any, ...]) -> None:
    """A factor value must be a number; null (a missing field) stops the route with an incident."""
    for name, value in zip(factor_names, values, strict=True):
        if type(value) is not Decimal:
            raise NodeIncident("ROUTE_FACTOR_NOT_A_NUMBER",
                               f"factor {name!r} of candidate {candidate!r} is {value!r}, not a number",
                               f"候选 “{candidate}” 的因子 “{name}” 的值为 {value!r}，不是数字",
                               factor=name, candidate=candidate)


def weighted_totals(weights: tuple[Decimal, ...], signs: tuple[int, ...], rows: list[tuple[Any, ...]]
                    ) -> list[Decimal]:
    """Σ ± weight × raw value per candidate (lower wins)."""
    return in_ctx(weighted_rows, weights, signs, rows)


def weighted_rows(weights: tuple[Decimal, ...], signs: tuple[int, ...], rows: list[tuple[Any, ...]]
                  ) -> list[Decimal]:
    """:func:`weighted_totals` with CTX's thread copy current (``in_ctx``), so operators may be used.

    Σ is a chain of fused multiply-adds (three factors start from the first product, any other number
    from 0: the same number, but a zero's exponent shows in the text). For three factors, when no
    operation rounds (the usual case: a few digits each) plain products and sums give the very same
    numbers at half the cost, so that is tried first."""
    if -1 in signs:
        weights = tuple(w if s > 0 else -w for w, s in zip(weights, signs))
    if len(weights) == 3:  # the common shape (cost, time, load), unrolled
        w0, w1, w2 = weights
        ctx = getcontext()
        ctx.clear_flags()
        try:
            totals = [w2 * v2 + (w1 * v1 + w0 * v0) for v0, v1, v2 in rows]
            if not ctx.flags[Rounded]:
                return totals
        except ARITH_ERRORS:
            pass
        return [w2.fma(v2, w1.fma(v1, w0 * v0)) for v0, v1, v2 in rows]
    out = []
    for row in rows:
        total = _ZERO
        for w, v in zip(weights, row):
            total = w.fma(v, total)
        out.append(total)
    return out


def normalised_scores(signs: tuple[int, ...], rows: list[tuple[Any, ...]]) -> list[tuple[Decimal, ...]]:
    """Each factor min-max scaled to 0..1 over the candidates, 1 the best."""
    columns = list(zip(*rows)) if rows else []
    scaled_columns = []
    for sign, column in zip(signs, columns):
        lo, hi = min(column), max(column)
        span = CTX.subtract(hi, lo)
        if not span:
            scaled_columns.append([_ONE] * len(column))
        elif sign > 0:
            scaled_columns.append([CTX.divide(CTX.subtract(hi, v), span) for v in column])
        else:
            scaled_columns.append([CTX.divide(CTX.subtract(v, lo), span) for v in column])
    return [tuple(col[i] for col in scaled_columns) for i in range(len(rows))]


def normalised_totals(weights: tuple[Decimal, ...], scores: list[tuple[Decimal, ...]]) -> list[Decimal]:
    """Σ weight × score / Σ weight per candidate (higher wins)."""
    weight_sum = sum(weights, _ZERO)
    out = []
    for row in scores:
        total = sum((CTX.multiply(w, s) for w, s in zip(weights, row)), _ZERO)
        out.append(CTX.divide(total, weight_sum) if weight_sum else _ZERO)
    return out


def rank(totals: list[Decimal], lower_wins: bool) -> list[int]:
    """Candidate indexes best first; ties keep snapshot order."""
    return sorted(range(len(totals)), key=(lambda i: totals[i]) if lower_wins else (lambda i: -totals[i]))


def best_two(totals: list[Decimal], lower_wins: bool) -> tuple[int, int | None]:
    """The winner's index and the runner-up's (None with one candidate); first listed wins ties."""
    pick = min if lower_wins else max
    top = pick(totals)
    best = totals.index(top)
    if len(totals) < 2:
        return best, None
    second = pick(totals[:best] + totals[best + 1:])
    return best, totals.index(second, best + 1) if second == top else totals.index(second)


def greedy_split(need: dict[str, int], stocks: list[tuple[str, dict[str, Any]]], max_parts: int
                 ) -> tuple[list[tuple[str, list[str]]], list[str]]:
    """Assign SKUs to warehouses (preference order given): repeatedly the one covering most of what is
    left, whole SKUs only. Returns the parts [(warehouse, skus)] and the SKUs nobody could cover."""
    left = dict(need)
    parts: list[tuple[str, list[str]]] = []
    used: set[str] = set()
    while left and len(parts) < max_parts:
        best_id, best_skus = None, []
        for wid, stock in stocks:
            if wid in used:
                continue
            skus = [sku for sku, qty in left.items() if (stock.get(sku) or 0) >= qty]
            if len(skus) > len(best_skus):
                best_id, best_skus = wid, skus
        if best_id is None:
            break
        used.add(best_id)
        parts.append((best_id, best_skus))
        for sku in best_skus:
            del left[sku]
    return parts, list(left)
