"""approval: a task for a business group, with a form, an SLA and what to do on a breach.

``run`` emits ``task.create`` (its key is the task id) and, with an SLA, ``timer.schedule`` for the due
time; the token waits. ``task.decided`` → the port named by the decision (form values, actor and
decision kept in ``vars.<node id>``; the SLA timer is cancelled). The SLA timer firing →
``escalate``: ``task.reassign`` to the other group and keep waiting; ``remind``: ``task.remind`` and
keep waiting; ``exit``: ``task.cancel`` and the ``sla_breached`` port. A breach fires once.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from runtime.engine.durations import parse_duration
from runtime.engine.errors import EventError
from runtime.engine.outcomes import Wait


@dataclass(frozen=True, slots=True)
class ApprovalSpec:
    title: str
    group: str
    form: tuple[dict[str, Any], ...]
    sla: timedelta | None
    on_breach: str
    escalate_to: str | None


def compile(config: dict[str, Any], c) -> ApprovalSpec:
    breach = config.get("on_sla_breach") or {}
    return ApprovalSpec(config.get("title", ""), config["assignee_group"], tuple(config.get("form", ())),
                        parse_duration(config["sla"]) if config.get("sla") else None,
                        breach.get("action", "remind"), breach.get("escalate_to"))


def run(ctx, node, token):
    s: ApprovalSpec = node.spec
    due = (ctx.clock + s.sla).isoformat() if s.sla else None
    task = ctx.effect("task.create", node.id, {
        "order": ctx.order_id(), "group": s.group, "title": s.title, "form": copy.deepcopy(list(s.form)),
        "sla_due": due, "on_breach": {"action": s.on_breach, "escalate_to": s.escalate_to} if s.sla else None},
        key_as="task")
    timer = None
    if s.sla:
        timer = ctx.effect("timer.schedule", node.id, {"due_at": due, "purpose": "sla", "task": task},
                           key_as="timer")
    return Wait({"kind": "task", "task": task, "group": s.group, "sla_due": due, "timer": timer},
                ("created", task, s.group, due))


def resume(ctx, node, token, event):
    s: ApprovalSpec = node.spec
    wait = token["wait"]
    if event["type"] == "timer.fired":
        return _breach(ctx, node, s, wait)
    form = event.get("form") or {}
    missing = [f["name"] for f in s.form if f.get("required") and form.get(f["name"]) in (None, "")]
    if missing:
        raise EventError(f"task {wait['task']}: required form fields missing: {', '.join(missing)}")
    if wait.get("timer"):
        ctx.effect("timer.cancel", node.id, {"timer": wait["timer"]})
    decision, actor = event["decision"], event.get("actor")
    ctx.set_var(node.id, {"decision": decision, "form": form, "actor": actor, "at": ctx.now})
    return decision, ("decided", wait["task"], wait["group"], wait["sla_due"], decision, form)


def _breach(ctx, node, s: ApprovalSpec, wait: dict[str, Any]):
    task = wait["task"]
    if s.on_breach == "exit":
        ctx.effect("task.cancel", node.id, {"task": task, "group": wait["group"]})
        return "sla_breached", ("breached", task, wait["group"], wait["sla_due"], "exit", None)
    if s.on_breach == "escalate":
        ctx.effect("task.reassign", node.id, {"task": task, "group": s.escalate_to, "from_group": wait["group"],
                                              "reason": "sla_breached"})
        detail = ("escalated", task, s.escalate_to, wait["sla_due"], "escalate", wait["group"])
        return Wait({**wait, "group": s.escalate_to, "timer": None}, detail)
    ctx.effect("task.remind", node.id, {"task": task, "group": wait["group"], "reason": "sla_breached"})
    return Wait({**wait, "timer": None}, ("reminded", task, wait["group"], wait["sla_due"], "remind", None))


def explain(spec: ApprovalSpec, detail) -> dict[str, Any]:
    state, task, group, due = detail[:4]
    out: dict[str, Any] = {"state": state, "task": task, "group": group, "sla_due": due, "title": spec.title}
    if state == "decided":
        out.update(decision=detail[4], form=detail[5])
    elif state in ("escalated", "reminded", "breached"):
        out.update(on_breach=detail[4], from_group=detail[5])
    return out
