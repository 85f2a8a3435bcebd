"""end: the instance finishes with a named outcome (a sub-flow's caller continues by it).

Reaching an end finishes the whole instance: tokens still waiting on other branches are cancelled
(their tasks and timers get cancel effects). Bring parallel branches together with a join first.
"""

from __future__ import annotations

from typing import Any

from runtime.engine.outcomes import End


def compile(config: dict[str, Any], c) -> End:
    """The node's outcome, already as what ``run`` returns (an End is never changed, so runs share it)."""
    return End(config["outcome"], config["outcome"])


def run(ctx, node, token):
    return node.spec


def explain(spec: End, detail: str) -> dict[str, Any]:
    return {"outcome": detail}
