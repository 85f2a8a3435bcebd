"""Builders for the runtime service tests: master data, the template flows published, order payloads,
a controllable clock, and small readers of the outcome."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from dsl.text import parse_flow
from runtime.service import MemoryPublisher, Runtime
from runtime.store.db import Database
from runtime.store.models import (
    Carrier,
    CarrierRate,
    Channel,
    ContextFeed,
    OutboxEffect,
    Stock,
    Warehouse,
)
from runtime.store.versions import publish_document

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = ROOT / "templates"
SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime(2026, 11, 11, 10, 0, tzinfo=SHANGHAI)

#: name → (region, per-unit cost to the east, ETA hours to the east, load). In the east with the
#: default weights hz wins (cheap, idle, slow); with VIP weights (ETA 0.75) gz wins (fast); cd beats
#: everyone but is the one the tests close.
WAREHOUSES = {"hz": ("east", "3", "48", "0.2"), "gz": ("south", "7", "12", "0.5"),
              "bj": ("north", "10", "36", "0.9"), "cd": ("west", "1", "6", "0.1")}
#: carrier → (name, cold chain, extra cost per unit, ETA factor). From hz to the east (3 units): sf 12.00 / 24 h,
#: jd 13.02 / 40.8 h, zto 9.00 / 48 h: without a weather alert sf wins, with an orange alert zto.
CARRIERS = {"sf": ("顺丰冷链", True, "1", "0.5"), "jd": ("京东", False, "1.34", "0.85"),
            "zto": ("中通", False, "0", "1")}
SKUS = ("TEA-01", "CUP-02", "GIFT-VIP-01", "MED-IIA", "COLD-01")


class Clock:
    """A clock the test moves: ``clock()`` is now; ``clock.advance(hours=4)``."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def template(name: str) -> dict[str, Any]:
    return parse_flow((TEMPLATES / f"{name}.flow").read_text(encoding="utf-8"))


def publish(db: Database, *names: str, priority: dict[str, int] | None = None) -> None:
    """Publish ``templates/<name>.flow`` files in order (a sub-flow before its caller)."""
    from runtime.store.models import Flow

    with db.transaction() as session:
        for name in names:
            record = publish_document(session, template(name), user="test", now=T0)
            if priority and name in priority:
                session.get(Flow, record.flow_id).priority = priority[name]


def seed(db: Database, *, stock: dict[str, dict[str, int]] | None = None, closed: tuple[str, ...] = (),
         warehouses: dict[str, tuple[str, str, str, str]] | None = None) -> None:
    """Channels, warehouses with rates to every region, carriers and stock (default: 50 of every SKU
    everywhere; ``stock`` = {warehouse: {sku: units}} replaces it)."""
    warehouses = warehouses or WAREHOUSES
    with db.transaction() as session:
        for code, name in (("tmall", "天猫"), ("douyin", "抖音"), ("pdd", "拼多多"), ("miniprogram", "小程序"),
                           ("pos", "门店")):
            session.add(Channel(code=code, name=name))
        session.add_all([Carrier(code=code, name=name, cold_chain=cold)
                         for code, (name, cold, _, _) in CARRIERS.items()])
        session.flush()
        for code, (region, unit, eta, load) in warehouses.items():
            session.add(Warehouse(code=code, name=f"{code} 仓", region=region, capacity_per_day=1000,
                                  load=Decimal(load), status="closed" if code in closed else "open",
                                  cold_chain=code == "bj"))
            for dest in ("east", "north", "south", "west", "central"):
                hours = Decimal(eta) if dest == "east" else Decimal("24")
                for carrier, (_, _, extra, speed) in CARRIERS.items():
                    session.add(CarrierRate(carrier_code=carrier, origin_region=region, dest_region=dest,
                                            cost_per_unit=Decimal(unit) + Decimal(extra), cost_per_kg=Decimal("0"),
                                            eta_hours=(hours * Decimal(speed)).quantize(Decimal("0.1"))))
        session.flush()
        levels = stock if stock is not None else {code: dict.fromkeys(SKUS, 50) for code in warehouses}
        for code, skus in levels.items():
            for sku, units in skus.items():
                session.add(Stock(sku=sku, warehouse_code=code, available=units, reserved=0))


def set_feed(db: Database, key: str, region: str, value: Any) -> None:
    with db.transaction() as session:
        row = session.get(ContextFeed, (key, region))
        if row is None:
            session.add(ContextFeed(key=key, region=region, value=value, source="test"))
        else:
            row.value = value


def order(number: str = "TM1001", **fields: Any) -> dict[str, Any]:
    """A Tmall order of 2 lines (3 units), 1,200.00 CNY, to Hangzhou (east); ``fields`` override."""
    base: dict[str, Any] = {
        "channel": "tmall", "channel_order_no": number, "total": "1200.00", "currency": "CNY",
        "customer": {"id": "C-1", "name": "李雷", "phone": "13800000001", "tier": "NORMAL"},
        "address": {"province": "浙江", "city": "杭州", "district": "西湖区", "detail": "文三路 1 号",
                    "phone": "13800000001", "recipient": "李雷"},
        "lines": [{"sku": "TEA-01", "name": "龙井", "qty": 2, "price": "500.00", "weight_kg": 0.5},
                  {"sku": "CUP-02", "name": "茶杯", "qty": 1, "price": "200.00", "weight_kg": 1.2}],
        "coupon_used": False, "accepts_split": True,
        "payment": {"method": "alipay", "amount": "1200.00"}}
    base.update(fields)
    return base


def make_runtime(db: Database, clock: Clock | None = None) -> tuple[Runtime, MemoryPublisher]:
    publisher = MemoryPublisher()
    return Runtime(db, publisher=publisher, clock=clock or Clock()), publisher


def paid(runtime: Runtime, number: str = "TM1001", event_id: str | None = None, **fields: Any) -> int:
    """Ingest an ``order.paid`` of :func:`order`; returns the order id."""
    answer = runtime.ingest("tmall", event_id or f"paid-{number}", "order.paid", order(number, **fields))
    return answer["order_id"]


def stages(timeline: dict[str, Any]) -> list[str]:
    return [s["key"] for s in timeline["stages"]]


def outcomes(timeline: dict[str, Any], stage: str | None = None) -> dict[str, tuple[str, str | None]]:
    """flow → (status, outcome) of the timeline's top-level instances (of one stage key)."""
    return {i["flow"]: (i["status"], i["outcome"]) for s in timeline["stages"] if stage in (None, s["key"])
            for i in s["instances"] if i["parent_instance_id"] is None}


def instance(timeline: dict[str, Any], flow: str, stage: str | None = None) -> dict[str, Any]:
    found = [i for s in timeline["stages"] if stage in (None, s["key"]) for i in s["instances"] if i["flow"] == flow]
    assert found, f"no instance of {flow} in {stages(timeline)}"
    return found[-1]


def path(inst: dict[str, Any]) -> list[tuple[str, str | None]]:
    return [(s["node"], s["port"]) for s in inst["steps"]]


def step(inst: dict[str, Any], node: str) -> dict[str, Any]:
    found = [s for s in inst["steps"] if s["node"] == node]
    assert found, f"no step of {node}: {path(inst)}"
    return found[-1]


def outbox(db: Database, kind: str | None = None) -> list[OutboxEffect]:
    with db.read() as session:
        query = select(OutboxEffect).order_by(OutboxEffect.id)
        if kind:
            query = query.where(OutboxEffect.kind == kind)
        rows = list(session.execute(query).scalars())
        session.expunge_all()  # plain objects, readable after the read-only transaction ends
        return rows
