"""Bulk inserts (``runtime.store.bulk.insert_rows``) store exactly what the ORM stores, on each database."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select, text
from store_seed import T0, make_order, seed_master

from runtime.store.bulk import insert_rows
from runtime.store.models import Instance, Step
from runtime.store.versions import publish_document

CHINA = timezone(timedelta(hours=8))


def _rows(order_id: int, version_id: int, first_id: int) -> list[dict]:
    at = datetime(2026, 11, 11, 10, 0, 0, 123456, tzinfo=CHINA)
    return [{"id": first_id + i, "flow_version_id": version_id, "order_id": order_id, "stage": "intake",
             "status": "not_applicable", "parent_instance_id": None, "parent_node_id": None,
             "state": {"vars": {"total": "12.50", "tags": ["甲", "b"]}, "n": i, "none": None},
             "input_snapshot": {"order": {"id": str(order_id)}}, "outcome": "not_applicable",
             "error": None, "row_version": 1, "lease_owner": None, "lease_expires_at": None, "heartbeat_at": None,
             "created_at": at, "updated_at": at, "ended_at": at + timedelta(seconds=i)} for i in range(3)]


def test_bulk_rows_read_back_like_orm_rows(db, sample_flow):
    with db.transaction() as session:
        seed_master(session)
        order = make_order(session, 1)
        version = publish_document(session, sample_flow, user="test", now=T0)
        order_id, version_id = order.id, version.id
    with db.transaction() as session:
        insert_rows(session, Instance.__table__, _rows(order_id, version_id, 100))
        for row in _rows(order_id, version_id, 200):
            session.add(Instance(**row))
    with db.read() as session:
        bulk = {i.id - 100: i for i in session.execute(select(Instance).where(Instance.id < 200)).scalars()}
        orm = {i.id - 200: i for i in session.execute(select(Instance).where(Instance.id >= 200)).scalars()}
        assert sorted(bulk) == sorted(orm) == [0, 1, 2]
        for n in range(3):
            a, b = bulk[n], orm[n]
            for column in Instance.__table__.columns.keys():
                if column != "id":
                    assert getattr(a, column) == getattr(b, column), column
        assert bulk[2].ended_at == datetime(2026, 11, 11, 2, 0, 2, 123456, tzinfo=timezone.utc)
        assert bulk[1].error is None and bulk[1].state["vars"]["tags"] == ["甲", "b"]
        # the same text in the column, not just the same value read back
        stored = session.execute(text("SELECT state, created_at FROM instances WHERE id IN (101, 201) ORDER BY id"))
        first, second = stored.all()
        assert first == second


def test_bulk_rows_join_the_session_transaction(db, sample_flow):
    with db.transaction() as session:
        seed_master(session)
        order = make_order(session, 2)
        version = publish_document(session, sample_flow, user="test", now=T0)
        order_id, version_id = order.id, version.id
    try:
        with db.transaction() as session:
            insert_rows(session, Instance.__table__, _rows(order_id, version_id, 300))
            insert_rows(session, Step.__table__, [
                {"instance_id": 300, "order_id": order_id, "seq": 1, "node_id": "trigger", "node_type": "trigger",
                 "port": "not_applicable", "started_at": T0, "ended_at": T0, "actor": None,
                 "explanation": {"result": False, "amount": str(Decimal("1.10"))}}])
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    with db.read() as session:
        assert session.execute(select(Instance.id).where(Instance.id >= 300)).all() == []
        assert session.execute(select(Step.id)).all() == []
