"""Batches: many orders per transaction give the same outcome as one order per transaction; a failing event
or stock that moved under an optimistic batch is handled carefully; group commit of concurrent ingests;
the compact not-applicable record; release caches follow a publish."""

from __future__ import annotations

import shutil
import threading
from typing import Any

import pytest
from sqlalchemy import select

from runtime.service import InputError, Runtime
from runtime.service.batch import Batch
from runtime.service.snapshots import SAME_AS, input_snapshot
from runtime.store.db import Database
from runtime.store.models import InboundEvent, Instance, OutboxEffect, Reservation, Step, VersionChoice
from tests.runtime.service.conftest import ALL_TEMPLATES
from tests.runtime.service.support import Clock, make_runtime, order, publish, seed, template

TIBET = {"province": "西藏", "city": "拉萨", "district": "城关区", "detail": "北京中路 1 号", "phone": "13900000002"}
#: a mix that takes every common path: plain, VIP gift, remote freight + notify, approval task + SLA timer,
#: brushing-risk hold with its task, split shipment
MIX: list[dict[str, Any]] = [
    {}, {"customer": {"id": "C-V", "name": "韩梅梅", "phone": "13800000009", "tier": "VIP"}},
    {"address": TIBET}, {"total": "6000.00"},
    {"lines": [{"sku": "TEA-01", "name": "龙井", "qty": 40, "price": "10", "weight_kg": 0.5},
               {"sku": "CUP-02", "name": "茶杯", "qty": 45, "price": "10", "weight_kg": 1.2}]},
    {"coupon_used": True}, {"total": "99.00", "accepts_split": False},
]


class Collect:
    def __init__(self) -> None:
        self.ids: list[int] = []

    def submit(self, order_ids: list[int]) -> None:
        self.ids.extend(order_ids)


def _world(db) -> None:
    seed(db, closed=("cd",))
    publish(db, *ALL_TEMPLATES)


def _shape(rt: Runtime, order_id: int) -> dict[str, Any]:
    """What an order became, without ids and the order's own number."""
    timeline = rt.timeline(order_id)
    got = rt.get_order(order_id)
    instances = [(s["key"], i["flow"], i["status"], i["outcome"],
                  [(st["node"], st["port"], st["status"], _plain(st["explanation"], order_id)) for st in i["steps"]])
                 for s in timeline["stages"] for i in s["instances"]]
    with rt.db.read() as session:
        outbox = sorted(session.execute(select(OutboxEffect.kind, OutboxEffect.connection_name)
                                        .where(OutboxEffect.order_id == order_id)).all())
        reservations = sorted(session.execute(select(Reservation.warehouse_code, Reservation.sku, Reservation.qty,
                                                     Reservation.status)
                                              .where(Reservation.order_id == order_id)).all())
        choices = session.execute(select(VersionChoice.flow_version_id).where(VersionChoice.order_id == order_id)
                                  .order_by(VersionChoice.flow_version_id)).scalars().all()
    return {"status": got["status"], "stage": got["stage"], "tags": got["tags"], "lines": got["lines"],
            "routed": got["routed_warehouses"], "surcharges": got["surcharges"],
            "changes": [(c["from"], c["to"], c["reason"], c["actor"]) for c in timeline["status_changes"]],
            "tasks": [(t["group"], t["status"]) for t in timeline["tasks"]], "instances": instances,
            "outbox": outbox, "reservations": reservations, "choices": choices}


def _plain(explanation: Any, order_id: int) -> Any:
    """An explanation with the order's id and effect keys (which carry instance ids) left out."""
    text = repr(explanation)
    return text.replace(f"'{order_id}'", "'#'").split("'idempotency_key'")[0]


def _run(db, *, batched: bool, prefix: str) -> list[dict[str, Any]]:
    collect = Collect()
    rt = Runtime(db, executor=collect, clock=Clock())
    ids = [rt.ingest("tmall", f"{prefix}-{n}", "order.paid", order(f"{prefix}-{n}", **fields))["order_id"]
           for n, fields in enumerate(MIX)]
    if batched:
        rt.batch_seconds = 60
        rt.process_orders(collect.ids)
    else:
        for order_id in collect.ids:
            rt._process_batch([order_id], careful=True, alone=True)
    return [_shape(rt, order_id) for order_id in ids]


def test_a_batch_gives_every_order_what_one_transaction_per_order_gives(sdb, sqlite_template, tmp_path):
    _world(sdb)
    one_by_one = _run(sdb, batched=False, prefix="A")
    shutil.copyfile(sqlite_template, tmp_path / "other.db")
    other = Database.open(f"sqlite:///{tmp_path}/other.db")
    try:
        _world(other)
        batched = _run(other, batched=True, prefix="A")
    finally:
        other.dispose()
    assert [o["status"] for o in batched] == ["routed", "routed", "routed", "paid", "routed", "routed", "routed"]
    for n, (a, b) in enumerate(zip(one_by_one, batched, strict=True)):
        assert a == b, f"order {n} ({MIX[n]})"


def test_an_event_that_fails_in_a_batch_fails_alone(world):
    rt, _ = world
    collect = Collect()
    rt.executor = collect
    good = rt.ingest("tmall", "g-1", "order.paid", order("G-1"))["order_id"]
    other = rt.ingest("tmall", "g-2", "order.paid", order("G-2"))["order_id"]
    rt.ingest("tmall", "r-1", "return.requested", {"order_id": other, "reason_text": "尺码不合适"})  # not delivered
    results = {r["order_id"]: r for r in rt.process_orders(collect.ids)}
    assert results[good] == {"order_id": good, "processed": 1, "failed": 0, "status": "routed", "stage": "done"}
    assert (results[other]["processed"], results[other]["failed"], results[other]["status"]) == (1, 1, "routed")
    with rt.db.read() as session:
        failed = session.execute(select(InboundEvent).where(InboundEvent.event_id == "r-1")).scalar_one()
        assert failed.status == "failed" and failed.response["error"]["code"] == "RUN_ORDER_STATE"


