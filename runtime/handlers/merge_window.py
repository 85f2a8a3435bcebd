"""merge_window (wave 2, minimal): wait for the window, then go on as ``single``.

Merging orders of one customer fingerprint is not built yet: the node computes its merge key,
waits for its window (a ``timer.schedule`` effect) and always leaves by ``single``. The explanation
says so, so nobody reads a ``single`` as "no other order came".
"""

from __future__ import annotations

from typing import Any

from runtime.engine.durations import parse_duration
from runtime.engine.outcomes import Wait
from runtime.engine.state import jsonable


def compile(config: dict[str, Any], c) -> tuple[Any, Any, int | None]:
    return parse_duration(config["window"]), c.expr(config["key"], "string"), config.get("max_orders")


def run(ctx, node, token):
    window, key, _ = node.spec
    merge_key = key.evaluate(ctx.env, ctx.clock)
    due = (ctx.clock + window).isoformat()
    timer = ctx.effect("timer.schedule", node.id, {"due_at": due, "purpose": "merge_window"}, key_as="timer")
    return Wait({"kind": "timer", "timer": timer, "due": due, "merge_key": jsonable(merge_key)},
                ("waiting", jsonable(merge_key), due))


def resume(ctx, node, token, event):
    return "single", ("single", token["wait"].get("merge_key"), token["wait"]["due"])


def explain(spec, detail) -> dict[str, Any]:
    state, merge_key, due = detail
    return {"merge_key": merge_key, "window_ends": due, "result": state,
            "note_en": "wave 2: orders are not merged yet; the window only delays",
            "note_zh": "第二期功能：暂不合并订单，时间窗只起延迟作用"}
