"""Demo data for the embedded default: ``orderloom demo`` (idempotent) and the trickle of sample orders.

:func:`seed` puts in what a newcomer needs to see orders flow: the channels, five warehouses
(hz, sh, bj, gz, cd) with regions, capacity, load and cold chain; a few hundred SKUs in stock;
customers of every tier; carriers with rate tables; weather alert levels per region and a
promotion feed; the connections ``compliance``, ``notify_sms`` and ``returns`` pointing at the
designer's own demo receiver (``/api/demo-receiver``), marked as demo; and the template flows
published (the CE sub-flow first), each with its priority within its stage.

Running it again changes nothing that is already there: rows are only added when missing (stock
that orders have since reserved is left alone), demo connections are re-pointed only while an
admin has not taken them over, and a template is published again only if its file changed.

:class:`Trickle` sends sample orders (``order.paid`` events from source ``demo``) through the
runtime at a steady pace, a bounded number of them, on a daemon thread that stops with the server.
"""

from __future__ import annotations

import logging
import random
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from dsl.validation import validate_source
from runtime.store.customers import fingerprint
from runtime.store.db import Database
from runtime.store.models import (
    Carrier,
    CarrierRate,
    Channel,
    Connection,
    ContextFeed,
    Customer,
    Flow,
    Stock,
    Warehouse,
)
from runtime.store.types import utcnow
from runtime.store.versions import InvalidDocument, publish_document

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES_DIR = ROOT / "templates"
DEMO_ACTOR = "demo"
DEMO_SOURCE = "demo"
DEFAULT_RECEIVER = "http://127.0.0.1:8000/api/demo-receiver"
DEFAULT_PRIORITY = 100
DEMO_SECRET = "orderloom-demo-secret-not-for-production"

CHANNELS = [("tmall", "天猫"), ("douyin", "抖音"), ("pdd", "拼多多"), ("miniprogram", "小程序"), ("pos", "门店")]

#: code, name, region, capacity per day, load, cold chain
WAREHOUSES = [
    ("hz", "杭州仓", "east", 5000, "0.35", True),
    ("sh", "上海仓", "east", 4000, "0.62", False),
    ("bj", "北京仓", "north", 3500, "0.48", True),
    ("gz", "广州仓", "south", 4500, "0.55", True),
    ("cd", "成都仓", "west", 2500, "0.30", False),
]
REGIONS = ("east", "north", "south", "west", "central")

#: region of a Chinese province (the five the order model knows)
PROVINCES = {
    "east": [("浙江", "杭州", "西湖区"), ("上海", "上海", "浦东新区"), ("江苏", "南京", "鼓楼区"),
             ("山东", "济南", "历下区"), ("福建", "厦门", "思明区")],
    "north": [("北京", "北京", "朝阳区"), ("天津", "天津", "和平区"), ("河北", "石家庄", "长安区"),
              ("内蒙古", "呼和浩特", "新城区")],
    "south": [("广东", "广州", "天河区"), ("广东", "深圳", "南山区"), ("广西", "南宁", "青秀区"),
              ("海南", "海口", "龙华区")],
    "west": [("四川", "成都", "武侯区"), ("重庆", "重庆", "渝中区"), ("新疆", "乌鲁木齐", "天山区"),
             ("西藏", "拉萨", "城关区"), ("甘肃", "兰州", "城关区"), ("青海", "西宁", "城中区"),
             ("宁夏", "银川", "兴庆区")],
    "central": [("湖北", "武汉", "武昌区"), ("湖南", "长沙", "岳麓区"), ("河南", "郑州", "金水区")],
}

