"""(b) HTTP ingest → committed order: ``POST /api/orders/events`` (``order.paid``) on the real app, against a
no-op endpoint of the same server in the same run.

The server is the real app in its own process — ``designer.create_app`` on a temporary data directory
(embedded SQLite, ``background=True``: the in-process executor's worker thread runs the orders, the
outbox pump runs too) — served by werkzeug's threaded WSGI server (what ``orderloom serve`` runs) on
a loopback port. The bench adds ``POST /api/bench/noop`` to that app object only (the production app
has no such route): it answers ``202 {"ok": true}`` and does nothing else.

The world is ``bench/service_world.py``'s (demo master data, all nine templates published); orders come
from ``bench/orders.py``. ``--clients`` threads (default 32), each with its own ``http.client``
connection, send the requests as fast as the answers come back (werkzeug answers ``Connection: close``
— it never keeps a connection alive — so each request opens a new connection and the server a new
thread, for the no-op as for the orders; ``http.client`` reconnects by itself). Per endpoint: a
warm-up, then the measured requests. For the orders the clock runs from the first request until the
last order is COMMITTED — every event processed by the executor (polled in the database) — so
``orders_per_s`` counts orders run through their flows, not just accepted; ``p99_ms`` is the POST's
answer time. ``ratio_to_noop`` = orders/s ÷ no-op requests/s.

Prints the figures; with ``--json`` the last line is ``{"http": {"orders_per_s", "p99_ms", "ratio_to_noop", …}}``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import socket
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
# bench/ holds a script named http.py: keep the directory Python put first (the script's own) behind the
# standard library, so ``import http`` anywhere finds the standard package
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != BENCH] + [str(BENCH)]

import http.client  # noqa: E402

TARGET_ORDERS_PER_S = 1000
TARGET_P99_MS = 50
TARGET_RATIO = 0.45
SOURCE = "bench-http"
NOOP = "/api/bench/noop"


# ---- the server process --------------------------------------------------------------------------------

def serve(data_dir: str, port: int) -> None:
    """The real app, embedded, with the bench's no-op route; runs until killed."""
    import logging

    for name in ("ORDERLOOM_REDIS_URL", "ORDERLOOM_DATABASE_URL"):
        os.environ.pop(name, None)
    os.environ["ORDERLOOM_DATA_DIR"] = data_dir
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from werkzeug.serving import make_server

    from designer import create_app
    from runtime.config import Settings

    app = create_app(Settings.from_env(), background=True)

    def noop():  # the baseline: the same server, app and request handling, no work
        return {"ok": True}, 202

    app.add_url_rule(NOOP, "bench_noop", noop, methods=["GET", "POST"])
    server = make_server("127.0.0.1", port, app, threaded=True)
    print("ready", flush=True)
    server.serve_forever()


# ---- the clients ---------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def drive(port: int, path: str, bodies: list[bytes], clients: int) -> tuple[float, list[float], list[int]]:
    """POST every body from ``clients`` threads on keep-alive connections; returns (wall seconds, latencies in
    seconds, statuses)."""
    lock = threading.Lock()
    it = iter(bodies)
    latencies: list[float] = []
    statuses: list[int] = []
    headers = {"Content-Type": "application/json"}

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, codes = [], []
        while True:
            with lock:
                body = next(it, None)
            if body is None:
                break
            t = time.perf_counter()
            conn.request("POST", path, body, headers)
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - t)
            codes.append(response.status)
        conn.close()
        with lock:
            latencies.extend(mine)
            statuses.extend(codes)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - start, latencies, statuses


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux), for the server's CPU per request."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")


def committed(url: str, run: str) -> int:
    """How many of this run's events the executor has processed (a read-only look at the database)."""
    import sqlite3

    path = url.removeprefix("sqlite:///")
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
    try:
        return conn.execute("SELECT count(*) FROM inbound_events WHERE source = ? AND event_id LIKE ? "
                            "AND status <> 'received'", (SOURCE, f"{run}-%")).fetchone()[0]
    finally:
        conn.close()


def order_bodies(payloads: list[dict[str, Any]], run: str) -> list[bytes]:
    return [json.dumps({"source": SOURCE, "event_id": f"{run}-{i}", "kind": "order.paid", "payload": p},
                       ensure_ascii=False).encode() for i, p in enumerate(payloads)]


