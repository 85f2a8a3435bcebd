"""Inbound payloads: checked and normalised before anything is stored (problems → :class:`InputError`).

``order.created`` / ``order.paid`` carry the order as the order model describes it::

    {"channel": "tmall", "channel_order_no": "TM1001", "total": "1200.00", "currency": "CNY",
     "customer": {"id": "C-1", "name": "李雷", "phone": "13800000000", "tier": "VIP", "new": false},
     "address": {"province": "浙江", "city": "杭州", "district": "西湖区", "region": "east", "country": "CN",
                 "detail": "文三路 1 号", "phone": "13800000000", "recipient": "李雷"},
     "lines": [{"sku": "TEA-01", "name": "龙井", "qty": 2, "price": "500.00", "weight_kg": 0.5,
                "medical_class": null, "cold_chain": false, "gift": false}],
     "coupon_used": false, "coupon_codes": [], "accepts_split": true, "receipt": false,
     "payment": {"method": "alipay", "amount": "1200.00", "paid_at": "…"}, "created_at": "…", "paid_at": "…"}

Every other kind names its order by ``order_id`` or by ``channel`` + ``channel_order_no``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from runtime.service.errors import InputError, field_error

CHANNELS = {"tmall": "天猫", "douyin": "抖音", "pdd": "拼多多", "miniprogram": "小程序", "pos": "门店"}
TIERS = ("VIP", "GOLD", "SILVER", "NORMAL")
REGIONS = ("east", "north", "south", "west", "central")
MEDICAL = ("I", "IIa", "IIb", "III")
ORDER_KINDS = ("order.created", "order.paid")
KINDS = ("order.created", "order.paid", "order.cancelled", "order.shipped", "order.delivered", "return.requested",
         "order.reroute")

#: Province → region (大区), used when the address gives no region.
PROVINCE_REGION: dict[str, str] = {
    **dict.fromkeys(("上海", "江苏", "浙江", "安徽", "福建", "江西", "山东", "台湾"), "east"),
    **dict.fromkeys(("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江"), "north"),
    **dict.fromkeys(("广东", "广西", "海南", "香港", "澳门"), "south"),
    **dict.fromkeys(("重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆"), "west"),
    **dict.fromkeys(("河南", "湖北", "湖南"), "central"),
}


def check_kind(kind: Any) -> str:
    if isinstance(kind, str) and (kind in KINDS or (kind.startswith("custom.") and len(kind) > 7)):
        return kind
    raise InputError("RUN_EVENT_KIND", "kind", f"未知的事件类型 “{kind}”",
                     f"unknown event kind {kind!r}; known: {', '.join(KINDS)}, custom.<name>")


def check_ids(source: Any, event_id: Any) -> None:
    for path, value, limit in (("source", source, 64), ("event_id", event_id, 128)):
        if not isinstance(value, str) or not value.strip():
            raise field_error(path, "required")
        if len(value) > limit:
            raise field_error(path, "invalid", detail=f"longer than {limit} characters",
                              detail_zh=f"超过 {limit} 个字符")


# ---- small typed readers -------------------------------------------------------------------------------

def _obj(value: Any, path: str, required: bool = True) -> dict[str, Any]:
    if value is None:
        if required:
            raise field_error(path, "required")
        return {}
    if not isinstance(value, dict):
        raise field_error(path, "type", expected="object", expected_zh="对象")
    return value


def _text(d: dict[str, Any], name: str, path: str, *, required: bool = False, default: str = "",
          limit: int = 200) -> str:
    value = d.get(name)
    if value is None or value == "":
        if required:
            raise field_error(f"{path}.{name}", "required")
        return default
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise field_error(f"{path}.{name}", "type", expected="string", expected_zh="文本")
    if len(value) > limit:
        raise field_error(f"{path}.{name}", "invalid", detail=f"longer than {limit} characters",
                          detail_zh=f"超过 {limit} 个字符")
    return value


def _bool(d: dict[str, Any], name: str, path: str, default: bool) -> bool:
    value = d.get(name)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise field_error(f"{path}.{name}", "type", expected="boolean", expected_zh="布尔值")
    return value


def _decimal(value: Any, path: str, *, minimum: Decimal | None = Decimal("0")) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise field_error(path, "type", expected="number", expected_zh="数字")
    try:
        if isinstance(value, float):
            if not math.isfinite(value):
                raise InvalidOperation
            number = Decimal(repr(value))
        elif isinstance(value, (int, Decimal, str)):
            number = Decimal(str(value).strip())
        else:
            raise field_error(path, "type", expected="number", expected_zh="数字")
        if not number.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise field_error(path, "type", expected="number", expected_zh="数字") from None
    if minimum is not None and number < minimum:
        raise field_error(path, "invalid", detail=f"must be at least {minimum}", detail_zh=f"不能小于 {minimum}")
    return number


def _int(value: Any, path: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise field_error(path, "type", expected="integer", expected_zh="整数")
    if value < minimum:
        raise field_error(path, "invalid", detail=f"must be at least {minimum}", detail_zh=f"不能小于 {minimum}")
    return value


def parse_time(value: Any, path: str, tz: ZoneInfo) -> datetime | None:
    """An ISO date-time; a time without zone is read in the business zone."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        when = value
    elif isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise field_error(path, "type", expected="ISO 8601 date-time", expected_zh="ISO 8601 时间") from None
    else:
        raise field_error(path, "type", expected="ISO 8601 date-time", expected_zh="ISO 8601 时间")
    return when.replace(tzinfo=tz) if when.tzinfo is None else when


