"""The service benches' shared world: a migrated database with the demo's master data (warehouses,
carriers and rates, weather and promotion feeds, connections), stock topped up so the run does not
drift into backorders, every template flow published; and the bench-anchors orders
(``bench/orders.py``) mapped to ``order.paid`` payloads of the order model.

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

from orders import generate_orders  # noqa: E402
from sqlalchemy import update  # noqa: E402

from runtime import demo  # noqa: E402
from runtime.store.db import Database, make_engine  # noqa: E402
from runtime.store.migrate import upgrade  # noqa: E402
from runtime.store.models import Stock  # noqa: E402

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


def payload(o: dict[str, Any], run: str = "") -> dict[str, Any]:
    """A bench-anchors order as an ``order.paid`` payload: its channel, tier, new flag, total, region,
    country and lines (``SKU0123`` → the 123rd demo SKU: names, prices, weights, cold chain and medical
    class of the demo catalogue); one customer per order (phone derived from the order id)."""
    number = int(o["id"][1:])
    region = o["region"]
    province, city, district = demo.PROVINCES[region][number % len(demo.PROVINCES[region])]
    phone = f"139{number:08d}"
    lines = []
    seen = set()
    for item in o["items"]:
        sku = _SKUS[(int(item["sku"][3:]) - 1) % len(_SKUS)]
        if sku.sku in seen:
            continue
        seen.add(sku.sku)
        lines.append({"sku": sku.sku, "name": sku.name, "qty": item["qty"], "price": str(sku.price),
                      "weight_kg": str(sku.weight_kg), "cold_chain": sku.cold_chain,
                      "medical_class": sku.medical_class, "gift": False})
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
        "lines": lines, "payment": {"method": "alipay", "amount": total, "paid_at": paid},
        "coupon_used": number % 4 == 0, "coupon_codes": [f"CP{number % 9000 + 1000}"] if number % 4 == 0 else [],
        "accepts_split": number % 3 != 0, "receipt": o["channel"] == "pos",
    }


def payloads(n: int, seed: int = 42, run: str = "") -> list[dict[str, Any]]:
    return [payload(o, run) for o in generate_orders(n, seed)]