def wait_committed(url: str, run: str, n: int, timeout: float) -> float:
    deadline = time.monotonic() + timeout
    while True:
        if committed(url, run) >= n:
            return time.perf_counter()
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {committed(url, run)} of {n} orders committed after {timeout:.0f} s")
        time.sleep(0.01)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    parser.add_argument("--quick", action="store_true", help="fewer requests (well under a minute)")
    parser.add_argument("--n", type=int, default=None, help="measured orders (default 3000, quick 800)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--serve", metavar="DATA_DIR", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port)
        return 0

    import service_world as world

    n = args.n or (800 if args.quick else 3000)
    warm = max(100, n // 10)
    data_dir = tempfile.mkdtemp(prefix="orderloom-http-")
    url = f"sqlite:///{data_dir}/orderloom.db"
    world.build_world(url).dispose()
    port = _free_port()
    log = open(os.path.join(data_dir, "server.log"), "wb")  # noqa: SIM115 - closed with the server
    server = subprocess.Popen([sys.executable, __file__, "--serve", data_dir, "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=log, cwd=str(ROOT))
    try:
        assert server.stdout is not None
        if server.stdout.readline().strip() != b"ready":
            log.flush()
            raise RuntimeError("the bench server did not start:\n"
                               + Path(data_dir, "server.log").read_text(errors="replace")[-3000:])
        run = uuid.uuid4().hex[:8]
        payloads = world.payloads(n + warm, args.seed, run=run)
        noop_body = json.dumps({"source": SOURCE, "event_id": "noop", "kind": "order.paid", "payload": payloads[0]},
                               ensure_ascii=False).encode()
        # warm-up: both endpoints, the orders committed before measuring
        drive(port, NOOP, [noop_body] * warm, args.clients)
        drive(port, "/api/orders/events", order_bodies(payloads[:warm], f"{run}w"), args.clients)
        wait_committed(url, f"{run}w", warm, 120)
        load_before = os.getloadavg()[0]
        cpu0 = cpu_seconds(server.pid)
        noop_wall, noop_lat, noop_codes = drive(port, NOOP, [noop_body] * n, args.clients)
        cpu1 = cpu_seconds(server.pid)
        bodies = order_bodies(payloads[warm:], run)
        start = time.perf_counter()
        post_wall, lat, codes = drive(port, "/api/orders/events", bodies, args.clients)
        done = wait_committed(url, run, n, 300)
        cpu2 = cpu_seconds(server.pid)
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(data_dir, ignore_errors=True)
    assert set(noop_codes) == {202}, set(noop_codes)
    assert set(codes) == {202}, {c: codes.count(c) for c in set(codes)}
    noop_rate = n / noop_wall
    rate = n / (done - start)
    p99 = percentile(lat, 99) * 1e3
    figures = {
        "orders_per_s": round(rate, 1), "p99_ms": round(p99, 1), "ratio_to_noop": round(rate / noop_rate, 4),
        "p50_ms": round(percentile(lat, 50) * 1e3, 1), "accepted_per_s": round(n / post_wall, 1),
        "commit_lag_ms": round((done - start - post_wall) * 1e3, 1),
        "noop_per_s": round(noop_rate, 1), "noop_p50_ms": round(percentile(noop_lat, 50) * 1e3, 1),
        "noop_p99_ms": round(percentile(noop_lat, 99) * 1e3, 1), "clients": args.clients, "n": n,
        "server": "werkzeug threaded (make_server), embedded SQLite, in-process background executor",
        "targets": {"orders_per_s": TARGET_ORDERS_PER_S, "p99_ms": TARGET_P99_MS, "ratio_to_noop": TARGET_RATIO},
        "load": [round(load_before, 2), round(load_after, 2)], "cpus": os.cpu_count(),
        "server_cpu_ms": ({"noop": round((cpu1 - cpu0) / n * 1e3, 2), "order": round((cpu2 - cpu1) / n * 1e3, 2)}
                          if None not in (cpu0, cpu1, cpu2) else None),
    }
    print(f"http (b): {n} order.paid POSTs and {n} no-op POSTs, {args.clients} clients; "
          f"load {load_before:.1f} → {load_after:.1f} on {os.cpu_count()} CPUs")
    print(f"  orders : {rate:8.1f} committed/s (accepted {figures['accepted_per_s']:.0f}/s, last commit "
          f"{figures['commit_lag_ms']:.0f} ms after the last answer)   POST p50 {figures['p50_ms']} ms  p99 "
          f"{figures['p99_ms']} ms")
    print(f"  no-op  : {noop_rate:8.1f} requests/s   p50 {figures['noop_p50_ms']} ms  p99 {figures['noop_p99_ms']} ms")
    if figures["server_cpu_ms"]:
        print(f"  server CPU per request: no-op {figures['server_cpu_ms']['noop']} ms, order (ingest + flows) "
              f"{figures['server_cpu_ms']['order']} ms")
    print(f"  ratio to no-op {rate / noop_rate:.3f} (target ≥ {TARGET_RATIO}); {TARGET_ORDERS_PER_S}/s "
          f"{'met' if rate >= TARGET_ORDERS_PER_S else 'MISSED'}; p99 ≤ {TARGET_P99_MS} ms "
          f"{'met' if p99 <= TARGET_P99_MS else 'MISSED'}")
    if args.json:
        print(json.dumps({"http": figures}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
