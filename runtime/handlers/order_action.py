"""order_action: ask for an order change — tag, untag, hold, release, cancel, add a line or a surcharge.

Each becomes one ``order.<action>`` effect; prices and amounts are evaluated now (Decimal, as text).
"""

from __future__ import annotations

from typing import Any

from runtime.engine.state import jsonable


def compile(config: dict[str, Any], c) -> tuple[Any, ...]:
    action = config["action"]
    line = config.get("line") if action == "add_line" else None
    surcharge = config.get("surcharge") if action == "add_surcharge" else None
    return (action, config.get("tag"), config.get("reason", ""),
            (line, c.expr(line["price"], "number")) if line else None,
            (surcharge, c.expr(surcharge["amount"], "number")) if surcharge else None)


def run(ctx, node, token):
    action, tag, reason, line, surcharge = node.spec
    data: dict[str, Any] = {"order": ctx.order_id()}
    if action in ("tag", "untag"):
        data["tag"] = tag
    elif action == "add_line":
        conf, price = line
        data["line"] = {"sku": conf["sku"], "name": conf.get("name", ""), "qty": conf["qty"],
                        "price": jsonable(price.evaluate(ctx.env, ctx.clock)), "gift": conf.get("gift", False),
                        "ship_with_main": conf.get("ship_with_main", False)}
    elif action == "add_surcharge":
        conf, amount = surcharge
        data["surcharge"] = {"code": conf["code"], "label": conf.get("label", ""),
                             "amount": jsonable(amount.evaluate(ctx.env, ctx.clock))}
    if reason or action in ("hold", "release", "cancel"):
        data["reason"] = reason
    ctx.effect("order." + action, node.id, data)
    return "next", data


def explain(spec, detail) -> dict[str, Any]:
    return {"action": spec[0], **{k: v for k, v in detail.items() if k != "order"}}
