"""condition: two-way branch on a boolean expression; explains the values it compared."""

from __future__ import annotations

from typing import Any

from runtime.engine.compiling import Condition, NodeCompiler
from runtime.engine.explain import condition_explanation


def compile(config: dict[str, Any], c: NodeCompiler) -> Condition:
    return c.condition(config["when"])


def run(ctx, node, token):
    """``yes`` when the condition holds, else ``no``; the detail is (result, left, right)."""
    detail = node.spec.evaluate(ctx.env, ctx.clock)
    return ("yes" if detail[0] else "no"), detail


def explain(spec: Condition, detail: tuple[bool, Any, Any]) -> dict[str, Any]:
    return condition_explanation(spec, detail)
