"""subflow: start another flow (its active version at call time, or a pinned one) and continue by the
outcome it ends with — a ``subflow.start`` effect, then a wait for ``subflow.ended``."""

from __future__ import annotations

from typing import Any

from runtime.engine.errors import NodeIncident
from runtime.engine.outcomes import Wait


def compile(config: dict[str, Any], c) -> tuple[Any, ...]:
    return config["flow"], config["binding"], config.get("version"), tuple(config["outcomes"])


def run(ctx, node, token):
    flow, binding, version, _ = node.spec
    call = ctx.effect("subflow.start", node.id, {
        "flow": flow, "binding": binding, "version": version if binding == "pinned" else None,
        "order": ctx.order_id(), "parent": {"instance": ctx.instance, "node": node.id}}, key_as="call")
    return Wait({"kind": "subflow", "call": call, "flow": flow}, ("started", flow, binding, call, None))


def resume(ctx, node, token, event):
    flow, binding, _, outcomes = node.spec
    outcome = event["outcome"]
    if outcome not in outcomes:
        raise NodeIncident("SUBFLOW_UNKNOWN_OUTCOME",
                           f"sub-flow {flow} ended with {outcome!r}; this node expects one of {list(outcomes)}",
                           f"子流程 {flow} 以 “{outcome}” 结束，但本节点只认识 {'、'.join(outcomes)}",
                           outcome=outcome)
    return outcome, ("ended", flow, binding, token["wait"]["call"], outcome)


def explain(spec, detail) -> dict[str, Any]:
    state, flow, binding, call, outcome = detail
    return {"state": state, "flow": flow, "binding": binding, "version": spec[2], "call": call,
            "outcome": outcome}
