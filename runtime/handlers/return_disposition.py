"""return_disposition: decide a return — refund, exchange, points, coupon or reject — and its pickup.

One ``return.disposition`` effect (amount: the expression, else the return request's amount); a
``door`` or ``dropoff`` pickup also asks for it with a ``return.pickup`` effect.
"""

from __future__ import annotations

from typing import Any

from runtime.engine.state import jsonable


def compile(config: dict[str, Any], c) -> tuple[Any, ...]:
    amount = config.get("amount")
    return (config["resolution"], tuple(config.get("offer_first", ())), config.get("pickup", "none"),
            c.expr(amount, "number") if amount else None, config.get("reason", ""))


def run(ctx, node, token):
    resolution, offer_first, pickup, amount, reason = node.spec
    request = ctx.snapshot.return_request or {}
    value = amount.evaluate(ctx.env, ctx.clock) if amount is not None else request.get("amount")
    data = {"order": ctx.order_id(), "return_request": request.get("id"), "resolution": resolution,
            "offer_first": list(offer_first), "pickup": pickup,
            "amount": None if resolution == "reject" else jsonable(value), "reason": reason}
    ctx.effect("return.disposition", node.id, data)
    if pickup in ("door", "dropoff") and resolution != "reject":
        ctx.effect("return.pickup", node.id, {"order": data["order"], "return_request": data["return_request"],
                                              "method": pickup})
    return "next", data


def explain(spec, detail) -> dict[str, Any]:
    return {k: v for k, v in detail.items() if k not in ("order",)}
