"""Rows as the plain dicts the facade returns (money as text, times as ISO text in the business zone)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from runtime.service.release import VersionInfo
from runtime.service.snapshots import iso
from runtime.store.models import Instance, Order, Reservation, ReturnRequest, Step, Task

LIVE = ("running", "waiting", "incident")
ENDED = ("completed", "cancelled", "not_applicable")
STEP_EXTRA = "_step"  # status, token and label of a step, kept beside its explanation


def stage_parts(key: str | None) -> tuple[str | None, int]:
    """``"routing/2"`` → ("routing", 2); ``"intake"`` → ("intake", 1)."""
    if not key:
        return None, 0
    base, _, rnd = key.partition("/")
    return base, int(rnd) if rnd.isdigit() else 1


def stage_key(base: str, round_: int) -> str:
    return base if round_ <= 1 else f"{base}/{round_}"


def money(value: Any) -> str | None:
    return None if value is None else str(value)


def instance_view(inst: Instance, info: VersionInfo, tz: ZoneInfo) -> dict[str, Any]:
    stage, rnd = stage_parts(inst.stage)
    state = inst.state or {}
    waits = [dict(t["wait"], node=t["node"]) for t in state.get("tokens", ()) if t.get("wait")]
    return {"id": inst.id, "order_id": inst.order_id, "flow": info.flow_key, "flow_name": info.flow_name,
            "version": info.number, "version_id": info.id, "kind": info.kind, "stage": stage, "round": rnd,
            "status": inst.status, "outcome": inst.outcome, "error": inst.error,
            "parent_instance_id": inst.parent_instance_id, "parent_node": inst.parent_node_id, "waiting": waits,
            "created_at": iso(inst.created_at, tz), "updated_at": iso(inst.updated_at, tz),
            "ended_at": iso(inst.ended_at, tz)}


def step_view(step: Step, info: VersionInfo, tz: ZoneInfo) -> dict[str, Any]:
    explanation = dict(step.explanation or {})
    extra = explanation.pop(STEP_EXTRA, {}) or {}
    return {"seq": step.seq, "node": step.node_id, "type": step.node_type, "label": extra.get("label"),
            "port": step.port, "status": extra.get("status"), "started": iso(step.started_at, tz),
            "ended": iso(step.ended_at, tz), "actor": step.actor, "token": extra.get("token"),
            "explanation": explanation, "instance_id": step.instance_id, "flow": info.flow_key,
            "version": info.number}


def task_view(task: Task, info: VersionInfo | None, order: Order | None, tz: ZoneInfo) -> dict[str, Any]:
    form = task.form or {}
    return {"id": task.id, "key": form.get("key"), "instance_id": task.instance_id, "order_id": task.order_id,
            "node": task.node_id, "flow": info.flow_key if info else None, "version": info.number if info else None,
            "title": form.get("title", ""), "group": task.assignee_group, "assignee": task.assignee,
            "status": task.status, "form": form.get("fields", []), "on_breach": form.get("on_breach"),
            "decision": task.decision, "decided_by": task.decided_by, "decided_at": iso(task.decided_at, tz),
            "claimed_at": iso(task.claimed_at, tz), "sla_due_at": iso(task.sla_due_at, tz),
            "escalated_to": task.escalated_to, "escalated_at": iso(task.escalated_at, tz),
            "reminded_at": form.get("reminded_at"), "created_at": iso(task.created_at, tz),
            "order": ({"channel": order.channel_code, "channel_order_no": order.channel_order_no,
                       "total": money(order.total), "status": order.status} if order is not None else None)}


def order_summary(order: Order, tz: ZoneInfo) -> dict[str, Any]:
    stage, rnd = stage_parts(order.stage)
    return {"id": order.id, "channel": order.channel_code, "channel_order_no": order.channel_order_no,
            "status": order.status, "stage": stage, "stage_round": rnd, "total": money(order.total),
            "currency": order.currency, "customer_id": order.customer_id, "phone": order.phone,
            "province": order.province, "city": order.city, "region": order.region, "tags": list(order.tags or []),
            "hold_reason": order.hold_reason, "cancel_reason": order.cancel_reason,
            "routed_warehouses": list(order.routed_warehouses or []), "created_at": iso(order.created_at, tz),
            "paid_at": iso(order.paid_at, tz), "updated_at": iso(order.updated_at, tz)}


def reservation_view(r: Reservation, tz: ZoneInfo) -> dict[str, Any]:
    return {"id": r.id, "sku": r.sku, "warehouse": r.warehouse_code, "qty": r.qty, "status": r.status,
            "reason": r.reason, "created_at": iso(r.created_at, tz), "ended_at": iso(r.ended_at, tz)}


def return_request_view(r: ReturnRequest, tz: ZoneInfo) -> dict[str, Any]:
    return {"id": r.id, "status": r.status, "reason_text": r.reason_text, "reason_code": r.reason_code,
            "has_receipt": r.has_receipt, "delivered_at": iso(r.delivered_at, tz),
            "requested_at": iso(r.requested_at, tz), "amount": money(r.amount), "items": r.items,
            "disposition": r.disposition, "decided_at": iso(r.decided_at, tz)}
