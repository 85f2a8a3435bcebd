"""parallel: the token leaves by every branch at once; a join brings the branches together."""

from __future__ import annotations

from typing import Any

from runtime.engine.outcomes import Fork


def compile(config: dict[str, Any], c) -> tuple[str, ...]:
    return tuple(config["branches"])


def run(ctx, node, token):
    return Fork(node.spec, node.spec)


def explain(spec, detail) -> dict[str, Any]:
    return {"branches": list(detail)}
