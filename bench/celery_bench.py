"""(c) Orders executed by real Celery workers on Redis + PostgreSQL, against a trivial Celery task's round
trip in the same run.

Needs a Redis (``ORDERLOOM_REDIS_URL``) and a PostgreSQL server (``--pg`` or
``ORDERLOOM_TEST_DATABASE_URL``; a scratch database is created and dropped) — ``.ci/with-services``
starts both; without them (c) is skipped and says why. The Redis should be this bench's alone: the
workers take every message of the ``orderloom`` queue.

The workload is the issue's reference workload (``bench/service_world.build_reference_world``):
``plain.py``'s warehouses, costs and ETAs as master data, ``bench/flows/reference.flow`` published as the
only flow, orders from ``bench/orders.py`` mapped to the order model; after the run every order's
committed outcome is compared with ``plain.py`` (``mismatches`` must be 0, the two checksums equal).
``--workers`` ``celery -A runtime.executors.celery_app worker -Q orderloom`` processes (prefork,
``--concurrency`` each; default one worker of 2 processes) are started on the scratch database.

- **trivial task**: ``orderloom.ping`` sent and its result awaited, one at a time — the round trips per
  second of the broker, a worker and the result backend (``ping_round_trips_per_s``, the baseline); the
  same with 32 in flight is reported too (``ping_pipelined_per_s``).
- **orders**: ``--n`` orders ingested first (into the database, nothing sent; 16 threads, so ingests
  commit together), then handed to the workers as the executor does it — ``orderloom.process_orders``
  messages of ``--batch`` order ids
  (``CeleryExecutor(batch=…)``); the clock runs from the first message until the last order is
  committed (every event processed, polled in the database).

``ratio_to_trivial_task`` = orders/s ÷ ping round trips/s. Prints the figures; with ``--json`` the last
line is ``{"celery": {"orders_per_s", "ratio_to_trivial_task", "mismatches", …}}`` or
``{"celery": {"skipped": why}}``; the exit status is 1 when an outcome differs from ``plain.py``.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# bench/ holds a script named http.py: keep it behind the standard library (see bench/http.py)
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

TARGET_RATIO = 1.0
SOURCE = "bench-celery"


class Collect:
    def __init__(self) -> None:
        self.ids: list[int] = []

    def submit(self, order_ids: list[int]) -> None:
        self.ids.extend(order_ids)


def skipped(reason: str, as_json: bool) -> int:
    print(f"celery (c): skipped — {reason}")
    if as_json:
        print(json.dumps({"celery": {"skipped": reason}}))
    return 0


def waiting(db: Any) -> int:
    """Events not processed yet (the scratch database holds only this run's): a count over the partial index
    of unprocessed events, cheap enough to poll while the workers run."""
    from sqlalchemy import func, select

    from runtime.store.models import InboundEvent

    with db.read() as session:
        return session.execute(select(func.count()).select_from(InboundEvent).where(
            InboundEvent.status == "received")).scalar_one()


def tree_cpu_s(pids: list[int]) -> float | None:
    """CPU seconds (user + system) used so far by these processes and their children (Linux ``/proc``;
    ``None`` elsewhere): the workers' CPU per order, a figure the machine's other load hardly moves."""
    total, todo = 0, list(pids)
    try:
        while todo:
            pid = todo.pop()
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
            todo += [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError, IndexError):
        return None
    return total / os.sysconf("SC_CLK_TCK")


def ping_round_trips(app: Any, n: int, in_flight: int = 1) -> float:
    """Pings per second with ``in_flight`` sent at a time, each result awaited."""
    from runtime.executors.celery_executor import ORDERS_QUEUE, PING

    left = [n]
    lock = threading.Lock()

    def client() -> None:
        while True:
            with lock:
                if left[0] <= 0:
                    return
                left[0] -= 1
            assert app.send_task(PING, queue=ORDERS_QUEUE).get(timeout=30) == "pong"

    threads = [threading.Thread(target=client) for _ in range(in_flight)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return n / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    parser.add_argument("--quick", action="store_true", help="fewer orders (well under a minute)")
    parser.add_argument("--n", type=int, default=None, help="orders (default 3000, quick 800)")
    parser.add_argument("--batch", type=int, default=200, help="order ids per process_orders message")
    parser.add_argument("--workers", type=int, default=1, help="celery worker processes started")
    parser.add_argument("--concurrency", type=int, default=os.cpu_count() or 2, help="pool processes per worker")
    parser.add_argument("--pg", default=os.environ.get("ORDERLOOM_TEST_DATABASE_URL"))
    parser.add_argument("--redis", default=os.environ.get("ORDERLOOM_REDIS_URL"))
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args(argv)
    if not args.redis:
        return skipped("no Redis: set ORDERLOOM_REDIS_URL (make test / .ci/with-services starts one)", args.json)
    if not args.pg:
        return skipped("no PostgreSQL: pass --pg URL or set ORDERLOOM_TEST_DATABASE_URL", args.json)

    import service_world as world
    from service import _pg_scratch

    from runtime.config import Settings
    from runtime.executors.celery_app import create_app
    from runtime.executors.celery_executor import CeleryExecutor
    from runtime.service import Runtime

    n = args.n or (800 if args.quick else 3000)
    url, drop = _pg_scratch(args.pg)
    tmp = tempfile.mkdtemp(prefix="orderloom-celery-")
    env = {**os.environ, "ORDERLOOM_DATABASE_URL": url, "ORDERLOOM_REDIS_URL": args.redis,
           "ORDERLOOM_DATA_DIR": tmp, "PYTHONPATH": str(ROOT)}
    workers: list[subprocess.Popen[bytes]] = []
    logs = []
    db = None
    try:
        db = world.build_reference_world(url)
        settings = Settings.from_env(env)
        app = create_app(settings)
        celery = str(Path(sys.executable).with_name("celery"))
        for i in range(args.workers):
            log = open(Path(tmp, f"worker-{i}.log"), "wb")  # noqa: SIM115 - closed below
            logs.append(log)
            workers.append(subprocess.Popen(
                [celery, "-A", "runtime.executors.celery_app", "worker", "-Q", "orderloom", "-l", "warning",
                 "--concurrency", str(args.concurrency), "-n", f"bench{i}-{uuid.uuid4().hex[:6]}@%h",
                 "--without-gossip", "--without-mingle", "--without-heartbeat"],
                env=env, cwd=str(ROOT), stdout=log, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + 60
        while True:  # ready: a ping comes back
            try:
                app.send_task("orderloom.ping", queue="orderloom").get(timeout=2)
                break
            except Exception:  # noqa: BLE001 - not yet
                if time.monotonic() > deadline or any(w.poll() is not None for w in workers):
                    raise RuntimeError("the celery worker did not start:\n" + "\n".join(
                        Path(tmp, f"worker-{i}.log").read_text(errors="replace")[-2000:]
                        for i in range(args.workers))) from None
        run = uuid.uuid4().hex[:6]
        payloads = world.payloads(n + 100, args.seed, run=run)
        collect = Collect()
        rt = Runtime(db, executor=collect, clock=lambda: world.NOW)
        t0 = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(16) as pool:
            ids_in_order = list(pool.map(lambda ip: rt.ingest(SOURCE, f"{run}-{ip[0]}", "order.paid", ip[1])
                                         ["order_id"], enumerate(payloads)))
        ingest_rate = len(payloads) / (time.perf_counter() - t0)
        warm, ids = ids_in_order[:100], ids_in_order[100:]
        executor = CeleryExecutor(app, batch=args.batch)
        # warm-up, in small messages so that every pool process builds its runtime, caches and plans
        CeleryExecutor(app, batch=10).submit(warm)
        for _ in range(6000):
            if waiting(db) == len(ids):
                break
            time.sleep(0.01)
        ping_round_trips(app, 50)
        ping_rate = ping_round_trips(app, 300 if args.quick else 1000)
        ping_pipelined = ping_round_trips(app, 1000 if args.quick else 3000, in_flight=32)
        load_before = os.getloadavg()[0]
        cpu_before = tree_cpu_s([w.pid for w in workers])
        start = time.perf_counter()
        executor.submit(ids)
        while waiting(db):
            if time.perf_counter() - start > 600:
                raise TimeoutError(f"{waiting(db)} of {len(ids)} orders still waiting after 600 s")
            time.sleep(0.05)
        wall = time.perf_counter() - start
        cpu_after = tree_cpu_s([w.pid for w in workers])
        load_after = os.getloadavg()[0]
        checked = world.compare(world.orders(n + 100, args.seed), world.reference_outcomes(db, run))
    finally:
        for w in workers:
            w.terminate()
        for w in workers:
            try:
                w.wait(15)
            except subprocess.TimeoutExpired:
                w.kill()
        for log in logs:
            log.close()
        if db is not None:
            db.dispose()
        drop()
        shutil.rmtree(tmp, ignore_errors=True)
    rate = n / wall
    figures = {
        "orders_per_s": round(rate, 1), "ratio_to_trivial_task": round(rate / ping_rate, 4),
        "ping_round_trips_per_s": round(ping_rate, 1), "ping_pipelined_per_s": round(ping_pipelined, 1),
        "ingest_per_s": round(ingest_rate, 1), "batch": args.batch, "workers": args.workers,
        "concurrency": args.concurrency, "n": n, "target_ratio": TARGET_RATIO, **checked,
        "workload": "reference flow (bench-anchors)",
        "worker_cpu_ms_per_order": round((cpu_after - cpu_before) / n * 1e3, 2)
        if cpu_before is not None and cpu_after is not None else None,
        "load": [round(load_before, 2), round(load_after, 2)], "cpus": os.cpu_count(),
    }
    print(f"celery (c): {n} orders of the reference workload in process_orders messages of {args.batch}, "
          f"{args.workers} worker(s) × "
          f"{args.concurrency} processes, Redis + PostgreSQL; load {load_before:.1f} → {load_after:.1f} on "
          f"{os.cpu_count()} CPUs")
    print(f"  orders : {rate:8.1f} committed/s (ingested beforehand at {ingest_rate:.0f}/s, not timed)")
    if figures["worker_cpu_ms_per_order"] is not None:
        print(f"  workers: {figures['worker_cpu_ms_per_order']:.2f} ms of CPU per order (all worker processes)")
    print(f"  ping   : {ping_rate:8.1f} round trips/s one at a time, {ping_pipelined:.0f}/s with 32 in flight")
    print(f"  ratio to the trivial task's round trip {rate / ping_rate:.3f} (target ≥ {TARGET_RATIO})")
    print(f"  outcomes vs plain.py: {checked['mismatches']} mismatches, checksum {checked['checksum']} "
          f"(plain {checked['plain_checksum']})")
    if args.json:
        print(json.dumps({"celery": figures}, ensure_ascii=False))
    return 0 if checked["mismatches"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
