"""split_shipment: turn the route's parts into shipments (by warehouse, or by temperature zone).

Gift lines marked ``ship_with_main`` are already placed with their main items by the route.
"""

from __future__ import annotations

from typing import Any

from runtime.engine.errors import NodeIncident


def compile(config: dict[str, Any], c) -> tuple[str, int]:
    return config["by"], config.get("max_parts", 10)


def run(ctx, node, token):
    by, max_parts = node.spec
    route = ctx.state["routes"].get("warehouse") or {}
    lines = ctx.snapshot.order.get("lines") or []
    parts = route.get("parts") or ([{"warehouse": route["id"], "lines": [
        {"sku": x["sku"], "qty": int(x.get("qty") or 0)} for x in lines]}] if route.get("id") else [])
    if not parts:
        raise NodeIncident("SPLIT_NO_ROUTE", "nothing to split: route the order first",
                           "没有可拆分的分仓结果：请先经过“智能分仓”节点")
    if by == "warehouse":
        shipments = [{"warehouse": p["warehouse"], "lines": p["lines"], "cold_chain": None} for p in parts]
    else:
        cold = {x["sku"] for x in lines if x.get("cold_chain")}
        shipments = []
        for p in parts:
            for zone in (True, False):
                zone_lines = [x for x in p["lines"] if (x["sku"] in cold) is zone]
                if zone_lines:
                    shipments.append({"warehouse": p["warehouse"], "lines": zone_lines, "cold_chain": zone})
    if len(shipments) > max_parts:
        raise NodeIncident("SPLIT_TOO_MANY_PARTS", f"{len(shipments)} shipments, more than max_parts {max_parts}",
                           f"拆成 {len(shipments)} 个包裹，超过上限 {max_parts}")
    ctx.effect("order.split", node.id, {"order": ctx.order_id(), "by": by, "shipments": shipments})
    return "next", (by, shipments)


def explain(spec, detail) -> dict[str, Any]:
    by, shipments = detail
    return {"by": by, "shipments": shipments}
