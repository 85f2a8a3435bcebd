"""The route node's explanation: every candidate's raw values, normalised scores, weights and total,
the exclusions with their reasons, the winner, the runner-up and the margin (numbers as text)."""

from __future__ import annotations

from typing import Any

from dsl.expr.values import CTX
from runtime.engine import scoring

EXCLUSION_REASONS = {
    "closed": ("仓库已关闭", "closed"),
    "no_stock": ("库存不足以发出全部商品", "not every line is in stock"),
    "stock_unknown": ("没有库存数据", "no stock data"),
}
BACKORDER_REASONS = {
    "no_candidate": ("没有可用的候选（全部被排除）", "no candidate left (all excluded)"),
    "no_single_warehouse": ("没有单个仓库能发出全部商品，且不允许拆单", "no single warehouse has every line "
                            "and splitting is not allowed"),
    "split_impossible": ("拆单后仍无法在允许的包裹数内发出全部商品", "even split into the allowed number of "
                         "parts the lines cannot all be covered"),
}


def explain(spec: Any, detail: tuple[Any, ...]) -> dict[str, Any]:
    target, weights, applied, scored, rows, excluded, totals, best, runner, decision, extra = detail
    s = spec
    ids = [view["id"] for view in scored]
    scores = scoring.normalised_scores(s.signs, rows) if rows else []
    weighted = s.scoring == "weighted_sum"
    candidates = []
    order = scoring.rank(totals, weighted) if totals else []
    place = {index: position + 1 for position, index in enumerate(order)}
    for i, cid in enumerate(ids):
        basis = rows[i] if weighted else scores[i]
        candidates.append({
            "id": cid, "rank": place.get(i),
            "raw": {n: str(v) for n, v in zip(s.names, rows[i])},
            "normalised": {n: str(v) for n, v in zip(s.names, scores[i])},
            "weighted": {n: str(CTX.minus(CTX.multiply(w, v)) if weighted and sign < 0 else CTX.multiply(w, v))
                         for n, w, v, sign in zip(s.names, weights, basis, s.signs)},
            "total": str(totals[i]) if totals else None})
    out: dict[str, Any] = {
        "target": target, "scoring": s.scoring, "lower_total_wins": weighted,
        "weights": [{"factor": n, "label": label, "better": "lower" if sign > 0 else "higher", "base": str(base),
                     "weight": str(w), "rule": None if a is None else {"index": a, "when": s.adjust[k][a][0].text}}
                    for k, (n, label, sign, base, w, a) in enumerate(zip(s.names, s.labels, s.signs,
                                                                         s.base_weights, weights, applied))],
        "candidates": candidates, "excluded": [_exclusion(s, e) for e in excluded], "decision": decision,
        "winner": ids[best] if best is not None else None,
        "runner_up": ids[runner] if runner is not None else None,
        "margin": str(abs(totals[best] - totals[runner])) if runner is not None else None,
    }
    if decision == "split":
        out["parts"] = extra
    elif decision == "backorder":
        zh, en = BACKORDER_REASONS[extra]
        out["backorder"] = {"code": extra, "reason_zh": zh, "reason_en": en}
    return out


def _exclusion(s: Any, entry: tuple[str, str, int | None]) -> dict[str, Any]:
    cid, reason, index = entry
    if reason == "filter":
        name, keep, zh, en = s.filters[index]
        return {"id": cid, "reason": "filter", "filter": name, "keep_when": keep.text,
                "reason_zh": zh or f"未通过筛选 “{name}”", "reason_en": en or f"filtered out by '{name}'"}
    zh, en = EXCLUSION_REASONS[reason]
    return {"id": cid, "reason": reason, "filter": None, "reason_zh": zh, "reason_en": en}
