"""The route node's compiled spec: factors, weights, adjust rules and filters, compiled once per plan.

The weights a run can end up with depend only on which adjust conditions hold, so every combination
is worked out here once (``weighings``, indexed by the bit mask of the conditions that hold)."""

from __future__ import annotations

import operator
from dataclasses import dataclass, replace
from decimal import Decimal
from operator import itemgetter
from typing import Any

from runtime.engine.compiling import NodeCompiler

CANDIDATE = {"candidate": "candidate"}
MAX_TABLED_CONDITIONS = 8  # 2**8 weighings at most; more distinct conditions are weighed per run
# ``field ⊕ literal`` factor columns; the route applies them with the expression context current.
_COLUMN_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv}


@dataclass(frozen=True, slots=True)
class RouteSpec:
    """A route node as compiled: immutable, shared by every run of the plan."""

    target: str
    candidates: frozenset[str] | None
    exclude_closed: bool
    require_full_stock: bool
    filters: tuple[tuple[str, Any, str, str], ...]          # name, keep_when, reason_zh, reason_en
    names: tuple[str, ...]
    labels: tuple[str, ...]
    values: tuple[Any, ...]                                 # compiled factor value expressions
    evaluators: tuple[Any, ...]                             # their evaluate functions
    base_weights: tuple[Decimal, ...]
    signs: tuple[int, ...]                                  # +1 lower is better, -1 higher is better
    adjust: tuple[tuple[tuple[Any, Decimal], ...], ...]     # per factor: (when, weight) rules
    conditions: tuple[Any, ...]                             # the distinct adjust conditions, each run once
    rules: tuple[tuple[tuple[int, int, Decimal], ...], ...]  # per factor: (condition index, rule index, weight)
    scoring: str
    split_allow: Any
    max_parts: int
    result_var: str | None
    columns: Any = None  # (itemgetter of the candidate fields, single, post ops) when every factor is one
    condition_bits: tuple[tuple[int, Any], ...] = ()  # (bit, evaluate) per distinct adjust condition
    weighings: tuple[tuple[tuple[Decimal, ...], tuple[Any, ...]], ...] | None = None  # by condition mask


def weighing(spec: RouteSpec, mask: int) -> tuple[tuple[Decimal, ...], tuple[Any, ...]]:
    """The weights in effect when the conditions in ``mask`` hold, and per factor the index of the adjust
    rule that set it (None: the base weight). The first rule of a factor whose condition holds wins."""
    weights, applied = [], []
    for base, rules in zip(spec.base_weights, spec.rules):
        for cond, index, weight in rules:
            if mask >> cond & 1:
                weights.append(weight)
                applied.append(index)
                break
        else:
            weights.append(base)
            applied.append(None)
    return tuple(weights), tuple(applied)


def _columns(values: tuple[Any, ...]) -> Any:
    """Every factor ``candidate.field`` or ``candidate.field ⊕ literal``: read them with one itemgetter."""
    cols = [v.column for v in values]
    if not all(c is not None and c[0] == "candidate" for c in cols):
        return None
    posts = tuple((i, _COLUMN_OPS[c[2]], c[3]) for i, c in enumerate(cols) if c[2] is not None)
    return itemgetter(*(c[1] for c in cols)), len(cols) == 1, posts


def _weight(value: float | int) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def compile(config: dict[str, Any], c: NodeCompiler) -> RouteSpec:
    """Compile filters, factor values and adjust conditions once; equal conditions share one object."""
    factors = config["factors"]
    split = config.get("split_policy")
    adjust = tuple(tuple((c.expr(a["when"], "boolean"), _weight(a["weight"])) for a in f.get("adjust", ()))
                   for f in factors)
    conditions = tuple(dict.fromkeys(when for rules in adjust for when, _ in rules))  # same text, same object
    rules = tuple(tuple((conditions.index(when), i, w) for i, (when, w) in enumerate(f)) for f in adjust)
    spec = RouteSpec(
        config["target"], frozenset(config["candidates"]) if config.get("candidates") else None,
        config.get("exclude_closed", True), config.get("require_full_stock", False),
        tuple((f["name"], c.expr(f["keep_when"], "boolean", **CANDIDATE), f.get("reason_zh", ""),
               f.get("reason_en", "")) for f in config.get("filters", ())),
        tuple(f["name"] for f in factors), tuple(f.get("label", f["name"]) for f in factors),
        values := tuple(c.expr(f["value"], "number", **CANDIDATE) for f in factors),
        tuple(v.evaluate for v in values),
        tuple(_weight(f["weight"]) for f in factors), tuple(1 if f["better"] == "lower" else -1 for f in factors),
        adjust, conditions, rules, config.get("scoring", "normalised"),
        c.expr(split["allow_when"], "boolean") if split else None, split.get("max_parts", 2) if split else 0,
        config.get("result_var"), _columns(values), tuple((1 << i, when.evaluate) for i, when in enumerate(conditions)))
    if len(conditions) > MAX_TABLED_CONDITIONS:
        return spec
    return replace(spec, weighings=tuple(weighing(spec, mask) for mask in range(1 << len(conditions))))
