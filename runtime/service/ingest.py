"""Ingestion: an inbound event stored once per (source, event id), numbered per order; orders and
customers created from the ``order.created`` / ``order.paid`` payload."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from runtime.service.errors import InputError
from runtime.service.payloads import (
    CHANNELS,
    ORDER_KINDS,
    OrderInput,
    order_ref,
    parse_event_payload,
    parse_order,
)
from runtime.store.customers import address_hash, fingerprint
from runtime.store.events import receive_event
from runtime.store.models import Channel, Customer, InboundEvent, Order, OrderLine


def existing_event(session: Session, source: str, event_id: str) -> InboundEvent | None:
    return session.execute(select(InboundEvent).where(
        InboundEvent.source == source, InboundEvent.event_id == event_id)).scalar_one_or_none()


def find_order(session: Session, payload: Any) -> Order | None:
    order_id, channel, number = order_ref(payload)
    if order_id is not None:
        return session.get(Order, order_id)
    return session.execute(select(Order).where(Order.channel_code == channel,
                                               Order.channel_order_no == number)).scalar_one_or_none()


def receive(session: Session, source: str, event_id: str, kind: str, payload: dict[str, Any], tz: ZoneInfo,
            now: datetime) -> tuple[dict[str, Any], bool]:
    """Store the event (and create its order if it is a new order); returns (answer, duplicate)."""
    found = existing_event(session, source, event_id)
    if found is not None:
        return dict(found.response or {"order_id": found.order_id, "event_seq": found.seq}), True
    order = find_order(session, payload)
    if order is None:
        if kind not in ORDER_KINDS:
            raise InputError("RUN_ORDER_UNKNOWN", "payload.order_id", "找不到事件所指的订单",
                             "the event names no known order")
        order = create_order(session, parse_order(payload, tz), now)
    elif kind not in ORDER_KINDS:
        parse_event_payload(kind, payload, tz)
    receipt = receive_event(session, source=source, event_id=event_id, kind=kind, payload=payload,
                            order_id=order.id, now=now)
    answer = {"order_id": order.id, "event_seq": receipt.seq}
    if receipt.duplicate:
        return dict(receipt.response or answer), True
    session.execute(update(InboundEvent).where(InboundEvent.id == receipt.id).values(response=answer),
                    execution_options={"synchronize_session": False})
    return answer, False


def _customer(session: Session, data: dict[str, Any], order_address: str) -> Customer:
    ref = data.get("external_ref")
    customer = None
    if ref:
        customer = session.execute(select(Customer).where(Customer.external_ref == ref)).scalar_one_or_none()
    elif data.get("phone"):
        customer = session.execute(select(Customer).where(Customer.phone == data["phone"])
                                   .order_by(Customer.id).limit(1)).scalar_one_or_none()
    if customer is None:
        address = data.get("address") or order_address
        customer = Customer(external_ref=ref, name=data.get("name"), phone=data.get("phone") or "",
                            address=address, tier=data["tier"], is_new=data["new"],
                            fingerprint=fingerprint(data.get("phone") or "", address))
        session.add(customer)
        session.flush()
    else:
        customer.tier = data["tier"]
        if data.get("name"):
            customer.name = data["name"]
    return customer


def create_order(session: Session, data: OrderInput, now: datetime) -> Order:
    """The order row (status ``created``) with its lines and customer."""
    if session.get(Channel, data.channel) is None:
        session.add(Channel(code=data.channel, name=CHANNELS[data.channel]))
        session.flush()
    a = data.address
    full_address = f"{a['province']}{a['city']}{a['district']}{a['detail']}"
    customer = _customer(session, data.customer, full_address) if data.customer else None
    phone = a["phone"] or (data.customer or {}).get("phone") or ""
    order = Order(
        channel_code=data.channel, channel_order_no=data.channel_order_no,
        customer_id=customer.id if customer else None,
        status="created", total=data.total, currency=data.currency, recipient=a["recipient"], phone=phone,
        country=a["country"], province=a["province"], city=a["city"], district=a["district"], region=a["region"],
        address_detail=a["detail"], fingerprint=fingerprint(phone, full_address),
        address_hash=address_hash(full_address), accepts_split=data.accepts_split, receipt=data.receipt,
        coupon_used=data.coupon_used, coupon_codes=list(data.coupon_codes), tags=[], routed_warehouses=[],
        created_at=data.created_at or now, updated_at=now)
    for number, line in enumerate(data.lines, start=1):
        order.lines.append(OrderLine(line_no=number, **line))
    session.add(order)
    session.flush()
    return order