def test_stock_that_moved_under_an_optimistic_batch_is_reserved_carefully(sdb, clock, monkeypatch):
    seed(sdb, stock={"hz": {"TEA-01": 3, "CUP-02": 3}, "gz": {"TEA-01": 50, "CUP-02": 50}})
    publish(sdb, *ALL_TEMPLATES)
    collect = Collect()
    rt = Runtime(sdb, executor=collect, clock=clock)
    ids = [rt.ingest("tmall", f"m-{n}", "order.paid", order(f"M-{n}"))["order_id"] for n in range(3)]
    real = Batch.stock

    def stale(self, skus):  # an optimistic batch believes hz has plenty: its deferred updates cannot all take
        levels = real(self, skus)
        if not self.careful:
            levels.setdefault("hz", {}).update(dict.fromkeys(skus, 1000))
        return levels

    monkeypatch.setattr(Batch, "stock", stale)
    results = rt.process_orders(collect.ids)
    assert [r["status"] for r in results] == ["routed"] * 3
    with sdb.read() as session:
        where = session.execute(select(Reservation.order_id, Reservation.warehouse_code)
                                .where(Reservation.sku == "TEA-01").order_by(Reservation.order_id)).all()
    assert where == [(ids[0], "hz"), (ids[1], "gz"), (ids[2], "gz")]  # hz had stock for one order only


def test_a_flow_whose_trigger_did_not_hold_keeps_a_compact_record(world):
    rt, _ = world
    order_id = rt.ingest("tmall", "na-1", "order.paid", order("NA-1"))["order_id"]
    timeline = rt.timeline(order_id)
    intake = {i["flow"]: i for s in timeline["stages"] if s["key"] == "intake" for i in s["instances"]}
    assert intake["remote-freight"]["status"] == "not_applicable"
    assert [st["node"] for st in intake["remote-freight"]["steps"]] == ["trigger"]
    with rt.db.read() as session:
        full = session.get(Instance, intake["brushing-risk"]["id"]).input_snapshot
        compact = session.get(Instance, intake["remote-freight"]["id"]).input_snapshot
        assert compact == {SAME_AS: intake["brushing-risk"]["id"]} and full["order"]["id"] == str(order_id)
        assert input_snapshot(session, intake["remote-freight"]["id"]) == full
        assert input_snapshot(session, intake["brushing-risk"]["id"]) == full
        assert input_snapshot(session, 10 ** 9) is None
        # the version choice and the trigger step stay recorded
        assert len(session.execute(select(VersionChoice).where(VersionChoice.order_id == order_id)).all()) == 7
        assert session.execute(select(Step.port).where(Step.instance_id == intake["remote-freight"]["id"])
                               ).scalars().all() == ["not_applicable"]


def test_concurrent_ingests_commit_together_and_stay_idempotent(world):
    rt, _ = world
    collect = Collect()
    rt.executor = collect
    answers: dict[int, Any] = {}
    errors: dict[int, Exception] = {}
    start = threading.Barrier(24)

    def send(n: int) -> None:
        start.wait()
        event_id = f"c-{n % 20}"  # four events are sent twice
        payload = order(f"C-{n % 20}") if n != 7 else {**order("C-7"), "total": "-1"}
        try:
            answers[n] = rt.ingest("tmall", event_id, "order.paid", payload)
        except InputError as exc:
            errors[n] = exc

    threads = [threading.Thread(target=send, args=(n,)) for n in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(errors) <= {7} and all(e.path == "payload.total" for e in errors.values())
    by_event: dict[str, set[tuple[int, int]]] = {}
    for n, answer in answers.items():
        by_event.setdefault(f"c-{n % 20}", set()).add((answer["order_id"], answer["event_seq"]))
    assert all(len(v) == 1 for v in by_event.values())  # a repeat got the same answer
    assert len({next(iter(v))[0] for v in by_event.values()}) == len(by_event)
    assert sorted(collect.ids) == sorted({next(iter(v))[0] for v in by_event.values()})
    assert sum(1 for a in answers.values() if a["duplicate"]) == len(answers) - len(by_event)


def test_the_stage_flows_follow_a_publish(world):
    rt, _ = world
    rt.ingest("tmall", "v-1", "order.paid", order("V-1", total="3000.00"))
    changed = template("s1-high-value-approval")
    changed["trigger"]["when"] = "order.total > 1000"
    from runtime.store.versions import publish_document

    with rt.db.transaction() as session:
        publish_document(session, changed, user="test")
    second = rt.ingest("tmall", "v-2", "order.paid", order("V-2", total="3000.00"))
    assert second["status"] == "paid" and rt.list_tasks(group="finance", order_id=second["order_id"])


@pytest.mark.parametrize("size", [1, 3])
def test_batches_respect_their_size(world, size):
    rt, _ = world
    collect = Collect()
    rt.executor = collect
    rt.batch_size = size
    for n in range(5):
        rt.ingest("tmall", f"s-{n}", "order.paid", order(f"S-{n}"))
    assert [r["status"] for r in rt.process_orders(collect.ids)] == ["routed"] * 5
    assert rt.process_orders(collect.ids)[0]["processed"] == 0  # nothing left


def test_make_runtime_default_is_synchronous(sdb, clock):
    _world(sdb)
    rt, publisher = make_runtime(sdb, clock)
    answer = rt.ingest("tmall", "sync-1", "order.paid", order("SYNC-1"))
    assert answer["status"] == "routed" and publisher.of("order.step")
