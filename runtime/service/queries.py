"""Reading orders: one order in full, a search, and the timeline (stages → instances → steps)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from runtime.service.errors import NotFound
from runtime.service.release import VersionInfo, version_info
from runtime.service.snapshots import iso
from runtime.service.views import (
    instance_view,
    money,
    order_summary,
    reservation_view,
    return_request_view,
    stage_parts,
    step_view,
    task_view,
)
from runtime.store.customers import normalise_phone
from runtime.store.models import Customer, Instance, Order, Reservation, ReturnRequest, Step, Task


class Versions:
    def __init__(self, session: Session) -> None:
        self.session = session
        self.cache: dict[int, VersionInfo] = {}

    def __call__(self, version_id: int) -> VersionInfo:
        if version_id not in self.cache:
            self.cache[version_id] = version_info(self.session, version_id)
        return self.cache[version_id]


def get_order(session: Session, order_id: int, tz: ZoneInfo) -> dict[str, Any]:
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound("order", order_id)
    out = order_summary(order, tz)
    customer = session.get(Customer, order.customer_id) if order.customer_id else None
    out.update(
        customer=({"id": customer.id, "external_ref": customer.external_ref, "name": customer.name,
                   "phone": customer.phone, "tier": customer.tier, "new": customer.is_new}
                  if customer is not None else None),
        address={"province": order.province, "city": order.city, "district": order.district,
                 "region": order.region, "country": order.country, "detail": order.address_detail,
                 "phone": order.phone, "recipient": order.recipient},
        lines=[{"line_no": x.line_no, "sku": x.sku, "name": x.name, "qty": x.qty, "price": money(x.price),
                "weight_kg": str(x.weight_kg), "medical_class": x.medical_class, "cold_chain": x.cold_chain,
                "gift": x.gift, "ship_with_main": x.ship_with_main, "warehouse": x.warehouse_code}
               for x in order.lines],
        surcharges=[{"code": s.code, "label": s.label, "amount": money(s.amount), "source": s.source}
                    for s in order.surcharges],
        payments=[{"kind": p.kind, "method": p.method, "amount": money(p.amount), "paid_at": iso(p.paid_at, tz)}
                  for p in order.payments],
        coupon_used=order.coupon_used, coupon_codes=list(order.coupon_codes or []),
        accepts_split=order.accepts_split, receipt=order.receipt, event_seq=order.event_seq,
        reservations=[reservation_view(r, tz) for r in session.execute(
            select(Reservation).where(Reservation.order_id == order.id).order_by(Reservation.id)).scalars()],
        return_requests=[return_request_view(r, tz) for r in session.execute(
            select(ReturnRequest).where(ReturnRequest.order_id == order.id).order_by(ReturnRequest.id)).scalars()],
    )
    return out


def search_orders(session: Session, tz: ZoneInfo, *, q: str | None = None, channel: str | None = None,
                  status: str | None = None, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
    query = select(Order)
    if q:
        text = q.strip()
        digits = normalise_phone(text)
        clauses = [Order.channel_order_no == text, Order.channel_order_no.like(f"{text}%")]
        if digits and len(digits) >= 4:
            clauses += [Order.phone == digits, Order.phone.like(f"%{digits}")]
        if text.isdigit():
            clauses.append(Order.id == int(text))
        query = query.where(or_(*clauses))
    if channel:
        query = query.where(Order.channel_code == channel)
    if status:
        query = query.where(Order.status == status)
    query = query.order_by(Order.id.desc()).limit(max(1, min(limit, 500))).offset(max(0, offset))
    return [order_summary(o, tz) for o in session.execute(query).scalars()]


def instance_dict(session: Session, inst: Instance, tz: ZoneInfo, versions: Versions | None = None) -> dict[str, Any]:
    return instance_view(inst, (versions or Versions(session))(inst.flow_version_id), tz)


def timeline(session: Session, order_id: int, tz: ZoneInfo) -> dict[str, Any]:
    order = session.get(Order, order_id)
    if order is None:
        raise NotFound("order", order_id)
    versions = Versions(session)
    instances = list(session.execute(select(Instance).where(Instance.order_id == order_id)
                                     .order_by(Instance.id)).scalars())
    steps: dict[int, list[Step]] = {}
    for step in session.execute(select(Step).where(Step.order_id == order_id)
                                .order_by(Step.instance_id, Step.seq)).scalars():
        steps.setdefault(step.instance_id, []).append(step)
    stages: list[dict[str, Any]] = []
    by_key: dict[str, dict[str, Any]] = {}
    for inst in instances:
        info = versions(inst.flow_version_id)
        entry = by_key.get(inst.stage)
        if entry is None:
            base, rnd = stage_parts(inst.stage)
            entry = by_key[inst.stage] = {"stage": base, "round": rnd, "key": inst.stage,
                                          "started_at": iso(inst.created_at, tz), "ended_at": None,
                                          "status": "done", "instances": []}
            stages.append(entry)
        view = instance_view(inst, info, tz)
        view["steps"] = [step_view(s, info, tz) for s in steps.get(inst.id, ())]
        entry["instances"].append(view)
    for entry in stages:
        live = [i for i in entry["instances"] if i["status"] in ("running", "waiting", "incident")]
        entry["status"] = "active" if live else "done"
        ends = [i["ended_at"] for i in entry["instances"] if i["ended_at"]]
        entry["ended_at"] = None if live else (max(ends) if ends else None)
    tasks = [task_view(t, versions(session.get(Instance, t.instance_id).flow_version_id), order, tz)
             for t in session.execute(select(Task).where(Task.order_id == order_id).order_by(Task.id)).scalars()]
    return {"order": order_summary(order, tz), "stage": stage_parts(order.stage)[0], "stages": stages,
            "status_changes": [{"from": c.from_status, "to": c.to_status, "reason": c.reason, "actor": c.actor,
                                "at": iso(c.at, tz)} for c in order.status_changes],
            "tasks": tasks}
