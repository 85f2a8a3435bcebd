"""The token loop: run ready tokens through their handlers, follow outcomes, record steps, stop on incidents.

Tokens run first-in first-out, so a run is a function of its inputs. Leaving by a port — the
common case — is handled inline; waits, ends, forks, joins and failures go through :func:`apply`.
"""

from __future__ import annotations

from typing import Any

from dsl.expr import ExpressionRuntimeError
from runtime.engine.context import Run
from runtime.engine.errors import NodeIncident
from runtime.engine.outcomes import Absorb, End, Fork, Wait
from runtime.engine.plan import PlanNode
from runtime.engine.steps import Step

MAX_STEPS_PER_RUN = 10_000
_new_step = tuple.__new__


def drive(r: Run) -> None:
    """Run ready tokens until every one waits, the instance ends, or a node fails.

    A token that leaves by a connected port while no other token is ready goes straight on to the next
    node (the same order a queue round trip would give). Every node run records exactly one step, so
    the step count bounds the run."""
    queue, nodes, steps, now, new_step = r.queue, r.plan.nodes, r.steps, r.now, _new_step
    limit = r.seq + MAX_STEPS_PER_RUN
    while queue:
        token = queue.popleft()
        node = nodes[token["node"]]
        while True:
            if r.seq >= limit:
                incident(r, node, token, "ENGINE_STEP_LIMIT", f"more than {MAX_STEPS_PER_RUN} steps in one run",
                         f"单次运行超过 {MAX_STEPS_PER_RUN} 步", {})
                return
            r.fx = 0
            try:
                out = node.run(r, node, token)
                if type(out) is tuple:  # the common case, inline: leave by a port
                    port, detail = out
                    link = node.links.get(port)
                    if link is not None:
                        r.seq = seq = r.seq + 1
                        steps.append(new_step(Step, (seq, node, port, "done", token["since"], now, token["id"],
                                                     detail, None)))
                        token["node"], token["from"] = link
                        token["since"] = now
                        if not queue:
                            node = nodes[link[0]]
                            continue
                        queue.append(token)
                        break
                elif type(out) is End and len(r.tokens) == 1:  # the last token ends the instance, inline
                    r.seq = seq = r.seq + 1
                    steps.append(new_step(Step, (seq, node, None, "done", token["since"], now, token["id"],
                                                 out.detail, None)))
                    r.tokens.clear()
                    state = r.state
                    state["status"], state["outcome"], state["ended_at"] = "completed", out.outcome, now
                    return
                if apply(r, node, token, out, None):
                    return
            except (ExpressionRuntimeError, NodeIncident) as err:
                fail(r, node, token, err)
                return
            break


def apply(r: Run, node: PlanNode, token: dict[str, Any], out: Any, actor: str | None) -> bool:
    """Follow a handler's outcome; True when the instance has ended."""
    if type(out) is tuple:
        port, detail = out
        target = node.exits.get(port)
        if target is None:
            raise NodeIncident("PORT_NOT_CONNECTED", f"node {node.id} took port {port!r}, which has no edge",
                               f"节点 {node.id} 走了出口 “{port}”，但该出口没有连线", port=port)
        r.record(node, port, "done", token, detail, actor)
        token["node"], token["from"] = node.links[port]
        token["since"], token["wait"] = r.now, None
        r.queue.append(token)
        return False
    if type(out) is Wait:
        r.record(node, None, "waiting", token, out.detail, actor)
        token["wait"] = out.wait
        return False
    if type(out) is End:
        r.record(node, None, "done", token, out.detail, actor)
        r.tokens.remove(token)
        cancel_all(r, "end", "", None)
        r.state.update(status="completed", outcome=out.outcome, ended_at=r.now)
        r.queue.clear()
        return True
    if type(out) is Fork:
        missing = [p for p in out.ports if p not in node.exits]
        if missing:
            raise NodeIncident("PORT_NOT_CONNECTED", f"branch {missing[0]!r} of {node.id} has no edge",
                               f"并行分支 “{missing[0]}” 没有连线", port=missing[0])
        r.record(node, None, "done", token, out.detail, actor)
        first, *rest = out.ports
        token["node"], token["from"], token["since"] = node.exits[first], f"{node.id}.{first}", r.now
        r.queue.append(token)
        for port in rest:
            r.new_token(node.exits[port], f"{node.id}.{port}")
        return False
    if type(out) is Absorb:
        r.record(node, None, "absorbed", token, out.detail, actor)
        r.tokens.remove(token)
        return False
    raise TypeError(f"handler of {node.type} returned {out!r}")


def fail(r: Run, node: PlanNode, token: dict[str, Any], err: Exception) -> None:
    """The failing node's effects are dropped (those of earlier nodes stay); an incident is recorded."""
    if r.fx:
        del r.effects[-r.fx:]
    if isinstance(err, ExpressionRuntimeError):
        p = err.problem
        incident(r, node, token, err.code, p.message_en, p.message_zh,
                  {"expression": {"line": p.line, "column": p.column}})
    else:
        incident(r, node, token, err.code, err.message_en, err.message_zh, err.details)


def incident(r: Run, node: PlanNode, token: dict[str, Any], code: str, message_en: str, message_zh: str,
              details: dict[str, Any]) -> None:
    """The instance stops at ``node``: recorded as a step and in the state; ``retry`` runs the node again."""
    info = {"code": code, "message_en": message_en, "message_zh": message_zh, **details}
    r.record(node, None, "incident", token, info)
    if "wait" in token:
        token["wait"] = None
    r.state.update(status="incident", incident={"node": node.id, "token": token["id"], "seq": r.seq,
                                                 "at": r.now, **info})


def cancel_all(r: Run, why: str, reason: str, actor: str | None) -> None:
    """Close every other live token: cancel its task, timer or sub-flow call, record a cancelled step."""
    if why == "cancel":
        r.state.update(outcome="cancelled", ended_at=r.now, incident=None)
    if not r.tokens:
        return
    for token in list(r.tokens):
        node = r.plan.nodes[token["node"]]
        wait = token["wait"] or {}
        r.fx = 0
        if wait.get("task"):
            r.effect("task.cancel", node.id, {"task": wait["task"], "group": wait.get("group")})
        if wait.get("timer"):
            r.effect("timer.cancel", node.id, {"timer": wait["timer"]})
        if wait.get("kind") == "subflow":
            r.effect("subflow.cancel", node.id, {"call": wait["call"]})
        r.record(node, None, "cancelled", token, {"because": why, "reason": reason, "waiting_for": wait or None},
                 actor)
        r.tokens.remove(token)
    r.queue.clear()
