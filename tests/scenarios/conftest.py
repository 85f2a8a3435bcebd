"""The scenarios end to end over HTTP: a fresh migrated SQLite database per test, the templates published with
``orderloom publish``, small master data put in through the API, and a clock the test moves.

Everything a scenario checks it reads back over HTTP (``GET /api/orders/<id>``, ``…/timeline``,
``/api/tasks``); only what has no endpoint by design is done on the runtime directly: the in-process
timer poller (``fire_due_timers``) and the compliance service's answer (``service_responded``, what the
outbox deliverer calls).
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from designer import create_app
from designer.cli import main
from designer.extensions import db, runtime
from runtime.config import Settings
from runtime.store.models import Warehouse
from tests.auth_support import OPERATOR_GROUPS, client_as

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(str(p) for p in (ROOT / "templates").glob("*.flow"))
SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2026, 3, 2, 10, 0, tzinfo=SHANGHAI)

#: code, region, load, cold chain — regions chosen so that S5's factors differ per warehouse
WAREHOUSES = [("hz", "east", "0.2", True), ("sh", "east", "0.6", False), ("bj", "north", "0.5", True),
              ("gz", "south", "0.1", True)]
SKUS = ["TEA-01", "CUP-02", "BIG-TV", "MED-IIA", "GIFT-VIP-01"]
#: carrier → (cold chain, {(origin, destination): (cost per unit, eta hours)}); orders go to "central"
CARRIERS = {
    "zto": (False, {("east", "central"): ("10", "48"), ("north", "central"): ("20", "12"),
                    ("south", "central"): ("5", "6"), ("east", "west"): ("9", "40"), ("east", "east"): ("6", "20")}),
    "sf": (True, {("east", "central"): ("12", "20")}),
    "jd": (False, {("east", "central"): ("14", "30")}),
}


class Clock:
    """The runtime's clock: ``now`` until the test moves it."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


#: who acts in the scenarios: username → (role, groups). The default client is the operator on duty (every
#: approval group: it ingests the channel's orders and reads timelines); deciding a task is done by a person
#: of the task's group, e.g. ``world.post(..., user="fin-zhang")``.
PEOPLE: dict[str, tuple[str, tuple[str, ...]]] = {
    "ops-duty": ("operator", OPERATOR_GROUPS),
    "admin": ("admin", ()),
    "fin-zhang": ("operator", ("finance",)),
    "fin-manager-wu": ("operator", ("finance-manager",)),
    "risk-li": ("operator", ("risk",)),
    "cs-zhou": ("operator", ("after-sales",)),
    "ops-chen": ("operator", ()),
}


class World:
    """The app, its clients (one per person) and clock, and helpers that speak HTTP like a channel or an
    operator would."""

    def __init__(self, app, clock: Clock) -> None:
        self.app = app
        self.clients: dict[str, Any] = {}
        self.client = self.as_user("ops-duty")
        self.clock = clock
        self._ids = itertools.count(1)

    def as_user(self, username: str):
        """The test client of one of :data:`PEOPLE` (signed in with an API token of theirs)."""
        if username not in self.clients:
            role, groups = PEOPLE[username]
            self.clients[username] = client_as(self.app, role, username=username, groups=groups)
        return self.clients[username]

    # ---- HTTP ----
    def post(self, url: str, body: dict[str, Any] | None = None, status: int | tuple[int, ...] = (200, 202),
             *, user: str = "ops-duty", **kwargs: Any) -> dict[str, Any]:
        response = self.as_user(user).post(url, json=body if body is not None else {}, **kwargs)
        expected = status if isinstance(status, tuple) else (status,)
        assert response.status_code in expected, f"{url}: {response.status_code} {response.get_data(as_text=True)}"
        return response.get_json()

    def put(self, url: str, body: dict[str, Any], *, user: str = "ops-duty") -> dict[str, Any]:
        response = self.as_user(user).put(url, json=body)
        assert response.status_code == 200, f"{url}: {response.get_data(as_text=True)}"
        return response.get_json()

    def get(self, url: str) -> Any:
        response = self.client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code} {response.get_data(as_text=True)}"
        return response.get_json()

    def ingest(self, kind: str, payload: dict[str, Any], *, source: str = "test", event_id: str | None = None,
               status: int | tuple[int, ...] = (200, 202)) -> dict[str, Any]:
        body = {"source": source, "event_id": event_id or f"evt-{next(self._ids)}", "kind": kind,
                "payload": payload}
        return self.post("/api/orders/events", body, status=status)

    def place(self, **fields: Any) -> int:
        """Ingest an ``order.paid`` for a new order; its id."""
        return self.ingest("order.paid", order_payload(**fields))["order_id"]

    def order(self, order_id: int) -> dict[str, Any]:
        return self.get(f"/api/orders/{order_id}")

    def timeline(self, order_id: int) -> dict[str, Any]:
        return self.get(f"/api/orders/{order_id}/timeline")

    def tasks(self, **query: Any) -> list[dict[str, Any]]:
        qs = "&".join(f"{k}={v}" for k, v in query.items())
        return self.get(f"/api/tasks?{qs}")["tasks"]

    # ---- reading a timeline ----
    def instances(self, order_id: int, flow: str | None = None) -> list[dict[str, Any]]:
        found = [i for stage in self.timeline(order_id)["stages"] for i in stage["instances"]]
        return [i for i in found if flow is None or i["flow"] == flow]

    def instance(self, order_id: int, flow: str) -> dict[str, Any]:
        found = self.instances(order_id, flow)
        assert len(found) == 1, [(i["flow"], i["status"]) for i in self.instances(order_id)]
        return found[0]

    def path(self, order_id: int, flow: str) -> list[tuple[str, str | None]]:
        """(node, port) of every step of the flow's (only) instance."""
        return [(s["node"], s["port"]) for s in self.instance(order_id, flow)["steps"]]

    def step(self, order_id: int, flow: str, node: str) -> dict[str, Any]:
        steps = [s for s in self.instance(order_id, flow)["steps"] if s["node"] == node]
        assert steps, self.path(order_id, flow)
        return steps[-1]

    def stages(self, order_id: int) -> list[str]:
        return [s["key"] for s in self.timeline(order_id)["stages"]]

    # ---- the runtime's own pollers (no HTTP endpoint by design) ----
    @property
    def rt(self):
        with self.app.app_context():
            return runtime.rt

    def fire_due_timers(self) -> int:
        return self.rt.fire_due_timers()


