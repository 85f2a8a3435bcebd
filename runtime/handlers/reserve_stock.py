"""reserve_stock: ask for the order's lines in the chosen warehouse(s) — an effect, applied later.

The warehouse is the ``warehouse`` expression, else the last route decision (``state.routes.warehouse``;
a split reserves each part). The snapshot's stock decides now: enough → ``stock.reserve`` effects
and ``reserved``. The adapter applies them as conditional updates; a conflict means the snapshot was
stale: it rolls back and re-runs the same event on a fresh snapshot, which this handler allows (it
changes nothing but its effects). Short → ``shortage`` (``on_shortage: port``) or an
``order.backorder`` effect and a wait for the event ``stock.available``, which tries again.
"""

from __future__ import annotations

from typing import Any

from runtime.engine.errors import NodeIncident
from runtime.engine.outcomes import Wait

RESTOCK_EVENT = "stock.available"


def compile(config: dict[str, Any], c) -> tuple[Any, str]:
    text = config.get("warehouse")
    return (c.expr(text, "string") if text else None), config["on_shortage"]


def _parts(ctx, node) -> list[tuple[str, list[dict[str, Any]]]]:
    chosen, _ = node.spec
    lines = [{"sku": x["sku"], "qty": int(x.get("qty") or 0)} for x in ctx.snapshot.order.get("lines") or []]
    if chosen is not None:
        return [(chosen.evaluate(ctx.env, ctx.clock), lines)]
    route = ctx.state["routes"].get("warehouse") or {}
    if route.get("parts"):
        return [(p["warehouse"], p["lines"]) for p in route["parts"]]
    if route.get("id"):
        return [(route["id"], lines)]
    raise NodeIncident("RESERVE_NO_WAREHOUSE", "no warehouse chosen: route the order first or set 'warehouse'",
                       "没有选定仓库：请先经过“智能分仓”节点，或填写仓库")


def _short(ctx, warehouse: str, lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    wh = next((w for w in ctx.snapshot.warehouses if w["id"] == warehouse), None)
    stock = None if wh is None else wh.get("stock")
    if stock is None:
        return []  # stock not tracked in the snapshot: the conditional update decides
    need: dict[str, int] = {}
    for line in lines:
        need[line["sku"]] = need.get(line["sku"], 0) + line["qty"]
    return [{"sku": sku, "qty": qty, "available": stock.get(sku) or 0} for sku, qty in need.items()
            if (stock.get(sku) or 0) < qty]


def run(ctx, node, token):
    parts = _parts(ctx, node)
    shortages = [(wid, short) for wid, lines in parts if (short := _short(ctx, wid, lines))]
    asked = [{"warehouse": wid, "lines": lines} for wid, lines in parts]
    if not shortages:
        for index, (wid, lines) in enumerate(parts):
            ctx.effect("stock.reserve", node.id, {"order": ctx.order_id(), "warehouse": wid, "lines": lines,
                                                  "part": index})
        return "reserved", (asked, [])
    detail = (asked, [{"warehouse": wid, "short": short} for wid, short in shortages])
    if node.spec[1] == "port":
        return "shortage", detail
    if token.get("wait") is None:
        ctx.effect("order.backorder", node.id, {
            "order": ctx.order_id(), "warehouse": shortages[0][0],
            "reason": {"code": "stock_short", "zh": "库存不足，缺货等待", "en": "not enough stock; backordered"},
            "short": detail[1]})
    return Wait({"kind": "stock", "event": RESTOCK_EVENT}, detail)


def resume(ctx, node, token, event):
    """``stock.available`` arrived: try again on this run's snapshot."""
    return run(ctx, node, token)


def explain(spec, detail) -> dict[str, Any]:
    asked, short = detail
    return {"asked": asked, "short": short, "reserved": not short}
