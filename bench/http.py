"""(b) HTTP ingest → committed order: ``POST /api/orders/events`` (``order.paid``) on the real server, against a
no-op endpoint of the same server in the same run.

The server is what ``orderloom serve`` runs, in its own process: ``designer.server`` — gunicorn, one
``gthread`` worker (keep-alive connections, a thread pool) — serving ``designer.server.designer_app`` on a
temporary data directory (embedded SQLite, the in-process executor's background thread runs the orders,
the outbox pump runs, Socket.IO is served, no client connected). The bench adds ``POST /api/bench/noop``
to that app object only (the production app has no such route): it answers ``202 {"ok": true}`` and does
nothing else — the same server, app, request handling and JSON answer, no work.

Workload (the issue's figure): the bench-anchors reference workload — ``bench/flows/reference.flow``
published as the one flow (routing stage) over ``plain.py``'s warehouses, costs and ETAs as master data
(``bench/service_world.build_reference_world``), orders from ``bench/orders.py`` mapped to the order model.
After the run every order's committed outcome (warehouse, priority, needs_approval, score) is compared
with ``plain.py``: ``mismatches`` must be 0 and the two checksums equal. A second figure, ``http_full``
(skipped with ``--no-full``): the demo world with all nine templates published (7 instances per order) —
the full pipeline, on a fifth of the orders.

Authentication: both endpoints are called with an operator's API token (``Authorization: Bearer``), and the
no-op gets the ingest endpoint's permission in the server process, so both pay the same check.

``--clients`` threads (default 32), each on its own keep-alive ``http.client`` connection, send the
requests as fast as the answers come back. Per endpoint: a warm-up, then the measured requests. For the
orders the clock runs from the first request until the last order is COMMITTED — every event processed by
the executor (polled in the database) — so ``orders_per_s`` counts orders run through their flows, not
just accepted; ``p99_ms`` is the POST's answer time. ``ratio_to_noop`` = orders/s ÷ no-op requests/s.

Prints the figures; with ``--json`` the last line is ``{"http": {"orders_per_s", "p99_ms", "ratio_to_noop",
"mismatches", …}, "http_full": {…}}``.
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
NOOP_ENDPOINT = "bench_noop"
INGEST = "/api/orders/events"
SERVER = "gunicorn 1 worker × gthread (designer.server, what `orderloom serve` runs), embedded SQLite, " \
         "in-process background executor"


# ---- the server process --------------------------------------------------------------------------------

def serve(data_dir: str, port: int) -> None:
    """What ``orderloom serve`` runs, plus the bench's no-op route; runs until terminated."""
    for name in ("ORDERLOOM_REDIS_URL", "ORDERLOOM_DATABASE_URL"):
        os.environ.pop(name, None)
    os.environ["ORDERLOOM_DATA_DIR"] = data_dir
    from designer import server
    from runtime.config import Settings

    settings = Settings.from_env()
    guard_like_ingest(NOOP_ENDPOINT)

    def noop():  # the baseline: the same server, app and request handling, no work
        return {"ok": True}, 202

    def app():
        built = server.designer_app(settings)
        built.add_url_rule(NOOP, NOOP_ENDPOINT, noop, methods=["GET", "POST"])
        return built

    server.serve(app, "127.0.0.1", port, on_exit=server.shutdown)


def guard_like_ingest(endpoint: str) -> None:
    """The no-op needs what the ingest needs (an operator's token), so both pay the same authentication;
    the rule goes into this server process's policy table only."""
    try:
        from designer.auth.policy import RULES
    except ImportError:  # a tree without authentication
        return
    RULES[endpoint] = RULES["orders.ingest_event"]


def operator_headers(url: str) -> dict[str, str]:
    """``Authorization`` with a new operator's API token, made by the store as ``orderloom token create``
    makes it (none in a tree without authentication)."""
    try:
        from runtime.store import users
    except ImportError:
        return {}
    from runtime.store.db import Database

    db = Database.open(url)
    with db.transaction() as session:
        user = users.create_user(session, "bench-operator", "operator")
        _, raw = users.create_token(session, user, role="operator", name="bench")
    db.dispose()
    return {"Authorization": f"Bearer {raw}"}


