"""200 concurrent reservations for 50 units of one SKU, through the public HTTP API, on SQLite and PostgreSQL.

Two real server processes share one database: ``orderloom serve`` (the background executor runs each
order after the answer) and ``create_app()`` on werkzeug's threaded server (each request thread runs its
order before answering). Every template is published, as in the demo. The SKU has exactly 50 units, all
in hz; sh and bj are open but do not stock it. Two spawned OS processes, 20 threads each, fire 200
``order.paid`` events for 1 unit each at once, alternating between the servers, while this process reads
the stock row over HTTP. When every order has finished its stages, the API must show exactly 50 orders
routed to hz with an active reservation, 150 backordered with the reason in their timeline, and the
stock row at 0 available / 50 reserved — never negative, never more than 50 units in total.

A 503 ``API_UNAVAILABLE`` (SQLite locked for longer than its busy timeout, as docs/api.md allows) is resent
with the same event id, which ingestion makes idempotent; any other error answer fails the test.
"""

from __future__ import annotations

import multiprocessing
import os
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.auth_support import token_for
from tests.scenarios.concurrency_support import (
    SKU,
    STOCKED,
    UNITS,
    WAREHOUSES,
    StockSampler,
    ok,
    publish_templates,
    seed_database,
    seed_over_http,
    sender_process,
    start_server,
    use_token,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

ORDERS = 200
SENDERS = 2
THREADS_PER_SENDER = 20
ROUTING_FLOW = "multi-factor-routing"
SETTLE_SECONDS = 150


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'race.db'}"


@contextmanager
def fresh_postgres_database(server_url: str):
    """A new database on the test run's PostgreSQL server, dropped afterwards."""
    name = f"orderloom_race_{uuid.uuid4().hex[:10]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def test_200_concurrent_reservations_of_50_units_on_sqlite(sqlite_url, tmp_path):
    race(sqlite_url, tmp_path, kind="sqlite")


@pytest.mark.services
def test_200_concurrent_reservations_of_50_units_on_postgresql(postgres_url, tmp_path):
    with fresh_postgres_database(postgres_url) as url:
        race(url, tmp_path, kind="postgresql")


# ---- the race ------------------------------------------------------------------------------------------------

def race(url: str, tmp_path: Path, *, kind: str) -> None:
    t0 = time.monotonic()
    seed_database(url)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ORDERLOOM_")},
           "ORDERLOOM_DATABASE_URL": url, "ORDERLOOM_DATA_DIR": str(tmp_path / "var")}
    publish_templates(env)
    use_token(token_for(url, "admin"))  # this process seeds and samples; the senders act as the channel's operator
    servers = [start_server("cli", env, tmp_path), start_server("wsgi", env, tmp_path)]
    timings: dict[str, float] = {}
    sampler = StockSampler([s.base for s in servers], SKU)
    try:
        for server in servers:
            health = server.wait_healthy()
            assert (health["database_kind"], health["workers"]) == (kind, "in-process"), health
        bases = [s.base for s in servers]
        seed_over_http(bases[0])
        flows = {f["key"] for f in ok(bases[1], "GET", "/api/flows")["flows"]}
        assert ROUTING_FLOW in flows and "high-value-approval" in flows and "brushing-risk" in flows, flows
        assert stock_rows(bases[1]) == [{"warehouse": STOCKED, "available": UNITS, "reserved": 0}]
        timings["setup"] = time.monotonic() - t0

        sampler.start()
        t1 = time.monotonic()
        sent = send_all(bases, prefix=f"R{uuid.uuid4().hex[:6]}", token=token_for(url, "operator", "channel"))
        timings["send"] = time.monotonic() - t1
        orders = wait_until_settled(bases[0], len(sent))
        timings["settle"] = time.monotonic() - t1
        sampler.stop()

        check_answers(sent)
        check_outcome(bases, orders, sent)
        check_samples(sampler)
        timings["total"] = time.monotonic() - t0
        retried = Counter(code for s in sent for code in s["statuses"][:-1])
        print(f"\n[{kind}] setup {timings['setup']:.1f} s, 200 events answered in {timings['send']:.1f} s, "
              f"all settled after {timings['settle']:.1f} s, total {timings['total']:.1f} s; "
              f"{len(sampler.samples)} stock samples; answers resent after (0 = reset): {dict(retried)}")
        names = {server.base: server.name for server in servers}
        for (name, reason), n in Counter((names[s["server"]], e[:160]) for s in sent
                                         for e in s["retry_errors"]).most_common(5):
            print(f"  {name}: resent {n}x after: {reason}")
    except BaseException:
        for server in servers:
            print(f"---- {server.name} server log (tail) ----\n{server.log_tail(60)}")
        raise
    finally:
        if sampler.is_alive():
            sampler.stop()
        for server in servers:
            server.stop()


def send_all(bases: list[str], *, prefix: str, token: str) -> list[dict]:
    """200 events from SENDERS spawned OS processes, released together; every answer as the senders saw it."""
    ctx = multiprocessing.get_context("spawn")
    ready, go, results = ctx.Barrier(SENDERS + 1), ctx.Event(), ctx.Queue()
    per = ORDERS // SENDERS
    procs = [ctx.Process(target=sender_process, daemon=True,
                         args=(i, bases, prefix, per, THREADS_PER_SENDER, ready, go, results, token))
             for i in range(SENDERS)]
    for proc in procs:
        proc.start()
    try:
        ready.wait(timeout=60)
        go.set()
        answers, pids = [], set()
        for _ in procs:
            pid, batch = results.get(timeout=180)
            pids.add(pid)
            answers.extend(batch)
        for proc in procs:
            proc.join(30)
    finally:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
                proc.join(10)
    assert len(pids) == SENDERS and os.getpid() not in pids
    return answers