#: prefix, category name, count, price range (yuan), weight range (kg), cold chain, medical class
CATEGORIES = [
    ("TEA", "茶叶", 40, (38, 680), (0.1, 1.0), False, None),
    ("CUP", "茶具", 30, (25, 420), (0.3, 2.5), False, None),
    ("SNK", "零食", 40, (9, 120), (0.1, 1.5), False, None),
    ("APP", "服饰", 45, (59, 899), (0.2, 1.2), False, None),
    ("SHO", "鞋靴", 25, (129, 1299), (0.6, 1.8), False, None),
    ("BEA", "美妆", 35, (49, 1580), (0.05, 0.6), False, None),
    ("FRZ", "冷链生鲜", 30, (39, 598), (0.5, 5.0), True, None),
    ("MED", "医疗器械", 25, (99, 3999), (0.2, 3.0), False, "IIa"),
    ("ELE", "数码家电", 30, (299, 8999), (0.5, 12.0), False, None),
]
GIFT_SKU = "GIFT-VIP-01"

#: tier, how many, share of new customers
TIERS = [("VIP", 8, 0.0), ("GOLD", 10, 0.1), ("SILVER", 12, 0.2), ("NORMAL", 20, 0.5)]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "霞", "平", "刚"]

#: carrier code, name, cold chain, cost factor, speed factor
CARRIERS = [
    ("sf", "顺丰速运", True, Decimal("1.6"), Decimal("0.7")),
    ("jd", "京东物流", True, Decimal("1.4"), Decimal("0.8")),
    ("zto", "中通快递", False, Decimal("1.0"), Decimal("1.1")),
    ("yto", "圆通速递", False, Decimal("0.95"), Decimal("1.2")),
    ("ems", "中国邮政 EMS", False, Decimal("1.2"), Decimal("1.3")),
]
#: base hours between regions (symmetric)
DISTANCE_HOURS = {
    ("east", "east"): 18, ("east", "north"): 36, ("east", "south"): 36, ("east", "west"): 60, ("east", "central"): 30,
    ("north", "north"): 18, ("north", "south"): 60, ("north", "west"): 54, ("north", "central"): 36,
    ("south", "south"): 18, ("south", "west"): 48, ("south", "central"): 30,
    ("west", "west"): 24, ("west", "central"): 36, ("central", "central"): 18,
}

WEATHER = {"east": (0, "无预警"), "north": (1, "大风蓝色预警"), "south": (3, "台风橙色预警"), "west": (0, "无预警"),
           "central": (2, "暴雨黄色预警")}
PROMOTION = {"active": False, "name": "618 年中大促"}

#: connection name → path under the demo receiver
CONNECTIONS = {"compliance": "/compliance", "notify_sms": "/notify-sms", "returns": "/returns"}

#: flow key → priority within its stage (lower runs first)
PRIORITIES = {"brushing-risk": 10, "cross-border-compliance": 20, "remote-freight": 30, "vip-gift": 40,
              "high-value-approval": 10, "multi-factor-routing": 10, "weather-carrier": 20,
              "channel-returns": 10, "ce-certificate-check": 10}


@dataclass(frozen=True)
class Sku:
    """A product of the demo catalogue: what an order line says about it."""

    sku: str
    name: str
    price: Decimal
    weight_kg: Decimal
    cold_chain: bool
    medical_class: str | None


@dataclass
class SeedReport:
    """What :func:`seed` added (all zero on a second run) and the flows it published."""

    added: dict[str, int] = field(default_factory=dict)
    published: list[tuple[str, int, bool]] = field(default_factory=list)

    def count(self, what: str, n: int = 1) -> None:
        self.added[what] = self.added.get(what, 0) + n

    def lines(self) -> list[str]:
        added = ", ".join(f"{what} +{n}" for what, n in self.added.items() if n) or "nothing new"
        flows = ", ".join(f"{key} v{number}{'' if created else ' (unchanged)'}" for key, number, created
                          in self.published)
        return [f"demo data: {added}", f"flows: {flows}"]