def start_server(data_dir: str) -> tuple[subprocess.Popen[bytes], int, Any]:
    """The server subprocess on a free port, once it answers; (process, port, its log file)."""
    port = _free_port()
    log = open(os.path.join(data_dir, "server.log"), "wb")  # noqa: SIM115 - closed with the server
    proc = subprocess.Popen([sys.executable, __file__, "--serve", data_dir, "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, cwd=str(ROOT))
    deadline = time.monotonic() + 60
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", NOOP)
            if conn.getresponse().status in (202, 401):  # answering (401: authentication is on)
                conn.close()
                return proc, port, log
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            stop_server(proc, log)
            raise RuntimeError("the bench server did not start:\n"
                               + Path(data_dir, "server.log").read_text(errors="replace")[-3000:])
        time.sleep(0.1)


def stop_server(proc: subprocess.Popen[bytes], log: Any) -> None:
    proc.terminate()
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def worker_pid(pid: int) -> int:
    """gunicorn's one worker: the child of the master ``pid`` (the master itself if none is found)."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return pid
    return int(children[0]) if children else pid


# ---- the clients ---------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def drive(port: int, path: str, bodies: list[bytes], clients: int, auth: dict[str, str],
          ) -> tuple[float, list[float], list[int]]:
    """POST every body from ``clients`` threads on keep-alive connections; returns (wall seconds, latencies in
    seconds, statuses)."""
    lock = threading.Lock()
    it = iter(bodies)
    latencies: list[float] = []
    statuses: list[int] = []
    headers = {"Content-Type": "application/json", **auth}

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


# ---- one measurement -----------------------------------------------------------------------------------

def measure(world: str, n: int, clients: int, seed: int) -> dict[str, Any]:
    """The no-op and the orders on a fresh server over a fresh ``world`` (``reference`` or ``full``)."""
    import service_world

    warm = max(100, n // 10)
    data_dir = tempfile.mkdtemp(prefix="orderloom-http-")
    url = f"sqlite:///{data_dir}/orderloom.db"
    build = service_world.build_reference_world if world == "reference" else service_world.build_world
    build(url).dispose()
    run = uuid.uuid4().hex[:8]
    payloads = service_world.payloads(n + warm, seed, run=run)
    noop_body = json.dumps({"source": SOURCE, "event_id": "noop", "kind": "order.paid", "payload": payloads[0]},
                           ensure_ascii=False).encode()
    auth = operator_headers(url)
    proc, port, log = start_server(data_dir)
    try:
        # warm-up: both endpoints, the orders committed before measuring
        drive(port, NOOP, [noop_body] * warm, clients, auth)
        drive(port, INGEST, order_bodies(payloads[:warm], f"{run}w"), clients, auth)
        wait_committed(url, f"{run}w", warm, 120)
        worker = worker_pid(proc.pid)
        load_before = os.getloadavg()[0]
        cpu0 = cpu_seconds(worker)
        noop_wall, noop_lat, noop_codes = drive(port, NOOP, [noop_body] * n, clients, auth)
        cpu1 = cpu_seconds(worker)
        start = time.perf_counter()
        post_wall, lat, codes = drive(port, INGEST, order_bodies(payloads[warm:], run), clients, auth)
        done = wait_committed(url, run, n, 300)
        cpu2 = cpu_seconds(worker)
        load_after = os.getloadavg()[0]
    finally:
        stop_server(proc, log)
    assert set(noop_codes) == {202}, set(noop_codes)
    assert set(codes) == {202}, {c: codes.count(c) for c in set(codes)}
    checked = {}
    if world == "reference":
        from runtime.store.db import Database

        db = Database.open(url)
        orders = service_world.orders(n + warm, seed)
        checked = service_world.compare(orders, service_world.reference_outcomes(db, run))  # warm-up too
        db.dispose()
    shutil.rmtree(data_dir, ignore_errors=True)
    noop_rate, rate = n / noop_wall, n / (done - start)
    p99 = percentile(lat, 99) * 1e3
    return {
        "orders_per_s": round(rate, 1), "p99_ms": round(p99, 1), "ratio_to_noop": round(rate / noop_rate, 4),
        **checked, "p50_ms": round(percentile(lat, 50) * 1e3, 1), "accepted_per_s": round(n / post_wall, 1),
        "commit_lag_ms": round((done - start - post_wall) * 1e3, 1),
        "noop_per_s": round(noop_rate, 1), "noop_p50_ms": round(percentile(noop_lat, 50) * 1e3, 1),
        "noop_p99_ms": round(percentile(noop_lat, 99) * 1e3, 1), "clients": clients, "n": n,
        "workload": "reference flow (bench-anchors)" if world == "reference" else "all nine templates (demo world)",
        "server": SERVER, "auth": "operator API token (Bearer) on both endpoints" if auth else "none",
        "targets": {"orders_per_s": TARGET_ORDERS_PER_S, "p99_ms": TARGET_P99_MS, "ratio_to_noop": TARGET_RATIO},
        "load": [round(load_before, 2), round(load_after, 2)], "cpus": os.cpu_count(),
        "server_cpu_ms": ({"noop": round((cpu1 - cpu0) / n * 1e3, 2), "order": round((cpu2 - cpu1) / n * 1e3, 2)}
                          if None not in (cpu0, cpu1, cpu2) else None),
    }


def report(name: str, f: dict[str, Any]) -> None:
    print(f"http ({name}): {f['n']} order.paid POSTs and {f['n']} no-op POSTs, {f['clients']} clients, "
          f"{f['workload']}; load {f['load'][0]:.1f} → {f['load'][1]:.1f} on {f['cpus']} CPUs")
    print(f"  orders : {f['orders_per_s']:8.1f} committed/s (accepted {f['accepted_per_s']:.0f}/s, last commit "
          f"{f['commit_lag_ms']:.0f} ms after the last answer)   POST p50 {f['p50_ms']} ms  p99 {f['p99_ms']} ms")
    print(f"  no-op  : {f['noop_per_s']:8.1f} requests/s   p50 {f['noop_p50_ms']} ms  p99 {f['noop_p99_ms']} ms")
    if f["server_cpu_ms"]:
        print(f"  server CPU per request: no-op {f['server_cpu_ms']['noop']} ms, order (HTTP + ingest + flows) "
              f"{f['server_cpu_ms']['order']} ms")
    if "mismatches" in f:
        print(f"  outcomes vs plain.py: {f['mismatches']} mismatches, checksum {f['checksum']} "
              f"(plain {f['plain_checksum']})")
    print(f"  ratio to no-op {f['ratio_to_noop']:.3f} (target ≥ {TARGET_RATIO}); {TARGET_ORDERS_PER_S}/s "
          f"{'met' if f['orders_per_s'] >= TARGET_ORDERS_PER_S else 'MISSED'}; p99 ≤ {TARGET_P99_MS} ms "
          f"{'met' if f['p99_ms'] <= TARGET_P99_MS else 'MISSED'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    parser.add_argument("--quick", action="store_true", help="fewer requests (well under a minute)")
    parser.add_argument("--no-full", dest="full", action="store_false",
                        help="skip the second figure, the nine-template pipeline (http_full)")
    parser.add_argument("--n", type=int, default=None, help="measured orders (default 5000, quick 1500)")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--serve", metavar="DATA_DIR", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.serve, args.port)
        return 0
    n = args.n or (1500 if args.quick else 5000)
    figures = {"http": measure("reference", n, args.clients, args.seed)}
    report("b", figures["http"])
    if args.full:
        figures["http_full"] = measure("full", max(200, n // 5), args.clients, args.seed)
        report("b, full pipeline", figures["http_full"])
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["http"].get("mismatches") == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