# ---- the order ------------------------------------------------------------------------------------------

@dataclass
class OrderInput:
    """A validated order payload, ready to become rows."""

    channel: str
    channel_order_no: str
    total: Decimal
    currency: str
    customer: dict[str, Any] | None
    address: dict[str, Any]
    lines: list[dict[str, Any]]
    coupon_used: bool
    coupon_codes: list[str]
    accepts_split: bool
    receipt: bool
    payment: dict[str, Any] | None
    created_at: datetime | None
    paid_at: datetime | None


def order_ref(payload: Any) -> tuple[int | None, str | None, str | None]:
    """How the payload names its order: (order_id, channel, channel_order_no)."""
    body = _obj(payload, "payload")
    order_id = body.get("order_id")
    if order_id is not None:
        if isinstance(order_id, str) and order_id.isdigit():
            order_id = int(order_id)
        return _int(order_id, "payload.order_id"), None, None
    channel = body.get("channel")
    number = body.get("channel_order_no")
    if isinstance(channel, str) and isinstance(number, (str, int)) and not isinstance(number, bool):
        return None, channel, str(number)
    raise InputError("RUN_FIELD_REQUIRED", "payload.order_id", "请用 order_id 或 channel + channel_order_no 指明订单",
                     "name the order: order_id, or channel and channel_order_no")


def parse_order(payload: Any, tz: ZoneInfo) -> OrderInput:
    """Check an order payload field by field; the first problem raises :class:`InputError`."""
    p = "payload"
    body = _obj(payload, p)
    channel = _text(body, "channel", p, required=True, limit=32)
    if channel not in CHANNELS:
        raise field_error(f"{p}.channel", "invalid", detail=f"one of {', '.join(CHANNELS)}",
                          detail_zh=f"应为 {'、'.join(CHANNELS)} 之一")
    number = _text(body, "channel_order_no", p, required=True, limit=64)
    if "total" not in body:
        raise field_error(f"{p}.total", "required")
    total = _decimal(body["total"], f"{p}.total")
    currency = _text(body, "currency", p, default="CNY", limit=3)
    customer = _customer(body.get("customer"), f"{p}.customer")
    address = _address(_obj(body.get("address"), f"{p}.address"), f"{p}.address")
    raw_lines = body.get("lines")
    if not isinstance(raw_lines, list):
        raise field_error(f"{p}.lines", "required" if raw_lines is None else "type", expected="array",
                          expected_zh="数组")
    if not raw_lines:
        raise field_error(f"{p}.lines", "invalid", detail="at least one line", detail_zh="至少要有一行商品")
    lines = [_line(_obj(line, f"{p}.lines[{i}]"), f"{p}.lines[{i}]") for i, line in enumerate(raw_lines)]
    codes = body.get("coupon_codes") or []
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        raise field_error(f"{p}.coupon_codes", "type", expected="array of strings", expected_zh="文本数组")
    payment = None
    if body.get("payment") is not None:
        raw = _obj(body["payment"], f"{p}.payment")
        payment = {"method": _text(raw, "method", f"{p}.payment", limit=32),
                   "amount": _decimal(raw["amount"], f"{p}.payment.amount") if raw.get("amount") is not None
                   else total,
                   "paid_at": parse_time(raw.get("paid_at"), f"{p}.payment.paid_at", tz)}
    return OrderInput(
        channel=channel, channel_order_no=number, total=total, currency=currency, customer=customer,
        address=address, lines=lines, coupon_used=_bool(body, "coupon_used", p, bool(codes)), coupon_codes=codes,
        accepts_split=_bool(body, "accepts_split", p, True), receipt=_bool(body, "receipt", p, False),
        payment=payment, created_at=parse_time(body.get("created_at"), f"{p}.created_at", tz),
        paid_at=parse_time(body.get("paid_at"), f"{p}.paid_at", tz))


