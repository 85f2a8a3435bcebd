"""notify: a message to the customer or a business group, as a ``notify`` outbox effect."""

from __future__ import annotations

from typing import Any

from runtime.engine.state import jsonable


def compile(config: dict[str, Any], c) -> tuple[Any, ...]:
    return (config["channel"], config["to"], config.get("group"), config.get("title", ""),
            c.expr(config["message"], "string"))


def run(ctx, node, token):
    channel, to, group, title, message = node.spec
    data = {"order": ctx.order_id(), "channel": channel, "to": to, "group": group,
            "customer": ctx.snapshot.customer.get("id") if to == "customer" else None, "title": title,
            "message": jsonable(message.evaluate(ctx.env, ctx.clock))}
    key = ctx.effect("notify", node.id, data)
    return "next", (data, key)


def explain(spec, detail) -> dict[str, Any]:
    data, key = detail
    return {"channel": data["channel"], "to": data["to"], "group": data["group"], "title": data["title"],
            "message": data["message"], "idempotency_key": key}