def wait_until_settled(base: str, count: int) -> list[dict]:
    """Poll ``GET /api/orders`` until ``count`` orders have finished every stage (bounded)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        orders = ok(base, "GET", "/api/orders?limit=500")["orders"]
        if len(orders) == count and all(o["stage"] == "done" for o in orders):
            return orders
        if time.monotonic() > deadline:
            stuck = Counter((o["status"], o["stage"]) for o in orders)
            pytest.fail(f"after {SETTLE_SECONDS} s: {len(orders)} orders, by (status, stage): {dict(stuck)}")
        time.sleep(0.3)


def stock_rows(base: str) -> list[dict]:
    answer = ok(base, "GET", f"/api/stock?sku={SKU}")
    assert answer["total"] == len(answer["items"])
    return [{"warehouse": r["warehouse"], "available": r["available"], "reserved": r["reserved"]}
            for r in answer["items"]]


# ---- the checks --------------------------------------------------------------------------------------------

def check_answers(sent: list[dict]) -> None:
    """Every event answered 202 (or, resent after a 503 / reset, 200 duplicate), one distinct order each."""
    assert len(sent) == ORDERS and len({s["event_id"] for s in sent}) == ORDERS
    failed = [s for s in sent if s["order_id"] is None]
    assert not failed, failed[:5]
    unexpected = [s for s in sent if set(s["statuses"]) - {0, 200, 202, 503}]
    assert not unexpected, unexpected[:5]
    for s in sent:
        assert s["statuses"][-1] in (200, 202), s
        assert s["duplicate"] is (s["statuses"][-1] == 200), s
        assert s["statuses"][-1] == 202 or len(s["statuses"]) > 1, f"a first send answered as a duplicate: {s}"
    assert len({s["order_id"] for s in sent}) == ORDERS


def check_outcome(bases: list[str], orders: list[dict], sent: list[dict]) -> None:
    by_status = Counter(o["status"] for o in orders)
    assert by_status == {"routed": UNITS, "backordered": ORDERS - UNITS}, by_status
    assert {o["id"] for o in orders} == {s["order_id"] for s in sent}
    for n, summary in enumerate(orders):
        base = bases[n % len(bases)]
        order = ok(base, "GET", f"/api/orders/{summary['id']}")
        active = [(r["sku"], r["warehouse"], r["qty"]) for r in order["reservations"] if r["status"] == "active"]
        timeline = ok(base, "GET", f"/api/orders/{summary['id']}/timeline")
        assert [s["key"] for s in timeline["stages"]] == ["intake", "approval", "routing"], timeline["stages"]
        instances = {i["flow"]: i for stage in timeline["stages"] for i in stage["instances"]}
        assert all(i["status"] in ("completed", "not_applicable") for i in instances.values()), instances
        assert instances["high-value-approval"]["status"] == "not_applicable"  # 128.00: nobody approves
        assert instances["brushing-risk"]["outcome"] == "passed"  # no coupon: never held for review
        routing = [i for stage in timeline["stages"] for i in stage["instances"] if i["flow"] == ROUTING_FLOW]
        assert len(routing) == 1 and routing[0]["status"] == "completed", (summary["id"], routing)
        choose = [s for s in routing[0]["steps"] if s["node"] == "choose_warehouse"][-1]["explanation"]
        if summary["status"] == "routed":
            assert active == [(SKU, STOCKED, 1)], order["reservations"]
            assert order["routed_warehouses"] == [STOCKED] and routing[0]["outcome"] == "routed"
            assert choose["decision"] == "routed" and choose["winner"] == STOCKED, choose
            reserve = [s for s in routing[0]["steps"] if s["node"] == "reserve"][-1]
            assert reserve["port"] == "reserved" and reserve["explanation"]["reserved"] is True, reserve
        else:
            assert active == [] and order["routed_warehouses"] == [], order
            assert routing[0]["outcome"] == "backorder", routing[0]
            change = [c for c in timeline["status_changes"] if c["to"] == "backordered"]
            assert len(change) == 1 and change[0]["reason"], timeline["status_changes"]
            # the route's explanation says why: hz (the only warehouse with the SKU) had none left
            assert choose["decision"] == "backorder" and choose["winner"] is None, choose
            assert choose["backorder"]["code"] and choose["backorder"]["reason_en"], choose
            assert choose["candidates"] == [], choose
            excluded = {e["id"]: e["reason"] for e in choose["excluded"]}
            assert excluded == {code: "no_stock" for code, *_ in WAREHOUSES}, choose["excluded"]
    for base in bases:
        assert stock_rows(base) == [{"warehouse": STOCKED, "available": 0, "reserved": UNITS}]
        hz = ok(base, "GET", f"/api/warehouses/{STOCKED}")
        assert hz["active_reservations"] == UNITS, hz


def check_samples(sampler: StockSampler) -> None:
    """Sampled while the orders ran: never negative, never more than 50 units, reservations only grow."""
    assert not sampler.errors, sampler.errors[:5]
    assert len(sampler.samples) >= 10, len(sampler.samples)
    seen = []
    for _, base, items in sampler.samples:
        assert [r["warehouse"] for r in items] == [STOCKED], items
        row = items[0]
        assert row["available"] >= 0 and row["reserved"] >= 0, (base, row)
        assert row["available"] + row["reserved"] == UNITS, (base, row)
        seen.append(row["reserved"])
    assert seen == sorted(seen), "reserved units went down while orders were only reserving"
    assert seen[-1] == UNITS

