"""A recorded world for the impact preview tests: master data, the S1 approval and S5 routing templates
published, and N varied paid orders run through the real pipeline (every finance approval approved, so every
order reaches routing). Built once per test session into a template file that each test copies.

Why the routing winners vary: with the test master data hz wins every order it can ship (cheap, idle), except
VIP orders to the east (gz is faster); hz does not stock ``GIFT-VIP-01`` or ``COLD-01``, so orders with those
go elsewhere.
"""

from __future__ import annotations

import copy
import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from dsl.document import behaviour_hash, content_hash
from dsl.text import print_flow
from runtime.service import Runtime
from runtime.store.db import Database
from runtime.store.models import Flow, FlowVersion, Instance, Order, Step
from tests.runtime.service.support import SKUS, T0, Clock, order, publish, seed, template

REGIONS = {"east": ("浙江", "杭州", "西湖区"), "north": ("北京", "北京", "朝阳区"), "south": ("广东", "广州", "天河区"),
           "west": ("四川", "成都", "武侯区"), "central": ("湖北", "武汉", "武昌区")}
CHANNELS = ("tmall", "douyin", "pdd", "miniprogram")
PRODUCTS = ("TEA-01", "CUP-02", "GIFT-VIP-01", "COLD-01")
STOCK = {"hz": {"TEA-01": 100_000, "CUP-02": 100_000},
         "gz": dict.fromkeys(SKUS, 100_000), "bj": dict.fromkeys(SKUS, 100_000), "cd": dict.fromkeys(SKUS, 100_000)}


class Collect:
    """An executor that only collects submitted order ids (the world processes them in batches)."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def submit(self, order_ids: list[int]) -> None:
        self.ids.extend(order_ids)


def payload(rng: random.Random, n: int) -> dict[str, Any]:
    region = rng.choice(list(REGIONS))
    province, city, district = REGIONS[region]
    lines = [{"sku": sku, "name": sku, "qty": rng.randint(1, 3), "price": "10.00", "weight_kg": 0.5}
             for sku in rng.sample(PRODUCTS, rng.randint(1, 2))]
    total = Decimal(rng.choice([rng.randint(100, 3000), rng.randint(3001, 5000), rng.randint(5001, 9000)]))
    tier = "VIP" if rng.random() < 0.2 else "NORMAL"
    return order(f"PV{n:05d}", channel=rng.choice(CHANNELS), total=f"{total}.00", lines=lines,
                 created_at=(T0 + timedelta(minutes=n)).isoformat(),
                 customer={"id": f"C-{n % 97}", "name": "客户", "phone": f"1380000{n % 97:04d}", "tier": tier},
                 address={"province": province, "city": city, "district": district, "region": region,
                          "detail": "路 1 号", "phone": f"1380000{n % 97:04d}", "recipient": "客户"},
                 payment={"method": "alipay", "amount": f"{total}.00"})


def build(db: Database, orders: int, *, seed_value: int = 11) -> None:
    """Seed, publish S1 and S5, run ``orders`` paid orders, approve every finance task."""
    seed(db, closed=("cd",), stock=STOCK)
    publish(db, "s1-high-value-approval", "s5-multi-factor-routing")
    collect = Collect()
    rt = Runtime(db, clock=Clock(T0 + timedelta(days=1)), executor=collect)
    rng = random.Random(seed_value)
    for n in range(orders):
        rt.ingest("tmall", f"pv-{n}", "order.paid", payload(rng, n))
    for start in range(0, len(collect.ids), 32):
        rt.process_orders(collect.ids[start:start + 32])
    for task in rt.list_tasks(status="active"):
        rt.decide_task(task["id"], "approved", {}, "finance-1")


def add_version(db: Database, flow_key: str, document: dict[str, Any], state: str = "draft") -> int:
    """A new version of ``flow_key`` holding ``document`` (the versions API's job; tests write the row);
    returns its number."""
    with db.transaction() as session:
        flow = session.execute(select(Flow).where(Flow.key == flow_key)).scalar_one()
        number = session.execute(select(func.max(FlowVersion.number)).where(FlowVersion.flow_id == flow.id)
                                 ).scalar_one() + 1
        session.add(FlowVersion(flow_id=flow.id, number=number, state=state, document=document,
                                dsl=print_flow(document), content_hash=content_hash(document),
                                behaviour_hash=behaviour_hash(document), created_by="editor-1"))
    return number


def routing_without(warehouse: str) -> dict[str, Any]:
    """The S5 routing template with a route filter that excludes ``warehouse``."""
    document = copy.deepcopy(template("s5-multi-factor-routing"))
    route = next(n for n in document["nodes"] if n["type"] == "route")
    route["config"]["filters"] = [{"name": f"not_{warehouse}", "keep_when": f'candidate.id != "{warehouse}"'}]
    return document


def approval_over(threshold: int) -> dict[str, Any]:
    """The S1 template with its trigger threshold changed."""
    document = copy.deepcopy(template("s1-high-value-approval"))
    document["trigger"]["when"] = f"order.total > {threshold}"
    return document


def recorded_winners(db: Database, flow_key: str = "multi-factor-routing") -> dict[int, str]:
    """order id → the warehouse its recorded (latest) route step chose, read from the stored steps."""
    with db.read() as session:
        rows = session.execute(
            select(Step.order_id, Step.explanation).join(Instance, Instance.id == Step.instance_id)
            .join(FlowVersion, FlowVersion.id == Instance.flow_version_id).join(Flow, Flow.id == FlowVersion.flow_id)
            .where(Flow.key == flow_key, Step.node_type == "route").order_by(Step.id)).all()
    return {order_id: explanation.get("winner") for order_id, explanation in rows}


def recorded_winners_of(app: Any, flow_key: str = "multi-factor-routing") -> set[str]:
    """The warehouses the recorded route steps of a designer app's database chose."""
    from designer.extensions import db as app_db

    with app.app_context():
        return {w for w in recorded_winners(app_db.database, flow_key).values() if w}


def totals(db: Database) -> dict[int, Decimal]:
    with db.read() as session:
        return dict(session.execute(select(Order.id, Order.total)).all())