def _customer(value: Any, path: str) -> dict[str, Any] | None:
    if value is None:
        return None
    raw = _obj(value, path)
    ref = raw.get("id", raw.get("external_ref"))
    tier = _text(raw, "tier", path, default="NORMAL", limit=8)
    if tier not in TIERS:
        raise field_error(f"{path}.tier", "invalid", detail=f"one of {', '.join(TIERS)}",
                          detail_zh=f"应为 {'、'.join(TIERS)} 之一")
    out = {"external_ref": str(ref) if ref not in (None, "") else None, "name": _text(raw, "name", path) or None,
           "phone": _text(raw, "phone", path, limit=32), "tier": tier, "new": _bool(raw, "new", path, False),
           "address": _text(raw, "address", path, limit=500)}
    if out["external_ref"] is None and not out["phone"]:
        raise field_error(f"{path}.id", "required")
    stats = raw.get("stats_24h")
    if stats is not None:
        stats = _obj(stats, f"{path}.stats_24h")
        out["stats_24h"] = {k: _int(stats.get(k, 0), f"{path}.stats_24h.{k}", 0)
                            for k in ("orders", "distinct_addresses", "coupon_orders")}
    return out


def _address(raw: dict[str, Any], path: str) -> dict[str, Any]:
    province = _text(raw, "province", path, required=True, limit=50)
    region = _text(raw, "region", path, default=PROVINCE_REGION.get(province, ""), limit=16)
    if region and region not in REGIONS:
        raise field_error(f"{path}.region", "invalid", detail=f"one of {', '.join(REGIONS)}",
                          detail_zh=f"应为 {'、'.join(REGIONS)} 之一")
    country = _text(raw, "country", path, default="CN", limit=2).upper()
    if len(country) != 2:
        raise field_error(f"{path}.country", "invalid", detail="a two-letter ISO 3166 code", detail_zh="两位国家代码")
    return {"province": province, "city": _text(raw, "city", path, limit=50),
            "district": _text(raw, "district", path, limit=50), "region": region, "country": country,
            "detail": _text(raw, "detail", path, limit=500), "phone": _text(raw, "phone", path, limit=32),
            "recipient": _text(raw, "recipient", path, limit=100) or None}


def _line(raw: dict[str, Any], path: str) -> dict[str, Any]:
    medical = raw.get("medical_class")
    if medical not in (None, *MEDICAL):
        raise field_error(f"{path}.medical_class", "invalid", detail=f"one of {', '.join(MEDICAL)} or null",
                          detail_zh=f"应为 {'、'.join(MEDICAL)} 或空")
    if raw.get("qty") is None:
        raise field_error(f"{path}.qty", "required")
    if raw.get("price") is None:
        raise field_error(f"{path}.price", "required")
    return {"sku": _text(raw, "sku", path, required=True, limit=64), "name": _text(raw, "name", path),
            "qty": _int(raw["qty"], f"{path}.qty"), "price": _decimal(raw["price"], f"{path}.price"),
            "weight_kg": _decimal(raw.get("weight_kg", 0), f"{path}.weight_kg"), "medical_class": medical,
            "cold_chain": _bool(raw, "cold_chain", path, False), "gift": _bool(raw, "gift", path, False),
            "ship_with_main": _bool(raw, "ship_with_main", path, False)}


def parse_return(payload: dict[str, Any], tz: ZoneInfo) -> dict[str, Any]:
    """The return request of a ``return.requested`` payload (under ``return``, or the payload itself)."""
    path = "payload.return" if "return" in payload else "payload"
    raw = _obj(payload.get("return", payload), path)
    items = raw.get("items") or []
    if not isinstance(items, list):
        raise field_error(f"{path}.items", "type", expected="array", expected_zh="数组")
    parsed_items = []
    for i, item in enumerate(items):
        item = _obj(item, f"{path}.items[{i}]")
        parsed_items.append({"sku": _text(item, "sku", f"{path}.items[{i}]", required=True, limit=64),
                             "qty": _int(item.get("qty", 1), f"{path}.items[{i}].qty"),
                             "price": str(_decimal(item.get("price", 0), f"{path}.items[{i}].price"))})
    amount = raw.get("amount")
    return {"external_id": _text(raw, "id", path, limit=64) or None,
            "reason_text": _text(raw, "reason_text", path, limit=2000),
            "has_receipt": _bool(raw, "has_receipt", path, False),
            "delivered_at": parse_time(raw.get("delivered_at"), f"{path}.delivered_at", tz),
            "requested_at": parse_time(raw.get("requested_at"), f"{path}.requested_at", tz),
            "amount": _decimal(amount, f"{path}.amount") if amount is not None else None,
            "items": parsed_items}


def parse_event_payload(kind: str, payload: Any, tz: ZoneInfo) -> dict[str, Any]:
    """Check the kind-specific part of a non-order event's payload."""
    body = _obj(payload, "payload")
    if kind == "return.requested":
        parse_return(body, tz)
    for name in ("reason", "warehouse"):
        if body.get(name) is not None and not isinstance(body[name], str):
            raise field_error(f"payload.{name}", "type", expected="string", expected_zh="文本")
    if kind.startswith("custom.") and body.get("data") is not None and not isinstance(body["data"], dict):
        raise field_error("payload.data", "type", expected="object", expected_zh="对象")
    return body
