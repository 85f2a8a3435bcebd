"""Leases, heartbeat, sweeper with real ``celery worker`` processes on Redis + PostgreSQL: a worker killed
while it holds leases, a message delivered twice, a batch that lasts longer than its lease."""

from __future__ import annotations

import collections
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select

from runtime.executors.celery_executor import ORDERS_QUEUE, PROCESS_ORDERS, SWEEP
from runtime.service import NullPublisher, Runtime
from runtime.store.models import InboundEvent, Instance, OrderLease, Step
from tests.runtime.distributed.support import WorkerProcess, order_payload, running_worker, wait_until

pytestmark = [pytest.mark.services, pytest.mark.timeout(240)]


class Collect:
    """An executor that sends nothing: the test hands the orders to the workers itself."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def submit(self, order_ids: list[int]) -> None:
        self.ids.extend(order_ids)


def ingest(db, n: int, tag: str) -> list[int]:
    """``n`` paid orders, ingested by 8 threads (their ingests commit together); nothing is sent."""
    runtime = Runtime(db, executor=Collect(), publisher=NullPublisher())

    def one(i: int) -> int:
        return runtime.ingest("tmall", f"{tag}-{i}", "order.paid", order_payload(i))["order_id"]

    with ThreadPoolExecutor(8) as pool:
        return list(pool.map(one, range(n)))


def unprocessed(db, order_ids: list[int]) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(InboundEvent).where(
            InboundEvent.order_id.in_(order_ids), InboundEvent.status == "received"))


def leases(db) -> dict[int, Any]:
    """order id → its lease row (owner, expires_at, claims)."""
    with db.read() as s:
        return {row.order_id: row for row in s.execute(
            select(OrderLease.order_id, OrderLease.owner, OrderLease.expires_at, OrderLease.claims))}


def assert_each_order_ran_once(db, order_ids: list[int]) -> None:
    """Every event processed; per order one instance of each of the 3 flows and one end step in all."""
    with db.read() as s:
        assert unprocessed(db, order_ids) == 0
        instances = collections.Counter(s.execute(select(Instance.order_id, Instance.flow_version_id)
                                                  .where(Instance.order_id.in_(order_ids))).all())
        ends = collections.Counter(s.scalars(select(Step.order_id).where(
            Step.order_id.in_(order_ids), Step.node_type == "end")))
    assert set(instances.values()) == {1} and len(instances) == 3 * len(order_ids)
    assert ends == dict.fromkeys(order_ids, 1)


def with_lease(env: dict[str, str], seconds: float) -> dict[str, str]:
    return {**env, "ORDERLOOM_LEASE_SECONDS": str(seconds)}


def test_a_worker_killed_holding_leases_is_swept_and_another_worker_completes_each_order_once(world, celery_client):
    db, tmp = world["db"], world["tmp"]
    env = with_lease(world["env"], 2)
    ids = ingest(db, 400, "kill")  # one message; the worker runs it as two transactions of 200
    first = WorkerProcess(env, tmp / "first.log", beat=False).start()
    try:
        first.wait_ready(celery_client)
        celery_client.send_task(PROCESS_ORDERS, args=[ids], queue=ORDERS_QUEUE)
        wait_until(lambda: 0 < len(ids) - unprocessed(db, ids) and leases(db), 60, interval=0.02,
                   what=f"the first worker's batch to start\n{first.tail()}")
        first.kill()  # mid-batch: the first transaction committed, the second in flight with its leases
    finally:
        first.stop()
    stranded = {i for i, lease in leases(db).items() if unprocessed(db, [i])}
    assert stranded and len(stranded) < len(ids), "the kill did not land mid-batch"
    dead_owner = {lease.owner for lease in leases(db).values()}
    assert len(dead_owner) == 1 and None not in dead_owner

    with running_worker(env, tmp / "second.log", celery_client, beat=True) as second:
        wait_until(lambda: unprocessed(db, ids) == 0, 90, interval=0.2,
                   what=f"the sweeper to re-enqueue the stranded orders\n{second.tail()}")
        assert "re-enqueued" in second.log_path.read_text(errors="replace")
    assert_each_order_ran_once(db, ids)
    after = leases(db)
    assert {i for i, lease in after.items() if lease.claims == 2} == stranded  # claimed again: the sweeper's
    assert all(after[i].owner is None for i in stranded)  # the second worker released what it finished


def test_the_same_message_delivered_twice_runs_once(world, celery_client):
    db = world["db"]
    ids = ingest(db, 60, "twice")
    with running_worker(world["env"], world["tmp"] / "worker.log", celery_client, concurrency=2):
        deliveries = [celery_client.send_task(PROCESS_ORDERS, args=[ids], queue=ORDERS_QUEUE) for _ in range(2)]
        results = [d.get(timeout=60) for d in deliveries]
        late = celery_client.send_task(PROCESS_ORDERS, args=[ids], queue=ORDERS_QUEUE).get(timeout=60)
    claimed = sorted(results[0]["claimed"] + results[1]["claimed"])
    assert claimed == sorted(ids)  # each order claimed by exactly one of the two deliveries
    assert late == {"claimed": [], "events": 0}  # all processed: a late copy claims nothing
    assert {lease.claims for lease in leases(db).values()} == {1}
    assert_each_order_ran_once(db, ids)


def test_the_heartbeat_keeps_a_batch_longer_than_its_lease_leased(world, celery_client):
    db, ttl = world["db"], 1.0
    ids = ingest(db, 2000, "long")  # ten transactions of 200 in one message: several seconds
    expiries: set = set()
    with running_worker(with_lease(world["env"], ttl), world["tmp"] / "worker.log", celery_client,
                        concurrency=2, beat=False) as worker:
        started = time.monotonic()
        celery_client.send_task(PROCESS_ORDERS, args=[ids], queue=ORDERS_QUEUE)
        wait_until(lambda: len(leases(db)) == len(ids), 30, interval=0.05, what=f"the claim\n{worker.tail()}")
        owner = leases(db)[ids[0]].owner
        while unprocessed(db, ids):
            # the sweeper, far more often than beat would run it: a lapsed lease would be re-enqueued and
            # claimed by the other pool process at once
            celery_client.send_task(SWEEP)
            expiries.update(lease.expires_at for lease in leases(db).values() if lease.owner == owner)
            assert time.monotonic() - started < 180, "the batch did not finish"
            time.sleep(0.2)
        took = time.monotonic() - started
    assert took > 3 * ttl, f"the batch took {took:.2f} s: too short to outlive its {ttl} s lease"
    assert len(expiries) >= 3  # renewed by its owner while it ran
    assert {lease.claims for lease in leases(db).values()} == {1}  # never swept, never claimed twice
    assert_each_order_ran_once(db, ids)