def catalogue() -> list[Sku]:
    """The demo's products: a few hundred SKUs over nine categories, the same on every run."""
    rng = random.Random(20260302)
    out = []
    for prefix, label, count, (low, high), (wlow, whigh), cold, medical in CATEGORIES:
        for i in range(1, count + 1):
            price = Decimal(rng.randint(low, high)) - Decimal("0.10") if rng.random() < 0.5 else Decimal(
                rng.randint(low, high))
            weight = Decimal(str(round(rng.uniform(wlow, whigh), 2)))
            out.append(Sku(f"{prefix}-{i:03d}", f"{label} {i:03d}", price.quantize(Decimal("0.01")), weight, cold,
                           medical if medical and i % 3 != 0 else ("I" if medical else None)))
    out.append(Sku(GIFT_SKU, "VIP 专属礼盒", Decimal("0.00"), Decimal("0.30"), False, None))
    return out


def seed(db: Database, *, receiver_url: str = DEFAULT_RECEIVER, templates_dir: Path = TEMPLATES_DIR,
         now: datetime | None = None) -> SeedReport:
    """Put the demo data into ``db`` (already migrated); idempotent. Returns what was added."""
    when = now or utcnow()
    report = SeedReport()
    with db.transaction() as session:
        _channels(session, report)
        _warehouses(session, report)
        session.flush()
        _stock(session, report, when)
        _customers(session, report, when)
        _carriers(session, report)
        _feeds(session, report, when)
        _connections(session, report, receiver_url, when)
    report.published = publish_templates(db, templates_dir=templates_dir, now=when)
    return report


def _channels(session, report: SeedReport) -> None:
    for code, name in CHANNELS:
        if session.get(Channel, code) is None:
            session.add(Channel(code=code, name=name, active=True))
            report.count("channels")


def _warehouses(session, report: SeedReport) -> None:
    for code, name, region, capacity, load, cold in WAREHOUSES:
        if session.get(Warehouse, code) is None:
            session.add(Warehouse(code=code, name=name, region=region, status="open", capacity_per_day=capacity,
                                  load=Decimal(load), cold_chain=cold))
            report.count("warehouses")


def _stock(session, report: SeedReport, when: datetime) -> None:
    """Each SKU in 2-5 warehouses (cold-chain SKUs only where there is cold chain), the gift everywhere."""
    rng = random.Random(7)
    have = {tuple(row) for row in session.execute(select(Stock.sku, Stock.warehouse_code))}
    codes = [w[0] for w in WAREHOUSES]
    cold = [w[0] for w in WAREHOUSES if w[5]]
    rows = []
    for item in catalogue():
        if item.sku == GIFT_SKU:
            placed = {code: 500 for code in codes}
        else:
            pool = cold if item.cold_chain else codes
            chosen = rng.sample(pool, rng.randint(min(2, len(pool)), len(pool)))
            placed = {code: rng.choice([20, 40, 60, 80, 120, 200, 400]) for code in chosen}
        for code, qty in placed.items():
            if (item.sku, code) not in have:
                rows.append(Stock(sku=item.sku, warehouse_code=code, available=qty, reserved=0, updated_at=when))
    session.add_all(rows)
    report.count("stock rows", len(rows))


def demo_customers() -> list[dict[str, Any]]:
    """The demo's customers: every tier, some new, each with a phone and a home address."""
    rng = random.Random(11)
    out = []
    n = 0
    for tier, count, new_share in TIERS:
        for _ in range(count):
            n += 1
            region = REGIONS[n % len(REGIONS)]
            province, city, district = PROVINCES[region][n % len(PROVINCES[region])]
            name = rng.choice(SURNAMES) + "".join(rng.sample(GIVEN, rng.randint(1, 2)))
            street = rng.choice(["人民路", "解放路", "中山路", "建设路"])
            address = f"{province}{city}{district}{street} {rng.randint(1, 300)} 号"
            out.append({"ref": f"demo-c-{n:03d}", "name": name, "tier": tier, "new": rng.random() < new_share,
                        "phone": f"1{rng.choice('35789')}{rng.randint(0, 9)}{n:04d}{rng.randint(1000, 9999)}",
                        "region": region, "province": province, "city": city, "district": district,
                        "address": address})
    return out


