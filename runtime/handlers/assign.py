"""assign: evaluate expressions into flow variables (``vars.*``) — all first, then written in order."""

from __future__ import annotations

from typing import Any

from runtime.engine.compiling import NodeCompiler
from runtime.engine.state import jsonable


def compile(config: dict[str, Any], c: NodeCompiler) -> tuple[tuple[tuple[str, Any], ...], tuple[Any, ...]]:
    pairs = tuple((a["target"], c.expr(a["value"], "any")) for a in config["assignments"])
    return pairs, tuple(expr.evaluate for _, expr in pairs)


def run(ctx, node, token):
    pairs, evaluators = node.spec
    env, clock = ctx.env, ctx.clock
    values = [evaluate(env, clock) for evaluate in evaluators]
    for (name, _), value in zip(pairs, values):
        ctx.set_var(name, value)
    return "next", values


def explain(spec, detail) -> dict[str, Any]:
    return {"assigned": [{"target": name, "expression": expr.text, "value": jsonable(value)}
                         for (name, expr), value in zip(spec[0], detail, strict=True)]}
