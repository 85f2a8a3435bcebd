"""Helpers for engine and handler tests: templates compiled once, sample orders and snapshots, a fixed clock."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from runtime.engine import Plan, Result, Snapshot, build_snapshot, compile_plan, compile_source, events, run

ROOT = Path(__file__).resolve().parents[3]
TEMPLATES = ROOT / "templates"
SHANGHAI = ZoneInfo("Asia/Shanghai")
CLOCK = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)


@cache
def template(name: str) -> Plan:
    """The plan of ``templates/<name>.flow`` (name without the extension), compiled once per session."""
    return compile_source((TEMPLATES / f"{name}.flow").read_text(encoding="utf-8"))


def plan_of(doc: dict[str, Any]) -> Plan:
    return compile_plan(doc)


def flow(key: str, start: str, nodes: list[dict[str, Any]], edges: list[tuple[str, str, str]],
         when: str | None = None, kind: str = "intake") -> dict[str, Any]:
    """A flow document from compact node and edge lists (edges as (from, port, to))."""
    trigger = {"start": start, **({"when": when} if when else {})}
    return {"format": "orderloom.flow/1", "key": key, "name": key, "kind": kind, "trigger": trigger,
            "nodes": nodes, "edges": [{"from": a, "port": p, "to": b} for a, p, b in edges]}


def node(id_: str, type_: str, **config: Any) -> dict[str, Any]:
    return {"id": id_, "type": type_, "config": config}


def order(**fields: Any) -> dict[str, Any]:
    """A paid Tmall order of 2 lines, 1,200.00 CNY, to Hangzhou (east); fields override."""
    base = {"id": "O-1001", "channel": "tmall", "status": "paid", "total": "1200.00", "currency": "CNY",
            "created_at": "2026-03-02T09:40:00+08:00", "paid_at": "2026-03-02T09:41:00+08:00", "tags": [],
            "coupon_used": False, "coupon_codes": [], "accepts_split": True, "receipt": False,
            "lines": [{"sku": "TEA-01", "name": "龙井", "qty": 2, "price": "500.00", "weight_kg": 0.5,
                       "medical_class": None, "cold_chain": False, "gift": False},
                      {"sku": "CUP-02", "name": "茶杯", "qty": 1, "price": "200.00", "weight_kg": 1.2,
                       "medical_class": None, "cold_chain": False, "gift": False}],
            "address": {"province": "浙江", "city": "杭州", "district": "西湖区", "region": "east",
                        "country": "CN", "detail": "文三路 1 号", "phone": "13800000000"},
            "payment": {"method": "alipay", "amount": "1200.00", "paid_at": "2026-03-02T09:41:00+08:00"}}
    base.update(fields)
    return base


def customer(**fields: Any) -> dict[str, Any]:
    base = {"id": "C-1", "tier": "NORMAL", "new": False, "fingerprint": "fp-1", "phone": "13800000000",
            "stats_24h": {"orders": 1, "distinct_addresses": 1, "coupon_orders": 0}}
    base.update(fields)
    return base


def snapshot(order_: dict[str, Any] | None = None, customer_: dict[str, Any] | None = None,
             **rest: Any) -> Snapshot:
    return build_snapshot(order_ or order(), customer_ or customer(), **rest)


def start(plan: Plan, snap: Snapshot, clock: datetime = CLOCK, instance: str = "i-1") -> Result:
    return run(plan, None, events.start(instance), snap, clock)


def later(hours: float) -> datetime:
    return CLOCK + timedelta(hours=hours)


def roundtrip(state: dict[str, Any]) -> dict[str, Any]:
    """The state as a store would give it back: through JSON text."""
    return json.loads(json.dumps(state, ensure_ascii=False))


def kinds(result: Result) -> list[str]:
    return [e.kind for e in result.effects]


def effect(result: Result, kind: str) -> dict[str, Any]:
    """The data of the only effect of ``kind``."""
    found = [e for e in result.effects if e.kind == kind]
    assert len(found) == 1, f"expected one {kind}, got {[e.kind for e in result.effects]}"
    return found[0].data


def path(result: Result) -> list[tuple[str, str | None]]:
    """(node, port) of every step."""
    return [(s.node_id, s.port) for s in result.steps]


def step(result: Result, node_id: str) -> dict[str, Any]:
    """The last step of ``node_id`` as published JSON."""
    found = [s for s in result.steps if s.node_id == node_id]
    assert found, f"no step of {node_id}: {path(result)}"
    return found[-1].to_dict()
