"""Crash safety: a worker SIGKILLed at random points with orders in flight, restarted, 20+ rounds.

Every instance completes exactly once in PostgreSQL; every outbox effect reaches the receiver at least
once under one stable idempotency key; the receiver, applying each key once, ends with exactly one
application per effect; timers fire once.
"""

from __future__ import annotations

import collections
import os
import random
import time

import pytest
from sqlalchemy import func

from runtime.executors.celery_app import CeleryExecutor
from runtime.service import NullPublisher, Runtime
from runtime.store.models import InboundEvent, Instance, OutboxEffect, Step, Timer
from tests.runtime.distributed.support import CHECK, LATER, TELL, WorkerProcess, order_payload, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.services, pytest.mark.timeout(480)]

ROUNDS = 20
ORDERS_PER_ROUND = 6
MAX_KILL_DELAY_S = 0.6


def _in_flight(db) -> tuple[int, int]:
    with db.read() as s:
        events = s.query(func.count(InboundEvent.id)).filter(InboundEvent.status == "received").scalar()
        effects = s.query(func.count(OutboxEffect.id)).filter(OutboxEffect.status == "pending").scalar()
    return events, effects


def _converged(db, receiver, expected_orders: int) -> bool:
    with db.read() as s:
        if s.query(func.count(InboundEvent.id)).filter(InboundEvent.status != "processed").scalar():
            return False
        if s.query(func.count(InboundEvent.id)).scalar() != expected_orders:
            return False
        if s.query(func.count(Instance.id)).filter(Instance.status.in_(("running", "waiting", "incident"))).scalar():
            return False
        keys = [k for (k, st) in s.query(OutboxEffect.idempotency_key, OutboxEffect.status)]
        if any(st != "delivered" for (_, st) in s.query(OutboxEffect.idempotency_key, OutboxEffect.status)):
            return False
    return all(receiver.applied.get(k) == 1 for k in keys)


def test_sigkill_at_random_points_loses_nothing_and_applies_everything_once(world, celery_client):
    db, receiver, env, tmp = world["db"], world["receiver"], world["env"], world["tmp"]
    receiver.delay_s = 0.02  # deliveries take a while: kills land mid-delivery too
    receiver.script = lambda key, n: (200, {"approved": True})
    seed = int(os.environ.get("CRASH_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    log = tmp / "workers.log"
    runtime = Runtime(db, executor=CeleryExecutor(celery_client, batch=3), publisher=NullPublisher())
    started = time.monotonic()
    worker = WorkerProcess(env, log).start()
    worker.wait_ready(celery_client)
    kinds: dict[int, str] = {}
    killed_in_flight = 0
    n = 0
    try:
        for round_no in range(ROUNDS):
            for i in range(ORDERS_PER_ROUND):
                n += 1
                kind = "check" if i == 0 else ("timer" if i == 1 and round_no % 4 == 0 else "plain")
                total = {"check": "6000.00", "timer": "9999.00", "plain": "199.00"}[kind]
                order_id = runtime.ingest("tmall", f"crash-{n}", "order.paid", order_payload(n, total))["order_id"]
                kinds[order_id] = kind
            time.sleep(rng.uniform(0, MAX_KILL_DELAY_S))
            if any(_in_flight(db)):
                killed_in_flight += 1
            worker.kill()
            worker = WorkerProcess(env, log).start()
            worker.wait_ready(celery_client)
        crash_phase = time.monotonic() - started
        wait_until(lambda: _converged(db, receiver, n), 120, interval=0.5,
                   what=f"convergence after the crashes (seed {seed})\n{worker.tail()}")
        converged = time.monotonic() - started - crash_phase
    finally:
        worker.stop()
    print(f"\ncrash test: seed {seed}, {ROUNDS} kills ({killed_in_flight} with work in flight), {n} orders; "
          f"crash phase {crash_phase:.1f} s, converged {converged:.1f} s later; "
          f"{len(receiver.requests)} deliveries for {len(receiver.applied)} keys")

    with db.read() as s:
        events = s.query(InboundEvent.status).all()
        insts = s.query(Instance.id, Instance.order_id, Instance.flow_version_id, Instance.status,
                        Instance.outcome).all()
        ends = collections.Counter(iid for (iid,) in s.query(Step.instance_id).filter(Step.node_type == "end"))
        visits = collections.Counter(s.query(Step.instance_id, Step.node_id, Step.port).all())
        effects = s.query(OutboxEffect.idempotency_key, OutboxEffect.kind, OutboxEffect.status,
                          OutboxEffect.order_id).all()
        timers = s.query(Timer.instance_id, Timer.fired_at).all()
        flow_of = {v.id: v.document["key"] for v in _versions(s)}

    assert [st for (st,) in events] == ["processed"] * n
    # every instance exactly once per (order, flow), completed (or not applicable), ended by one end step
    per_order_flow = collections.Counter((o, flow_of[v]) for (_, o, v, _, _) in insts)
    assert set(per_order_flow.values()) == {1}
    expected = {"plain": {TELL: "told", LATER: "not_applicable", CHECK: "not_applicable"},
                "check": {TELL: "told", LATER: "not_applicable", CHECK: "checked"},
                "timer": {TELL: "told", LATER: "waited", CHECK: "not_applicable"}}
    for (iid, order_id, version, status, outcome) in insts:
        want = expected[kinds[order_id]][flow_of[version]]
        assert outcome == want, (order_id, flow_of[version], status, outcome)
        assert status == ("not_applicable" if want == "not_applicable" else "completed")
        assert ends[iid] == (0 if want == "not_applicable" else 1)
    assert max(visits.values()) == 1  # no node was visited twice by one instance
    # the outbox: one effect per notify and per call, each delivered, each applied exactly once by the receiver
    assert len(effects) == n + sum(1 for k in kinds.values() if k == "check")
    assert {st for (_, _, st, _) in effects} == {"delivered"}
    keys = {k for (k, _, _, _) in effects}
    assert set(receiver.keys()) == keys  # every effect arrived, under its one key, and nothing else did
    assert dict(receiver.applied) == dict.fromkeys(keys, 1)
    assert all(r.signature_ok for r in receiver.requests)
    # timers fired once each
    assert len(timers) == sum(1 for k in kinds.values() if k == "timer") and all(f for (_, f) in timers)
    assert killed_in_flight >= ROUNDS // 4, f"only {killed_in_flight} kills hit work in flight (seed {seed})"


def _versions(session):
    from runtime.store.models import FlowVersion

    return session.query(FlowVersion).all()
