"""Sample data and helpers for the expression tests (a module of its own so tests can import it)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from dsl.expr import Scope, compile_expression

__all__ = ["CLOCK", "SAMPLE", "run"]

# 2024-11-11 14:00 in Shanghai.
CLOCK = datetime(2024, 11, 11, 6, 0, tzinfo=UTC)

SAMPLE: dict[str, Any] = {
    "order": {
        "id": "O-1001", "channel": "douyin", "status": "paid", "total": Decimal("6200.00"), "currency": "CNY",
        "created_at": "2024-11-11T09:30:00+08:00", "paid_at": "2024-11-11T09:31:00+08:00",
        "tags": ["double11", "vip"], "coupon_used": True, "coupon_codes": ["D11-50"],
        "lines": [
            {"sku": "BP-200", "name": "电子血压计", "qty": 2, "price": "2800.00", "weight_kg": 0.8,
             "medical_class": "IIa", "cold_chain": False, "gift": False},
            {"sku": "INS-10", "name": "胰岛素冷藏包", "qty": 1, "price": 600, "weight_kg": 1.5,
             "medical_class": None, "cold_chain": True, "gift": False},
        ],
        "address": {"province": "浙江", "city": "杭州", "district": "西湖区", "region": "east",
                    "country": "CN", "detail": "文三路 1 号", "phone": "13800000000"},
        "payment": {"method": "alipay", "amount": Decimal("6200.00"), "paid_at": "2024-11-11T09:31:00+08:00"},
        "accepts_split": True, "receipt": False,
    },
    "customer": {"id": "C-9", "tier": "VIP", "new": False, "fingerprint": "fp-1", "phone": "13800000000",
                 "stats_24h": {"orders": 4, "distinct_addresses": 3, "coupon_orders": 4}},
    "return_request": {"id": "R-1", "reason_text": "尺码偏小，想换大一号", "reason_code": "size",
                       "requested_at": "2024-11-10T20:00:00+08:00", "days_since_delivery": 5,
                       "has_receipt": True, "amount": "99.00",
                       "items": [{"sku": "T-1", "qty": 1, "price": "99.00"}]},
    "context": {"weather": {"east": {"level": 3, "label": "暴雨橙色预警"},
                            "north": {"level": 0, "label": ""}},
                "warehouses": {"WH-HZ": {"status": "open", "load": 0.4, "region": "east"},
                               "WH-BJ": {"status": "closed", "load": 0.1, "region": "north"}},
                "promotion": {"active": True, "name": "双十一"}},
    "vars": {"surcharge": Decimal(15), "remote": ["西藏", "新疆"], "big": Decimal("1e998"), "zero": 0},
}


def run(text: str, scope: Scope, env: dict[str, Any], expected: str | None = None) -> Any:
    """Compile ``text`` against ``scope`` and evaluate it on ``env`` at the fixed clock."""
    return compile_expression(text, scope, expected).evaluate(env, CLOCK)
