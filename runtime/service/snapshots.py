"""Context snapshots from the database: the order model's view of an order, its customer (with the
24-hour aggregates), its return request, the context feeds, and the routing candidates.

Warehouse candidates carry this order's ``cost`` (cheapest active carrier's rate from the warehouse's
region to the order's region: ``cost_per_unit`` × units + ``cost_per_kg`` × weight), that rate's
``eta_hours``, ``load``, ``capacity`` and ``stock`` (available units of the order's SKUs; a SKU without
a row counts 0). A warehouse or carrier without any rate to the order's region cannot ship there
and is not a candidate. Carriers are priced from the region of the warehouse the order is routed to
(the cheapest origin before routing). Context: every feed row — ``region = '*'`` as ``context[key]``,
others as ``context[key][region]`` — with defaults ``weather`` level 0 in every region and
``promotion.active`` false, so flows never read a missing feed.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.engine import Snapshot, build_snapshot
from runtime.store.customers import customer_stats_24h
from runtime.store.models import (
    Carrier,
    CarrierRate,
    ContextFeed,
    Customer,
    Order,
    ReturnRequest,
    Stock,
    Warehouse,
)

CENT = Decimal("0.01")
REGIONS = ("east", "north", "south", "west", "central")


def iso(value: datetime | None, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).isoformat() if value is not None else None


class Master:
    """Master data read once per unit of work (warehouses and stock are read fresh for every run)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._context: dict[str, Any] | None = None
        self._carriers: list[Carrier] | None = None
        self._rates: dict[tuple[str, str], list[CarrierRate]] | None = None

    def context(self) -> dict[str, Any]:
        if self._context is None:
            self._context = load_context(self.session)
        return self._context

    def carriers(self) -> list[Carrier]:
        if self._carriers is None:
            self._carriers = list(self.session.execute(select(Carrier).order_by(Carrier.code)).scalars())
        return self._carriers

    def rates(self) -> dict[tuple[str, str], list[CarrierRate]]:
        if self._rates is None:
            rates: dict[tuple[str, str], list[CarrierRate]] = {}
            for rate in self.session.execute(select(CarrierRate).order_by(CarrierRate.id)).scalars():
                rates.setdefault((rate.origin_region, rate.dest_region), []).append(rate)
            self._rates = rates
        return self._rates


def load_context(session: Session) -> dict[str, Any]:
    context: dict[str, Any] = {"weather": {r: {"level": 0, "label": "无预警"} for r in REGIONS},
                               "promotion": {"active": False}}
    for feed in session.execute(select(ContextFeed).order_by(ContextFeed.key, ContextFeed.region)).scalars():
        if feed.region in ("*", ""):
            context[feed.key] = feed.value
        else:
            slot = context.setdefault(feed.key, {})
            if isinstance(slot, dict):
                slot[feed.region] = feed.value
    return context


def order_view(order: Order, tz: ZoneInfo) -> dict[str, Any]:
    """The order as the order model describes it (money as Decimal, times as ISO text in ``tz``)."""
    payment = next((p for p in order.payments if p.kind == "payment"), None)
    return {
        "id": str(order.id), "channel": order.channel_code, "channel_order_no": order.channel_order_no,
        "status": order.status, "total": order.total, "currency": order.currency,
        "created_at": iso(order.created_at, tz), "paid_at": iso(order.paid_at, tz), "tags": list(order.tags or []),
        "coupon_used": bool(order.coupon_used), "coupon_codes": list(order.coupon_codes or []),
        "accepts_split": bool(order.accepts_split), "receipt": bool(order.receipt),
        "lines": [{"sku": x.sku, "name": x.name, "qty": x.qty, "price": x.price, "weight_kg": x.weight_kg,
                   "medical_class": x.medical_class, "cold_chain": bool(x.cold_chain), "gift": bool(x.gift),
                   "ship_with_main": bool(x.ship_with_main), "warehouse": x.warehouse_code} for x in order.lines],
        "address": {"province": order.province, "city": order.city, "district": order.district,
                    "region": order.region, "country": order.country, "detail": order.address_detail,
                    "phone": order.phone, "recipient": order.recipient},
        "payment": ({"method": payment.method, "amount": payment.amount, "paid_at": iso(payment.paid_at, tz)}
                    if payment is not None else None),
        "routed_warehouses": list(order.routed_warehouses or []),
    }


