"""switch: the first case whose condition holds names the port; none → ``default``."""

from __future__ import annotations

from typing import Any

from runtime.engine.compiling import NodeCompiler
from runtime.engine.explain import condition_explanation


def compile(config: dict[str, Any], c: NodeCompiler) -> tuple[tuple[str, Any], ...]:
    return tuple((case["port"], c.condition(case["when"])) for case in config["cases"])


def run(ctx, node, token):
    env, clock = ctx.env, ctx.clock
    for index, (port, cond) in enumerate(node.spec):
        detail = cond.evaluate(env, clock)
        if detail[0]:
            return port, (index, detail)
    return "default", (None, None)


def explain(spec, detail) -> dict[str, Any]:
    """Which case matched (its index, port and compared values) and the cases checked before it."""
    index, matched = detail
    checked = spec if index is None else spec[:index]
    out: dict[str, Any] = {"not_matched": [{"port": p, "expression": c.text} for p, c in checked]}
    if index is None:
        return {"matched": None, "port": "default", **out}
    return {"matched": index, "port": spec[index][0], "case": condition_explanation(spec[index][1], matched), **out}
