"""Small builders of master data, orders and instances for the store tests."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from runtime.store.db import Database
from runtime.store.models import Channel, Instance, Order, OrderLine, Stock, Warehouse
from runtime.store.versions import publish_document

T0 = datetime(2026, 11, 11, 2, 0, tzinfo=timezone.utc)


def seed_master(session: Session) -> None:
    """Channel ``tmall`` and warehouses ``hz`` (east) and ``bj`` (north)."""
    session.add(Channel(code="tmall", name="天猫"))
    session.add_all([
        Warehouse(code="hz", name="杭州仓", region="east", capacity_per_day=5000, load=Decimal("0.4")),
        Warehouse(code="bj", name="北京仓", region="north", capacity_per_day=3000, cold_chain=True),
    ])
    session.flush()


def make_order(session: Session, number: int | str, **fields: Any) -> Order:
    """A paid-looking order of one line of SKU-1 on tmall; ``fields`` override columns."""
    values: dict[str, Any] = {"channel_code": "tmall", "channel_order_no": f"TM{number}",
                              "total": Decimal("199.00"), "province": "浙江", "city": "杭州", "region": "east",
                              "created_at": T0}
    values.update(fields)
    order = Order(**values)
    order.lines.append(OrderLine(line_no=1, sku="SKU-1", name="保温杯", qty=1, price=values["total"]))
    session.add(order)
    session.flush()
    return order


def seed_hot_sku(db: Database, orders: int, available: int, sku: str = "SKU-HOT") -> list[int]:
    """Master data, ``orders`` orders and ``available`` units of ``sku`` in ``hz``; returns the order ids."""
    with db.transaction() as session:
        seed_master(session)
        session.add(Stock(sku=sku, warehouse_code="hz", available=available, reserved=0))
        return [make_order(session, n).id for n in range(orders)]


def make_instance(session: Session, flow_document: dict[str, Any], order_id: int) -> int:
    """A running instance of the published ``flow_document`` for the order; returns its id."""
    version = publish_document(session, flow_document, user="test")
    instance = Instance(flow_version_id=version.id, order_id=order_id, stage=version.kind, status="waiting")
    session.add(instance)
    session.flush()
    return instance.id
