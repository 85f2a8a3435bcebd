"""join: continue once all (or the first of) the incoming branches have arrived.

Arrivals are counted per incoming edge (``from.port``) in ``state.joins``. ``all``: the last arrival
goes on, the earlier ones are absorbed. ``any``: the first arrival goes on, later ones are absorbed
until every incoming edge has arrived once, then the join resets.
"""

from __future__ import annotations

from typing import Any

from runtime.engine.outcomes import Absorb


def compile(config: dict[str, Any], c) -> str:
    return config["mode"]


def run(ctx, node, token):
    joins = ctx.state["joins"]
    arrived = joins.setdefault(node.id, [])
    if token["from"] not in arrived:
        arrived.append(token["from"])
    expected = len(set(node.incoming))
    complete = len(arrived) >= expected
    detail = (token["from"], len(arrived), expected)
    if complete:
        del joins[node.id]
    if node.spec == "all":
        return ("next", detail) if complete else Absorb(detail)
    return ("next", detail) if len(arrived) == 1 else Absorb(detail)


def explain(spec, detail) -> dict[str, Any]:
    came_from, arrived, expected = detail
    return {"mode": spec, "arrived_from": came_from, "arrived": arrived, "expected": expected}
