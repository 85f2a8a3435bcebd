"""The service benches' worlds, and the bench-anchors orders (``bench/orders.py``) mapped to ``order.paid``
payloads of the order model.

- :func:`build_reference_world` — the reference workload of bench-anchors as Orderloom runs it: ``plain.py``'s
  warehouses, costs and ETAs as master data and ``bench/flows/reference.flow`` published as the one flow
  (routing stage); :func:`reference_outcomes` reads every order's committed result back for the comparison
  with ``plain.py`` (:func:`compare`).
- :func:`build_world` — the full pipeline: the demo's master data (warehouses, carriers and rates, weather
  and promotion feeds, connections), stock topped up so the run does not drift into backorders, every
  template flow published (7 instances per paid order).

Used by ``bench/service.py`` (in-process), ``bench/http.py`` (b) and ``bench/celery_bench.py`` (c).
"""

from __future__ import annotations

import sys
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
if str(BENCH) not in sys.path:
    sys.path.append(str(BENCH))  # after the standard library: bench/http.py must not shadow ``http``

import plain  # noqa: E402
from orders import generate_orders  # noqa: E402
from sqlalchemy import select, update  # noqa: E402

from dsl.text import parse_flow  # noqa: E402
from runtime import demo  # noqa: E402
from runtime.store.db import Database, make_engine  # noqa: E402
from runtime.store.migrate import upgrade  # noqa: E402
from runtime.store.models import Carrier, CarrierRate, Instance, Order, Stock, Warehouse  # noqa: E402
from runtime.store.versions import publish_document  # noqa: E402

REFERENCE_FLOW = BENCH / "flows" / "reference.flow"
TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 18, 10, 0, tzinfo=TZ)
CHANNEL = {"tmall": "tmall", "douyin": "douyin", "pdd": "pdd", "web": "miniprogram", "pos": "pos"}
STOCK = 10_000_000  # per SKU per warehouse: no order of a bench run is short of stock
_SKUS = [s for s in demo.catalogue() if s.sku != demo.GIFT_SKU]


def migrate(url: str) -> None:
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()


def build_world(url: str) -> Database:
    """Migrate ``url`` (an empty database), seed the demo master data, top up stock, publish every
    template; returns a :class:`Database` on it."""
    migrate(url)
    db = Database.open(url)
    demo.seed(db, receiver_url="http://127.0.0.1:9/bench", now=NOW)
    with db.transaction() as session:
        session.execute(update(Stock).values(available=STOCK, reserved=0))
    return db


def build_reference_world(url: str) -> Database:
    """Migrate ``url`` (an empty database) and store plain.py's world: its four warehouses (load = 1 − free
    capacity; each its own origin region, named after it, since plain prices every warehouse on its own
    lane), one carrier (cold chain, so every order can ship) whose rate from each warehouse to each
    destination region is plain's cost per unit with its ETA in hours; then publish the reference flow, the
    only flow of any stage. A paid order then runs intake and approval (no flows), the reference flow in
    routing, and ends ``routed`` to the warehouse the flow chose."""
    migrate(url)
    db = Database.open(url)
    with db.transaction() as session:
        session.add(Carrier(code="REF", name="参考承运商", cold_chain=True, active=True))
        for code, (_home, free) in plain.WAREHOUSES.items():
            session.add(Warehouse(code=code, name=code, region=code, status="open", capacity_per_day=10_000,
                                  load=1 - Decimal(str(free)), cold_chain=True, updated_at=NOW))
            for region, cost in plain.COST[code].items():
                session.add(CarrierRate(carrier_code="REF", origin_region=code, dest_region=region,
                                        cost_per_unit=Decimal(str(cost)), cost_per_kg=Decimal(0),
                                        eta_hours=Decimal(plain.ETA[code][region] * 24)))
        session.flush()
        publish_document(session, parse_flow(REFERENCE_FLOW.read_text(encoding="utf-8")), user="bench", now=NOW)
    return db


