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

from collections.abc import Callable
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
#: An instance that ended ``not_applicable`` on the very snapshot a sibling instance started on in the
#: same unit of work stores ``{SAME_AS: <that instance's id>}`` as its input snapshot instead of a copy
#: (flows whose trigger did not hold are most of a stage's instances): :func:`input_snapshot` reads
#: either form back in full.
SAME_AS = "same_as_instance"
REGIONS = ("east", "north", "south", "west", "central")


def iso(value: datetime | None, tz: ZoneInfo) -> str | None:
    return value.astimezone(tz).isoformat() if value is not None else None


class Master:
    """Master data (context feeds, carriers and rates, warehouses) read once per transaction; stock is not
    master data (see :meth:`runtime.service.batch.Batch.stock`)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._context: dict[str, Any] | None = None
        self._carriers: list[Carrier] | None = None
        self._rates: dict[tuple[str, str], list[CarrierRate]] | None = None
        self._warehouses: list[Warehouse] | None = None
        self._lanes: dict[tuple[str, str], list[tuple[str, bool, bool, Decimal, Decimal, Decimal]]] | None = None

    def lanes(self) -> dict[tuple[str, str], list[tuple[str, bool, bool, Decimal, Decimal, Decimal]]]:
        """(origin, destination region) → the rates of known carriers as plain tuples (carrier, active,
        cold chain, cost per unit, cost per kg, ETA hours), in rate id order."""
        if self._lanes is None:
            carriers = {c.code: c for c in self.carriers()}
            self._lanes = {key: [(r.carrier_code, bool(carriers[r.carrier_code].active),
                                  bool(carriers[r.carrier_code].cold_chain), r.cost_per_unit, r.cost_per_kg,
                                  r.eta_hours) for r in rates if r.carrier_code in carriers]
                           for key, rates in self.rates().items()}
        return self._lanes

    def warehouses(self) -> list[Warehouse]:
        if self._warehouses is None:
            self._warehouses = list(self.session.execute(select(Warehouse).order_by(Warehouse.code)).scalars())
        return self._warehouses

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


def input_snapshot(session: Session, instance_id: int) -> dict[str, Any] | None:
    """The stored input snapshot of an instance, in full (a :data:`SAME_AS` record followed); ``None`` if
    there is no such instance. ``build_snapshot(**input_snapshot(…))`` rebuilds it."""
    from runtime.store.models import Instance

    stored = session.execute(select(Instance.input_snapshot).where(Instance.id == instance_id)).scalar_one_or_none()
    if isinstance(stored, dict) and set(stored) == {SAME_AS}:
        return input_snapshot(session, int(stored[SAME_AS]))
    return stored


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
    customer = session.execute(select(
        Customer.id, Customer.external_ref, Customer.name, Customer.tier, Customer.is_new, Customer.fingerprint,
        Customer.phone).where(Customer.id == order.customer_id)).one()
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
               routed: list[str], stock: Callable[[list[str]], dict[str, dict[str, int]]] | None = None,
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(warehouses, carriers) for an order to ``region`` with ``lines`` (sku, qty, weight_kg, cold_chain);
    ``stock(skus)`` gives warehouse → sku → available (default: read now)."""
    units = sum(int(x.get("qty") or 0) for x in lines)
    weight = sum((Decimal(str(x.get("weight_kg") or 0)) * int(x.get("qty") or 0) for x in lines), Decimal(0))
    cold = any(x.get("cold_chain") for x in lines)
    skus = sorted({x["sku"] for x in lines})
    lanes = master.lanes()
    carriers = {c.code: c for c in master.carriers()}
    # per origin: the cheapest active rate (cold chain only for a cold order), and each carrier's own
    # cheapest rate (any); the first of equal costs wins
    best: dict[str, tuple[Decimal, Decimal, str] | None] = {}
    own: dict[str, dict[str, tuple[Decimal, Decimal, str]]] = {}

    def priced(origin: str) -> tuple[Decimal, Decimal, str] | None:
        if origin not in best:
            found = None
            mine: dict[str, tuple[Decimal, Decimal, str]] = {}
            for code, active, cold_chain, per_unit, per_kg, eta in lanes.get((origin, region), ()):
                if not active:
                    continue
                cost = (per_unit * units + per_kg * weight).quantize(CENT)
                if code not in mine or cost < mine[code][0]:
                    mine[code] = (cost, eta, code)
                if cold and not cold_chain:
                    continue
                if found is None or cost < found[0]:
                    found = (cost, eta, code)
            best[origin], own[origin] = found, mine
        return best[origin]

    levels: dict[str, dict[str, int]] = {}
    if skus and stock is not None:
        levels = stock(skus)
    elif skus:
        for wh, sku, available in session.execute(
                select(Stock.warehouse_code, Stock.sku, Stock.available).where(Stock.sku.in_(skus))):
            levels.setdefault(wh, {})[sku] = int(available)
    warehouses = []
    regions = {}
    for w in master.warehouses():
        regions[w.code] = w.region
        price = priced(w.region)
        if price is None:
            continue
        cost, eta, _ = price
        have = levels.get(w.code, {})
        warehouses.append({"id": w.code, "region": w.region, "status": w.status, "cold_chain": bool(w.cold_chain),
                           "capacity": w.capacity_per_day, "load": w.load, "cost": cost,
                           "unit_cost": (cost / units).quantize(CENT) if units else cost, "eta_hours": eta,
                           "stock": {sku: have.get(sku, 0) for sku in skus}})
    origins = [regions[w] for w in routed if w in regions] or sorted(set(regions.values()))
    carrier_list = []
    for origin in origins:
        priced(origin)
    for code, carrier in carriers.items():
        offers = [own[origin][code] for origin in origins if code in own[origin]]
        if not offers:
            continue
        cost, eta, _ = min(offers)
        carrier_list.append({"id": code, "status": "open" if carrier.active else "closed",
                             "cold_chain": bool(carrier.cold_chain), "cost": cost, "eta_hours": eta})
    return warehouses, carrier_list


def load_snapshot(session: Session, order: Order, tz: ZoneInfo, master: Master,
                  return_request: ReturnRequest | None = None, *,
                  stock: Callable[[list[str]], dict[str, dict[str, int]]] | None = None,
                  customer: dict[str, Any] | None = None) -> Snapshot:
    """Everything a run of this order may read, as of now in this transaction (``stock`` and ``customer``:
    see :func:`candidates`; the customer view if the caller already has it)."""
    view = order_view(order, tz)
    warehouses, carriers = candidates(session, master, order.region, view["lines"], view["routed_warehouses"],
                                      stock)
    return build_snapshot(view, customer if customer is not None else customer_view(session, order),
                          return_view(return_request, tz), dict(master.context()), warehouses, carriers)