def _customers(session, report: SeedReport, when: datetime) -> None:
    have = set(session.execute(select(Customer.external_ref).where(Customer.external_ref.like("demo-c-%"))).scalars())
    for c in demo_customers():
        if c["ref"] in have:
            continue
        session.add(Customer(external_ref=c["ref"], name=c["name"], phone=c["phone"], address=c["address"],
                             tier=c["tier"], is_new=c["new"], fingerprint=fingerprint(c["phone"], c["address"]),
                             created_at=when))
        report.count("customers")


def _carriers(session, report: SeedReport) -> None:
    have_rates = {tuple(row) for row in session.execute(
        select(CarrierRate.carrier_code, CarrierRate.origin_region, CarrierRate.dest_region))}
    for code, name, cold, cost, speed in CARRIERS:
        if session.get(Carrier, code) is None:
            session.add(Carrier(code=code, name=name, cold_chain=cold, active=True))
            session.flush()
            report.count("carriers")
        for origin in REGIONS:
            for dest in REGIONS:
                if (code, origin, dest) in have_rates:
                    continue
                hours = DISTANCE_HOURS.get((origin, dest)) or DISTANCE_HOURS[(dest, origin)]
                session.add(CarrierRate(
                    carrier_code=code, origin_region=origin, dest_region=dest,
                    cost_per_unit=(Decimal(6 + hours // 6) * cost).quantize(Decimal("0.01")),
                    cost_per_kg=(Decimal("1.5") * cost).quantize(Decimal("0.01")),
                    eta_hours=(Decimal(hours) * speed).quantize(Decimal("0.1"))))
                report.count("carrier rates")


def _feeds(session, report: SeedReport, when: datetime) -> None:
    values = {("weather", region): {"level": level, "label": label} for region, (level, label) in WEATHER.items()}
    values[("promotion", "*")] = PROMOTION
    for (key, region), value in values.items():
        if session.get(ContextFeed, (key, region)) is None:
            session.add(ContextFeed(key=key, region=region, value=value, source=DEMO_ACTOR, updated_at=when))
            report.count("context feed values")


def _connections(session, report: SeedReport, receiver_url: str, when: datetime) -> None:
    for name, path in CONNECTIONS.items():
        url = receiver_url.rstrip("/") + path
        row = session.execute(select(Connection).where(Connection.name == name)).scalar_one_or_none()
        if row is None:
            session.add(Connection(name=name, base_url=url, secret=DEMO_SECRET, timeout_ms=3000, created_at=when,
                                   updated_at=when, updated_by=DEMO_ACTOR))
            report.count("connections")
        elif row.updated_by == DEMO_ACTOR and row.base_url != url:  # still ours: follow the server's address
            row.base_url, row.updated_at = url, when


#: the demo's people: username → (role, groups, display name); all share ORDERLOOM_DEMO_PASSWORD
DEMO_USERS: dict[str, tuple[str, tuple[str, ...], str]] = {
    "editor": ("editor", (), "运营 李敏"),
    "reviewer": ("reviewer", (), "IT 审核 王工"),
    "operator": ("operator", ("finance", "risk", "after-sales"), "值班运营 陈静"),
    "manager": ("operator", ("finance-manager",), "财务经理 吴强"),
    "admin": ("admin", (), "管理员"),
}
DEMO_GROUPS = ("finance", "finance-manager", "risk", "after-sales")


def seed_users(db: Database, password: str) -> list[str]:
    """The demo users (``orderloom demo`` only, never a production start); the names of those added.

    Kept apart from :func:`seed` so tests seeding master data do not pay for password hashing.
    """
    from runtime.store import users
    from runtime.store.audit import record

    added = []
    with db.transaction() as session:
        users.ensure_groups(session, DEMO_GROUPS)
        for username, (role, groups, display_name) in DEMO_USERS.items():
            if users.find_user(session, username) is None:
                users.create_user(session, username, role, password=password, groups=groups,
                                  display_name=display_name)
                record(session, actor=DEMO_ACTOR, action="user.create", target_type="user", target_id=username,
                       details={"role": role, "groups": list(groups), "via": "demo"})
                added.append(username)
    return added


def template_files(templates_dir: Path = TEMPLATES_DIR) -> list[Path]:
    """The template flows in publishing order: sub-flows first (callers check them), then by name."""
    files = sorted(templates_dir.glob("*.flow"))
    kinds = {}
    for path in files:
        doc = validate_source(path.read_bytes(), syntax="dsl", filename=str(path)).document or {}
        kinds[path] = doc.get("kind")
    return sorted(files, key=lambda p: (kinds[p] != "subflow", p.name))


def publish_templates(db: Database, *, templates_dir: Path = TEMPLATES_DIR,
                      now: datetime | None = None) -> list[tuple[str, int, bool]]:
    """Publish every template (unchanged ones stay as they are) and set the stage priorities.

    Returns (flow key, active version number, whether a new version was created) per template.
    """
    out = []
    for path in template_files(templates_dir):
        result = validate_source(path.read_bytes(), syntax="dsl", filename=str(path))
        if result.document is None:
            raise InvalidDocument(result.problems)
        with db.transaction() as session:
            record = publish_document(session, result.document, user=DEMO_ACTOR, now=now)
            flow = session.get(Flow, record.flow_id)
            priority = PRIORITIES.get(record.flow_key)
            if priority is not None and flow.priority == DEFAULT_PRIORITY:  # never set by anyone
                flow.priority = priority
        out.append((record.flow_key, record.number, record.created))
    return out


# ---- sample orders ----

class OrderFactory:
    """Sample ``order.paid`` payloads: every channel, tier and region; now and then a high-value,
    remote, cross-border (DE with a IIa device), cold-chain or brushing-like order."""

    def __init__(self, seed_value: int | None = None, *, timezone: str = "Asia/Shanghai") -> None:
        self.rng = random.Random(seed_value)
        self.tz = ZoneInfo(timezone)
        self.skus = [s for s in catalogue() if s.sku != GIFT_SKU]
        self.by_prefix: dict[str, list[Sku]] = {}
        for s in self.skus:
            self.by_prefix.setdefault(s.sku.split("-")[0], []).append(s)
        self.customers = demo_customers()

    def payload(self, number: str | None = None, now: datetime | None = None) -> dict[str, Any]:
        rng = self.rng
        at = (now or utcnow()).astimezone(self.tz)
        customer = rng.choice(self.customers)
        kind = rng.choices(["plain", "high", "remote", "cross", "cold", "brush"], [60, 12, 8, 4, 10, 6])[0]
        lines = self._lines(kind)
        total = sum((line["price"] * line["qty"] for line in lines), Decimal("0")).quantize(Decimal("0.01"))
        region, (province, city, district) = customer["region"], (customer["province"], customer["city"],
                                                                  customer["district"])
        country, detail = "CN", customer["address"]
        if kind == "remote":
            region = "west"
            province, city, district = rng.choice(PROVINCES["west"][2:])
            detail = f"{province}{city}{district}团结路 {rng.randint(1, 99)} 号"
        elif kind == "cross":
            country, province, city, district, region = "DE", "Berlin", "Berlin", "Mitte", "east"
            detail = f"Friedrichstraße {rng.randint(1, 200)}"
        elif kind == "brush":
            detail = f"{province}{city}{district}临时仓 {rng.randint(1, 999)} 号"
        channel = rng.choice([c[0] for c in CHANNELS])
        coupon = kind == "brush" or rng.random() < 0.25
        return {
            "channel": channel,
            "channel_order_no": number or f"DEMO-{at:%Y%m%d}-{uuid.uuid4().hex[:10].upper()}",
            "total": str(total), "currency": "CNY",
            "created_at": (at - timedelta(minutes=rng.randint(1, 30))).isoformat(),
            "paid_at": at.isoformat(),
            "customer": {"external_ref": customer["ref"], "name": customer["name"], "tier": customer["tier"],
                         "new": customer["new"], "phone": customer["phone"], "address": customer["address"]},
            "recipient": customer["name"],
            "address": {"country": country, "province": province, "city": city, "district": district,
                        "region": region, "detail": detail, "phone": customer["phone"]},
            "lines": [{**line, "price": str(line["price"]), "weight_kg": str(line["weight_kg"])} for line in lines],
            "payment": {"method": rng.choice(["alipay", "wechat", "card"]), "amount": str(total),
                        "paid_at": at.isoformat()},
            "coupon_used": coupon, "coupon_codes": [f"CP{rng.randint(1000, 9999)}"] if coupon else [],
            "accepts_split": rng.random() < 0.7, "receipt": channel == "pos",
        }

    def _lines(self, kind: str) -> list[dict[str, Any]]:
        rng = self.rng
        if kind == "high":
            picks = [rng.choice(self.by_prefix["ELE"])] + rng.sample(self.skus, rng.randint(0, 2))
        elif kind == "cross":
            picks = [rng.choice([s for s in self.by_prefix["MED"] if s.medical_class == "IIa"][:6])]
        elif kind == "cold":
            picks = rng.sample(self.by_prefix["FRZ"], rng.randint(1, 2))
        else:
            plain = [s for s in self.skus if not s.cold_chain and s.sku.split("-")[0] not in ("ELE", "MED")]
            picks = rng.sample(plain, rng.randint(1, 3))
        lines, seen = [], set()
        for s in picks:
            if s.sku in seen:
                continue
            seen.add(s.sku)
            qty = rng.randint(2, 3) if kind == "high" and s.sku.startswith("ELE") else rng.randint(1, 3)
            lines.append({"sku": s.sku, "name": s.name, "qty": qty, "price": s.price, "weight_kg": s.weight_kg,
                          "medical_class": s.medical_class, "cold_chain": s.cold_chain, "gift": False})
        return lines


class Trickle:
    """Send ``count`` sample orders through ``ingest`` every ``interval`` seconds on a daemon thread.

    ``ingest(source, event_id, kind, payload)`` is ``Runtime.ingest``. :meth:`stop` (or the process
    ending) stops it; errors are logged and the trickle goes on.
    """

    def __init__(self, ingest: Callable[[str, str, str, dict[str, Any]], Any], *, count: int = 200,
                 interval: float = 3.0, seed_value: int | None = None, timezone: str = "Asia/Shanghai",
                 clock: Callable[[], datetime] | None = None) -> None:
        self.ingest = ingest
        self.count = max(0, count)
        self.interval = max(0.0, interval)
        self.factory = OrderFactory(seed_value, timezone=timezone)
        self.clock = clock or utcnow
        self.sent = 0
        self.failed = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._run_id = uuid.uuid4().hex[:8]

    def start(self) -> Trickle:
        self._thread = threading.Thread(target=self.run, name="orderloom-demo-trickle", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run(self) -> None:
        """Send the orders in this thread (what :meth:`start` runs on its own)."""
        for n in range(self.count):
            if self._stop.is_set():
                return
            self.send_one(n)
            if n + 1 < self.count and self._stop.wait(self.interval):
                return

    def send_one(self, n: int) -> Any:
        payload = self.factory.payload(now=self.clock())
        event_id = f"trickle-{self._run_id}-{n:05d}"
        try:
            answer = self.ingest(DEMO_SOURCE, event_id, "order.paid", payload)
        except Exception:  # noqa: BLE001 - a demo keeps going; the log says what broke
            self.failed += 1
            log.exception("demo order %s failed", event_id)
            return None
        self.sent += 1
        return answer


def stock_summary(db: Database) -> dict[str, int]:
    """Rows, SKUs and available units in stock (the demo's own check)."""
    with db.read() as session:
        rows, skus, units = session.execute(select(func.count(), func.count(func.distinct(Stock.sku)),
                                                   func.coalesce(func.sum(Stock.available), 0))).one()
    return {"rows": int(rows), "skus": int(skus), "available": int(units)}
