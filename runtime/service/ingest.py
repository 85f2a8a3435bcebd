"""Ingestion: an inbound event stored once per (source, event id), numbered per order; orders and
customers created from the ``order.created`` / ``order.paid`` payload."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, tuple_, update
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
from runtime.store.bulk import insert_rows
from runtime.store.customers import address_hash, fingerprint
from runtime.store.events import next_event_seq, receive_event
from runtime.store.models import Channel, Customer, InboundEvent, Order, OrderLine
from runtime.store.types import as_utc


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


# ---- many events in one transaction ----------------------------------------------------------------------

@dataclass
class Inbound:
    """One event to ingest, with what can be worked out before the transaction: how its payload names
    its order, and its payload checked (each kept as the value or the error, raised only if needed)."""

    source: str
    event_id: str
    kind: str
    payload: dict[str, Any]
    ref: tuple[int | None, str | None, str | None] | InputError | None = None
    parsed: OrderInput | InputError | None = None
    checked: InputError | None = None
    answer: dict[str, Any] | None = None
    duplicate: bool = False
    error: BaseException | None = None
    status: str | None = None  # the order's status when the event was stored (None: not known)

    @classmethod
    def read(cls, source: str, event_id: str, kind: str, payload: dict[str, Any], tz: ZoneInfo) -> Inbound:
        item = cls(source, event_id, kind, payload)
        try:
            item.ref = order_ref(payload)
        except InputError as exc:
            item.ref = exc
        try:
            if kind in ORDER_KINDS:
                item.parsed = parse_order(payload, tz)
            else:
                parse_event_payload(kind, payload, tz)
        except InputError as exc:
            item.parsed, item.checked = (exc, None) if kind in ORDER_KINDS else (None, exc)
        return item


_CUSTOMER = Customer.__table__
_ORDER = Order.__table__
_LINE = OrderLine.__table__
_EVENT = InboundEvent.__table__


def receive_many(session: Session, items: list[Inbound], now: datetime, channels: set[str]) -> set[str]:
    """:func:`receive` for several events in one transaction, with a few statements for all of them: what
    exists already (events, orders, customers) is read in one go, the new rows get their ids ahead and
    are inserted with one ``executemany`` per table. Each item gets its ``answer`` and ``duplicate``, or
    its ``error`` (an :class:`InputError`: nothing of it is written). Events are taken in list order, so
    a repeat or an order named twice within the list behaves as it would one call after another. A
    database error (another process created the same order or customer meanwhile) raises: the caller
    runs the items one by one with :func:`receive`."""
    from runtime.service.batch import Ids

    ids = Ids(session)
    ids.prefetch(Customer, Order, OrderLine, InboundEvent)
    when = as_utc(now)
    keys = {(i.source, i.event_id) for i in items}
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for source, event_id, order_id, seq, response in session.execute(
            select(InboundEvent.source, InboundEvent.event_id, InboundEvent.order_id, InboundEvent.seq,
                   InboundEvent.response).where(tuple_(InboundEvent.source, InboundEvent.event_id).in_(keys))):
        seen[(source, event_id)] = dict(response or {"order_id": order_id, "event_seq": seq})
    refs = [i.ref for i in items if isinstance(i.ref, tuple)]
    by_id = {r[0] for r in refs if r[0] is not None}
    by_no = {(r[1], r[2]) for r in refs if r[0] is None}
    orders: dict[tuple[str, str] | int, int] = {}
    statuses: dict[int, str] = {}
    if by_id:
        for oid, status in session.execute(select(Order.id, Order.status).where(Order.id.in_(by_id))):
            orders[oid], statuses[oid] = oid, status
    if by_no:
        for oid, channel, number, status in session.execute(
                select(Order.id, Order.channel_code, Order.channel_order_no, Order.status)
                .where(tuple_(Order.channel_code, Order.channel_order_no).in_(by_no))):
            orders[(channel, number)], statuses[oid] = oid, status
    parsed = [i.parsed for i in items if isinstance(i.parsed, OrderInput)]
    customers = _Customers(session, [p.customer for p in parsed if p.customer])
    if not channels:
        channels.update(session.execute(select(Channel.code)).scalars())
    known = _Channels(set(channels))
    new_orders: dict[int, dict[str, Any]] = {}
    lines: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    for item in items:
        key = (item.source, item.event_id)
        if key in seen:
            item.answer, item.duplicate = dict(seen[key]), True
            continue
        try:
            if isinstance(item.ref, InputError):
                raise item.ref
            assert item.ref is not None
            order_id, channel, number = item.ref
            oid = orders.get(order_id if order_id is not None else (channel, number))  # type: ignore[arg-type]
            if oid is None:
                if item.kind not in ORDER_KINDS:
                    raise InputError("RUN_ORDER_UNKNOWN", "payload.order_id", "找不到事件所指的订单",
                                     "the event names no known order")
                if isinstance(item.parsed, InputError):
                    raise item.parsed
                assert item.parsed is not None
                oid = _new_order(ids, item.parsed, now, when, known, customers, new_orders, lines)
                orders[(item.parsed.channel, item.parsed.channel_order_no)] = oid
                statuses[oid] = "created"
            elif item.kind not in ORDER_KINDS and item.checked is not None:
                raise item.checked
        except InputError as exc:
            item.error = exc
            continue
        if oid in new_orders:
            new_orders[oid]["event_seq"] += 1
            seq = new_orders[oid]["event_seq"]
        else:
            seq = next_event_seq(session, oid)
        answer = {"order_id": oid, "event_seq": seq}
        events.append({"id": ids.next(InboundEvent), "source": item.source, "event_id": item.event_id,
                       "kind": item.kind, "order_id": oid, "seq": seq, "payload": item.payload,
                       "status": "received", "response": answer, "received_at": when, "processed_at": None})
        seen[key] = answer
        item.answer, item.duplicate, item.status = dict(answer), False, statuses.get(oid)
    if known.missing:
        session.execute(insert(Channel.__table__), [{"code": c, "name": CHANNELS[c], "active": True}
                                                    for c in sorted(known.missing)])
    customers.write()
    insert_rows(session, _ORDER, list(new_orders.values()))
    insert_rows(session, _LINE, lines)
    insert_rows(session, _EVENT, events)
    return known.missing


class _Channels:
    def __init__(self, known: set[str]) -> None:
        self.known = known
        self.missing: set[str] = set()


class _Customers:
    """The customers the new orders name: found (by external ref, else by phone) or created, in bulk."""

    def __init__(self, session: Session, wanted: list[dict[str, Any]]) -> None:
        self.session = session
        self.by_ref: dict[str, dict[str, Any]] = {}
        self.by_phone: dict[str, dict[str, Any]] = {}
        self.new: list[dict[str, Any]] = []
        self.changed: dict[int, dict[str, Any]] = {}
        refs = {c["external_ref"] for c in wanted if c.get("external_ref")}
        phones = {c["phone"] for c in wanted if not c.get("external_ref") and c.get("phone")}
        columns = (Customer.id, Customer.external_ref, Customer.phone, Customer.tier, Customer.name)
        if refs:
            for row in session.execute(select(*columns).where(Customer.external_ref.in_(refs))):
                self.by_ref[row.external_ref] = dict(row._mapping)
        if phones:
            for row in session.execute(select(*columns).where(Customer.phone.in_(phones)).order_by(Customer.id)):
                self.by_phone.setdefault(row.phone, dict(row._mapping))

    def find_or_create(self, ids: Any, data: dict[str, Any], order_address: str, when: datetime) -> int:
        ref = data.get("external_ref")
        found = None
        if ref:
            found = self.by_ref.get(ref)
        elif data.get("phone"):
            found = self.by_phone.get(data["phone"])
        if found is None:
            address = data.get("address") or order_address
            found = {"id": ids.next(Customer), "external_ref": ref, "name": data.get("name"),
                     "phone": data.get("phone") or "", "address": address, "tier": data["tier"],
                     "is_new": data["new"], "fingerprint": fingerprint(data.get("phone") or "", address),
                     "created_at": when}
            self.new.append(found)
            if ref:
                self.by_ref[ref] = found
            elif found["phone"]:
                self.by_phone.setdefault(found["phone"], found)
            return found["id"]
        update_ = {"tier": data["tier"]}
        if data.get("name"):
            update_["name"] = data["name"]
        if any(found.get(k) != v for k, v in update_.items()):
            found.update(update_)
            if found not in self.new:
                self.changed[found["id"]] = found
        return found["id"]

    def write(self) -> None:
        insert_rows(self.session, _CUSTOMER, self.new)
        for row in self.changed.values():
            self.session.execute(update(_CUSTOMER).where(_CUSTOMER.c.id == row["id"])
                                 .values(tier=row["tier"], name=row["name"]))


def _new_order(ids: Any, data: OrderInput, now: datetime, when: datetime, channels: _Channels,
               customers: _Customers, orders: dict[int, dict[str, Any]], lines: list[dict[str, Any]]) -> int:
    """The rows of a new order (status ``created``), as :func:`create_order` makes them."""
    if data.channel not in channels.known:
        channels.known.add(data.channel)
        channels.missing.add(data.channel)
    a = data.address
    full_address = f"{a['province']}{a['city']}{a['district']}{a['detail']}"
    customer_id = customers.find_or_create(ids, data.customer, full_address, when) if data.customer else None
    phone = a["phone"] or (data.customer or {}).get("phone") or ""
    oid = ids.next(Order)
    orders[oid] = {
        "id": oid, "channel_code": data.channel, "channel_order_no": data.channel_order_no,
        "customer_id": customer_id, "status": "created", "stage": None, "total": data.total,
        "currency": data.currency, "recipient": a["recipient"], "phone": phone, "country": a["country"],
        "province": a["province"], "city": a["city"], "district": a["district"], "region": a["region"],
        "address_detail": a["detail"], "fingerprint": fingerprint(phone, full_address),
        "address_hash": address_hash(full_address), "accepts_split": data.accepts_split, "receipt": data.receipt,
        "coupon_used": data.coupon_used, "coupon_codes": list(data.coupon_codes), "tags": [],
        "hold_reason": None, "cancel_reason": None, "routed_warehouses": [], "event_seq": 0, "row_version": 1,
        "created_at": data.created_at or now, "paid_at": None, "updated_at": now}
    for number, line in enumerate(data.lines, start=1):
        lines.append({"id": ids.next(OrderLine), "order_id": oid, "line_no": number, "sku": line["sku"],
                      "name": line.get("name", ""), "qty": line["qty"], "price": line["price"],
                      "weight_kg": line.get("weight_kg", Decimal("0")), "medical_class": line.get("medical_class"),
                      "cold_chain": bool(line.get("cold_chain", False)), "gift": bool(line.get("gift", False)),
                      "ship_with_main": bool(line.get("ship_with_main", False)), "warehouse_code": None})
    return oid