def reference_outcomes(db: Database, run: str) -> dict[str, dict[str, Any]]:
    """bench-anchors order id → what the reference flow committed for it ({warehouse, priority,
    needs_approval, score}, from its instance's final variables), for the orders of ``run``."""
    prefix = f"B{run}-"
    out: dict[str, dict[str, Any]] = {}
    with db.read() as session:
        for number, state in session.execute(
                select(Order.channel_order_no, Instance.state).join(Instance, Instance.order_id == Order.id)
                .where(Order.channel_order_no.like(f"{prefix}%"), Instance.status == "completed")):
            v = (state or {}).get("vars", {})
            route = v.get("route") or {}
            out[number[len(prefix):]] = {"warehouse": route.get("id"), "priority": v.get("priority"),
                                         "needs_approval": v.get("needs_approval"),
                                         "score": float(Decimal(str(route.get("score"))))}
    return out


def compare(orders: list[dict[str, Any]], outcomes: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Each order's committed outcome against ``plain.route`` of the same order: mismatches (a missing
    outcome counts) and a checksum of each side over (id, warehouse, priority, needs_approval, score to
    1e-6) — equal checksums, same answers."""
    import hashlib

    def digest(rows: list[tuple[Any, ...]]) -> str:
        return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]

    ours, theirs, mismatches = [], [], 0
    for o in orders:
        want, got = plain.route(o), outcomes.get(o["id"])
        theirs.append((o["id"], want["warehouse"], want["priority"], want["needs_approval"], round(want["score"], 6)))
        if got is None:
            mismatches += 1
            continue
        ours.append((o["id"], got["warehouse"], got["priority"], got["needs_approval"], round(got["score"], 6)))
        same = (got["warehouse"], got["priority"], got["needs_approval"]) == \
            (want["warehouse"], want["priority"], want["needs_approval"])
        mismatches += not (same and abs(got["score"] - want["score"]) <= 1e-9 * max(1.0, abs(want["score"])))
    return {"mismatches": mismatches, "checksum": digest(ours), "plain_checksum": digest(theirs)}


def payload(o: dict[str, Any], run: str = "") -> dict[str, Any]:
    """A bench-anchors order as an ``order.paid`` payload: its channel, tier, new flag, total, region,
    country and lines (``SKU0123`` → the 123rd demo SKU: names, prices, weights, cold chain and medical
    class of the demo catalogue); one customer per order (phone derived from the order id)."""
    number = int(o["id"][1:])
    region = o["region"]
    province, city, district = demo.PROVINCES[region][number % len(demo.PROVINCES[region])]
    phone = f"139{number:08d}"
    lines: dict[str, dict[str, Any]] = {}
    for item in o["items"]:  # a SKU named twice is one line with both quantities (plain counts every unit)
        sku = _SKUS[(int(item["sku"][3:]) - 1) % len(_SKUS)]
        line = lines.setdefault(sku.sku, {"sku": sku.sku, "name": sku.name, "qty": 0, "price": str(sku.price),
                                          "weight_kg": str(sku.weight_kg), "cold_chain": sku.cold_chain,
                                          "medical_class": sku.medical_class, "gift": False})
        line["qty"] += item["qty"]
    total = str(Decimal(repr(o["total"])).quantize(Decimal("0.01")))
    paid = NOW.isoformat()
    return {
        "channel": CHANNEL[o["channel"]], "channel_order_no": f"B{run}-{o['id']}", "total": total, "currency": "CNY",
        "created_at": (NOW - timedelta(minutes=5)).isoformat(), "paid_at": paid,
        "customer": {"external_ref": f"bench-{run}-{o['id']}", "name": "顾客", "tier": o["customer"]["tier"],
                     "new": o["customer"]["new"], "phone": phone},
        "address": {"country": "DE" if o["destination_country"] == "US" else o["destination_country"],
                    "province": province, "city": city, "district": district, "region": region,
                    "detail": f"{province}{city}{district}人民路 {number % 300 + 1} 号", "phone": phone,
                    "recipient": "顾客"},
        "lines": list(lines.values()), "payment": {"method": "alipay", "amount": total, "paid_at": paid},
        "coupon_used": number % 4 == 0, "coupon_codes": [f"CP{number % 9000 + 1000}"] if number % 4 == 0 else [],
        "accepts_split": number % 3 != 0, "receipt": o["channel"] == "pos",
    }


def payloads(n: int, seed: int = 42, run: str = "") -> list[dict[str, Any]]:
    return [payload(o, run) for o in generate_orders(n, seed)]


def orders(n: int, seed: int = 42) -> list[dict[str, Any]]:
    """The bench-anchors orders themselves (what ``plain.py`` routes)."""
    return generate_orders(n, seed)