def customer_view(session: Session, order: Order) -> dict[str, Any]:
    """The order's customer with ``stats_24h`` over the 24 hours up to the order's creation."""
    if order.customer_id is None:
        return {"id": None, "tier": "NORMAL", "new": True, "fingerprint": order.fingerprint, "phone": order.phone,
                "stats_24h": {"orders": 1, "distinct_addresses": 1, "coupon_orders": int(bool(order.coupon_used))}}
    customer = session.get(Customer, order.customer_id)
    assert customer is not None
    stats = customer_stats_24h(session, customer.id, order.created_at)
    return {"id": customer.external_ref or str(customer.id), "name": customer.name, "tier": customer.tier,
            "new": bool(customer.is_new), "fingerprint": customer.fingerprint, "phone": customer.phone,
            "stats_24h": {"orders": stats.orders, "distinct_addresses": stats.distinct_addresses,
                          "coupon_orders": stats.coupon_orders}}


def return_view(request: ReturnRequest | None, tz: ZoneInfo) -> dict[str, Any] | None:
    if request is None:
        return None
    days = None
    if request.delivered_at is not None:
        days = (request.requested_at.astimezone(tz).date() - request.delivered_at.astimezone(tz).date()).days
    return {"id": str(request.id), "reason_text": request.reason_text, "reason_code": request.reason_code,
            "requested_at": iso(request.requested_at, tz), "days_since_delivery": days,
            "has_receipt": bool(request.has_receipt), "amount": request.amount,
            "items": [{"sku": i.get("sku"), "qty": i.get("qty"), "price": Decimal(str(i.get("price", "0")))}
                      for i in request.items or []]}


def candidates(session: Session, master: Master, region: str, lines: list[dict[str, Any]],
               routed: list[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(warehouses, carriers) for an order to ``region`` with ``lines`` (sku, qty, weight_kg, cold_chain)."""
    units = sum(int(x.get("qty") or 0) for x in lines)
    weight = sum((Decimal(str(x.get("weight_kg") or 0)) * int(x.get("qty") or 0) for x in lines), Decimal(0))
    cold = any(x.get("cold_chain") for x in lines)
    skus = sorted({x["sku"] for x in lines})
    carriers = {c.code: c for c in master.carriers()}
    rates = master.rates()

    def priced(origin: str, only: str | None = None) -> tuple[Decimal, Decimal, str] | None:
        best = None
        for rate in rates.get((origin, region), ()):
            carrier = carriers.get(rate.carrier_code)
            if carrier is None or not carrier.active or (only and rate.carrier_code != only):
                continue
            if cold and not carrier.cold_chain and only is None:
                continue
            cost = (rate.cost_per_unit * units + rate.cost_per_kg * weight).quantize(CENT)
            if best is None or cost < best[0]:
                best = (cost, rate.eta_hours, rate.carrier_code)
        return best

    stock: dict[str, dict[str, int]] = {}
    if skus:
        for wh, sku, available in session.execute(
                select(Stock.warehouse_code, Stock.sku, Stock.available).where(Stock.sku.in_(skus))):
            stock.setdefault(wh, {})[sku] = int(available)
    warehouses = []
    regions = {}
    for w in session.execute(select(Warehouse).order_by(Warehouse.code)).scalars():
        regions[w.code] = w.region
        price = priced(w.region)
        if price is None:
            continue
        cost, eta, _ = price
        warehouses.append({"id": w.code, "region": w.region, "status": w.status, "cold_chain": bool(w.cold_chain),
                           "capacity": w.capacity_per_day, "load": w.load, "cost": cost,
                           "unit_cost": (cost / units).quantize(CENT) if units else cost, "eta_hours": eta,
                           "stock": {sku: stock.get(w.code, {}).get(sku, 0) for sku in skus}})
    origins = [regions[w] for w in routed if w in regions] or sorted(set(regions.values()))
    carrier_list = []
    for code, carrier in carriers.items():
        offers = [p for origin in origins if (p := priced(origin, only=code)) is not None]
        if not offers:
            continue
        cost, eta, _ = min(offers)
        carrier_list.append({"id": code, "status": "open" if carrier.active else "closed",
                             "cold_chain": bool(carrier.cold_chain), "cost": cost, "eta_hours": eta})
    return warehouses, carrier_list


def load_snapshot(session: Session, order: Order, tz: ZoneInfo, master: Master,
                  return_request: ReturnRequest | None = None) -> Snapshot:
    """Everything a run of this order may read, as of now in this transaction."""
    view = order_view(order, tz)
    warehouses, carriers = candidates(session, master, order.region, view["lines"], view["routed_warehouses"])
    return build_snapshot(view, customer_view(session, order), return_view(return_request, tz),
                          dict(master.context()), warehouses, carriers)
