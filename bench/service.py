"""In-process service throughput: orders ingested and run through every published flow, against a bare
single-row insert + commit per order through the same engine, measured in the same run.

The world (``bench/service_world.py``): a migrated database with the demo's master data, stock topped
up, all nine templates published; orders from ``bench/orders.py`` mapped to ``order.paid`` payloads.

Per database (embedded SQLite in a temporary directory; PostgreSQL too when ``--pg URL`` or
``ORDERLOOM_TEST_DATABASE_URL`` names a server — a scratch database is created and dropped):

- ``baseline``: per order, one ``INSERT`` of the order's JSON into a scratch table and a commit, through
  the same engine (what "storing an order" costs without any of Orderloom);
- ``sync``: ``Runtime.ingest`` with the default synchronous executor — each call stores the event and
  runs the order before it returns (one order per transaction);
- ``batched``: every order ingested first (concurrent ingests commit together; here one thread, so one
  per call), then ``Runtime.process_orders`` on all of them, which runs them in batches of
  ``Runtime.batch_size`` orders per transaction — what the background executor and the Celery workers do.

``orders_per_s`` is the batched figure (ingest + processing, end to end), ``ratio_to_insert`` =
orders_per_s ÷ baseline inserts/s. Every order is checked processed (no event left ``received``).
Prints the figures; with ``--json`` the last line is ``{"service": {"sqlite": {…}, "postgresql": {…}}}``.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# bench/ holds a script named http.py: keep the directory Python put first (the script's own) behind the
# standard library, so ``import http`` anywhere finds the standard package
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import service_world as world  # noqa: E402
from sqlalchemy import Column, Integer, MetaData, Table, Text, event, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from runtime.service import Runtime  # noqa: E402
from runtime.store.db import Database, make_engine  # noqa: E402
from runtime.store.models import InboundEvent, Order  # noqa: E402

_scratch = MetaData()
BASELINE = Table("bench_baseline", _scratch, Column("id", Integer, primary_key=True), Column("body", Text))


class Collect:
    """An executor that only remembers what it was given (the orders are processed afterwards)."""

    def __init__(self) -> None:
        self.ids: list[int] = []

    def submit(self, order_ids: list[int]) -> None:
        self.ids.extend(order_ids)


class Statements:
    """Counts the statements an engine sends (an executemany is one)."""

    def __init__(self, engine: Any) -> None:
        self.n = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_: Any) -> None:
        self.n += 1


def baseline(db: Database, payloads: list[dict[str, Any]]) -> float:
    """Inserts + commits per second: one row of the order's JSON per transaction."""
    _scratch.create_all(db.engine)
    bodies = [json.dumps(p, ensure_ascii=False) for p in payloads]
    start = time.perf_counter()
    for body in bodies:
        with db.transaction() as session:
            session.execute(insert(BASELINE), {"body": body})
    return len(bodies) / (time.perf_counter() - start)


def run_sync(db: Database, payloads: list[dict[str, Any]], run: str) -> dict[str, Any]:
    rt = Runtime(db, clock=lambda: world.NOW)
    stmts = Statements(db.engine)
    cpu, start = time.process_time(), time.perf_counter()
    for i, p in enumerate(payloads):
        rt.ingest("bench", f"{run}-sync-{i}", "order.paid", p)
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    n = len(payloads)
    return {"orders_per_s": round(n / wall, 1), "cpu_ms_per_order": round(cpu / n * 1e3, 2),
            "statements_per_order": round(stmts.n / n, 1), "n": n}


def run_batched(db: Database, payloads: list[dict[str, Any]], run: str, batch_size: int) -> dict[str, Any]:
    collect = Collect()
    rt = Runtime(db, executor=collect, clock=lambda: world.NOW)
    rt.batch_size = batch_size
    rt.batch_seconds = 10.0  # one thread, nobody waits for the write lock: batches by size only
    stmts = Statements(db.engine)
    cpu0, t0 = time.process_time(), time.perf_counter()
    for i, p in enumerate(payloads):
        rt.ingest("bench", f"{run}-batch-{i}", "order.paid", p)
    t1, cpu1, s1 = time.perf_counter(), time.process_time(), stmts.n
    results = rt.process_orders(collect.ids)
    t2, cpu2 = time.perf_counter(), time.process_time()
    n = len(payloads)
    with db.read() as session:
        left = session.execute(select(func.count()).select_from(InboundEvent).where(
            InboundEvent.status == "received", InboundEvent.order_id.in_(collect.ids))).scalar_one()
        statuses = collections.Counter(session.execute(
            select(Order.status).where(Order.id.in_(collect.ids))).scalars())
    assert left == 0, f"{left} events left unprocessed"
    assert sum(r["processed"] for r in results) == n, results[:3]
    return {"orders_per_s": round(n / (t2 - t0), 1), "ingest_per_s": round(n / (t1 - t0), 1),
            "process_per_s": round(n / (t2 - t1), 1),
            "ingest_cpu_ms": round((cpu1 - cpu0) / n * 1e3, 2), "process_cpu_ms": round((cpu2 - cpu1) / n * 1e3, 2),
            "ingest_statements": round(s1 / n, 1), "process_statements": round((stmts.n - s1) / n, 1),
            "batch_size": batch_size, "n": n, "statuses": dict(statuses)}