def order_payload(*, no: str | None = None, channel: str = "tmall", total: str | None = None,
                  tier: str = "NORMAL", customer: str = "C-1", lines: list[dict[str, Any]] | None = None,
                  province: str = "湖北", city: str = "武汉", region: str = "central", country: str = "CN",
                  detail: str = "中山路 1 号", coupon: bool = False, accepts_split: bool = True,
                  created_at: datetime | None = None, **extra: Any) -> dict[str, Any]:
    """An ``order.paid`` payload: by default 2 × TEA-01 + 1 × CUP-02 (1,200.00) to Wuhan (central)."""
    lines = lines if lines is not None else [
        {"sku": "TEA-01", "name": "龙井", "qty": 2, "price": "500.00", "weight_kg": "0.5"},
        {"sku": "CUP-02", "name": "茶杯", "qty": 1, "price": "200.00", "weight_kg": "1.2"}]
    if total is None:
        total = str(sum(Decimal(str(line["price"])) * line["qty"] for line in lines))
    when = (created_at or START).isoformat()
    return {"channel": channel, "channel_order_no": no or f"NO-{next(_numbers)}", "total": total,
            "customer": {"id": customer, "name": "李雷", "phone": "13800000000", "tier": tier},
            "address": {"province": province, "city": city, "district": "中心区", "region": region,
                        "country": country, "detail": detail, "phone": "13800000000", "recipient": "李雷"},
            "lines": lines, "coupon_used": coupon, "coupon_codes": ["CP-1"] if coupon else [],
            "accepts_split": accepts_split, "created_at": when, "paid_at": when,
            "payment": {"method": "alipay", "amount": total}, **extra}


_numbers = itertools.count(1001)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def world(tmp_path, clock) -> World:
    """A fresh migrated SQLite database (``ORDERLOOM_DATA_DIR`` is the test's tmp dir), the templates
    published through ``orderloom publish``, the scenarios' master data put in over HTTP."""
    settings = Settings.from_env()
    app = create_app(settings, clock=clock)
    app.testing = True
    published = CliRunner().invoke(main, ["publish", *TEMPLATES])
    assert published.exit_code == 0, published.output
    with app.app_context(), db.database.transaction() as session:
        for code, region, load, cold in WAREHOUSES:
            session.add(Warehouse(code=code, name=f"{code} 仓", region=region, status="open", capacity_per_day=1000,
                                  load=Decimal(load), cold_chain=cold))
    w = World(app, clock)
    for sku in SKUS:
        for code, *_ in WAREHOUSES:
            w.post("/api/stock", {"sku": sku, "warehouse": code, "delta": 50, "reason": "期初库存"})
    for code, (cold, lanes) in CARRIERS.items():
        rates = [{"origin_region": o, "dest_region": d, "cost_per_unit": cost, "eta_hours": eta}
                 for (o, d), (cost, eta) in lanes.items()]
        w.put(f"/api/carriers/{code}", {"name": code.upper(), "cold_chain": cold, "rates": rates}, user="admin")
    yield w
    with app.app_context():
        runtime.shutdown(app)
        db.database.dispose()