def bench_database(url: str, n_sync: int, n_batch: int, batch_size: int, seed: int) -> dict[str, Any]:
    db = world.build_world(url)
    try:
        payloads = world.payloads(n_sync + n_batch + 40, seed, run=uuid.uuid4().hex[:6])
        warm = Runtime(db, clock=lambda: world.NOW)
        for i, p in enumerate(payloads[:40]):  # plans compiled, caches and the file warm
            warm.ingest("bench", f"warm-{i}", "order.paid", p)
        base = baseline(db, payloads[40:40 + max(n_batch, 200)])
        sync = run_sync(db, payloads[40:40 + n_sync], "s")
        batched = run_batched(db, payloads[40 + n_sync:], "b", batch_size)
    finally:
        db.dispose()
    return {"orders_per_s": batched["orders_per_s"], "ratio_to_insert": round(batched["orders_per_s"] / base, 4),
            "baseline_inserts_per_s": round(base, 1), "sync": sync, "batched": batched}


def _pg_scratch(server_url: str) -> tuple[str, Any]:
    """A scratch database on the server (created now), and a function that drops it."""
    name = f"ol_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    admin = make_engine(make_url(server_url).set(database="postgres")).execution_options(isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(server_url).set(database=name).render_as_string(hide_password=False), drop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    parser.add_argument("--quick", action="store_true", help="fewer orders (well under a minute)")
    parser.add_argument("--n", type=int, default=None, help="orders of the batched run (default 2000, quick 400)")
    parser.add_argument("--n-sync", type=int, default=None, help="orders of the sync run (default 300, quick 60)")
    parser.add_argument("--batch", type=int, default=32, help="orders per transaction (Runtime.batch_size)")
    parser.add_argument("--pg", default=os.environ.get("ORDERLOOM_TEST_DATABASE_URL"),
                        help="a PostgreSQL server URL (default: ORDERLOOM_TEST_DATABASE_URL)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    n_batch = args.n or (400 if args.quick else 2000)
    n_sync = args.n_sync or (60 if args.quick else 300)
    figures: dict[str, Any] = {}
    tmp = tempfile.mkdtemp(prefix="orderloom-bench-")
    try:
        figures["sqlite"] = bench_database(f"sqlite:///{tmp}/bench.db", n_sync, n_batch, args.batch, args.seed)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    if args.pg:
        url, drop = _pg_scratch(args.pg)
        try:
            figures["postgresql"] = bench_database(url, n_sync, n_batch, args.batch, args.seed)
        finally:
            drop()
    else:
        figures["postgresql"] = {"skipped": "no PostgreSQL: pass --pg URL or set ORDERLOOM_TEST_DATABASE_URL"}
    print(f"service: ingest + every flow of the order pipeline, in process; load {os.getloadavg()[0]:.1f} "
          f"on {os.cpu_count()} CPUs")
    for name, f in figures.items():
        if "skipped" in f:
            print(f"  {name:10s}: skipped ({f['skipped']})")
            continue
        b, s = f["batched"], f["sync"]
        print(f"  {name:10s}: {f['orders_per_s']:8.1f} orders/s batched (ingest {b['ingest_per_s']:.0f}/s, "
              f"process {b['process_per_s']:.0f}/s; {b['ingest_statements'] + b['process_statements']:.1f} "
              f"statements and {b['ingest_cpu_ms'] + b['process_cpu_ms']:.1f} ms CPU per order)")
        print(f"  {'':10s}  {s['orders_per_s']:8.1f} orders/s sync, one order per call ({s['statements_per_order']} "
              f"statements, {s['cpu_ms_per_order']} ms CPU per order)")
        print(f"  {'':10s}  {f['baseline_inserts_per_s']:8.1f} bare inserts+commits/s "
              f"→ ratio {f['ratio_to_insert']:.3f}"
              f"; statuses {b['statuses']}")
    if args.json:
        print(json.dumps({"service": figures}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
