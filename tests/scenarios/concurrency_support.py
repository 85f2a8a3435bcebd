"""What ``test_concurrent_reservations`` needs (not a test module): real server processes on one database,
the seed, order senders for spawned OS processes, and a sampler of the stock row over HTTP.

Two kinds of server, both the real app over real HTTP, sharing one database:

- ``orderloom serve`` (the shipped command): the answer comes at once, the in-process executor's
  background thread runs the order, and its sweeper picks up whatever another process left unprocessed;
- ``python -m tests.scenarios.concurrency_support wsgi --port N``: ``create_app()`` as a WSGI host would
  load it (no ``background``), on werkzeug's threaded server: every request thread runs its order
  before answering, so reservations race inside this process as well as against the other server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(str(p) for p in (ROOT / "templates").glob("*.flow"))

SKU = "RACE-TEA-01"
OTHER_SKU = "RACE-CUP-02"
UNITS = 50
STOCKED = "hz"
#: code, region, load, cold chain: the SKU is only in hz; sh and bj are open and hold only OTHER_SKU
WAREHOUSES = [("hz", "east", "0.300", False), ("sh", "east", "0.100", False), ("bj", "north", "0.200", False)]
#: every warehouse region ships to the orders' region (central), so every warehouse is a routing candidate
CARRIER_RATES = [{"origin_region": "east", "dest_region": "central", "cost_per_unit": "8", "eta_hours": "30"},
                 {"origin_region": "north", "dest_region": "central", "cost_per_unit": "9", "eta_hours": "36"}]
CHANNEL = "tmall"
CUSTOMER_REF = "C-RACE-1"
CUSTOMER_PHONE = "13900001111"
PRICE = Decimal("128.00")  # well under S1's 5000: no approval holds these orders
RETRIABLE = (503,)
#: the API token every request of this process sends (``use_token``); the servers share one database
_credentials: dict[str, str] = {}


# ---- HTTP ------------------------------------------------------------------------------------------------

def use_token(token: str) -> None:
    """Sign every later request of this process with ``Authorization: Bearer <token>``."""
    _credentials["token"] = token


def call(base: str, method: str, path: str, body: Any = None, timeout: float = 30.0) -> tuple[int, Any]:
    """(status, JSON answer) of one request; error answers are returned, not raised."""
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if "token" in _credentials:
        headers["Authorization"] = f"Bearer {_credentials['token']}"
    request = urllib.request.Request(base + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as exc:
        raw = exc.read()
        try:
            return exc.code, json.loads(raw)
        except ValueError:
            return exc.code, raw.decode("utf-8", "replace")


def ok(base: str, method: str, path: str, body: Any = None) -> Any:
    status, answer = call(base, method, path, body)
    assert 200 <= status < 300, f"{method} {path} on {base}: {status} {answer}"
    return answer


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---- servers ---------------------------------------------------------------------------------------------

@dataclass
class Server:
    """A server subprocess; stopped by its PID."""

    name: str
    port: int
    proc: subprocess.Popen
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def wait_healthy(self, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            assert self.proc.poll() is None, f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}"
            try:
                status, answer = call(self.base, "GET", "/api/health", timeout=5)
                if status == 200:
                    return answer
            except OSError:
                pass
            assert time.monotonic() < deadline, f"{self.name} not healthy after {timeout} s:\n{self.log_tail()}"
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM to this PID only
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)


def start_server(kind: str, env: dict[str, str], workdir: Path) -> Server:
    """``cli``: ``orderloom serve``; ``wsgi``: this module's threaded werkzeug server around ``create_app()``."""
    port = free_port()
    log = workdir / f"server-{kind}-{port}.log"
    if kind == "cli":
        cmd = [str(Path(sys.executable).with_name("orderloom")), "serve", "--port", str(port)]
    else:
        cmd = [sys.executable, "-m", "tests.scenarios.concurrency_support", "wsgi", "--port", str(port)]
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
    return Server(kind, port, proc, log)


def serve_wsgi(port: int) -> None:
    """``create_app()`` from the environment, as a WSGI host loads it, on werkzeug's threaded server."""
    from werkzeug.serving import make_server

    from designer import create_app

    server = make_server("127.0.0.1", port, create_app(), threaded=True)
    server.serve_forever()


# ---- the seed --------------------------------------------------------------------------------------------

def seed_database(url: str) -> None:
    """Migrate; the rows that have no endpoint: the channel, the warehouses (all open) and the customer."""
    from runtime.store.customers import fingerprint
    from runtime.store.db import Database
    from runtime.store.migrate import upgrade
    from runtime.store.models import Channel, Customer, Warehouse

    upgrade(url)
    database = Database.open(url)
    try:
        with database.transaction() as session:
            session.add(Channel(code=CHANNEL, name="天猫", active=True))
            for code, region, load, cold in WAREHOUSES:
                session.add(Warehouse(code=code, name=f"{code} 仓", region=region, status="open",
                                      capacity_per_day=10_000, load=Decimal(load), cold_chain=cold))
            address = "湖北武汉武昌区中山路 1 号"
            session.add(Customer(external_ref=CUSTOMER_REF, name="韩梅梅", phone=CUSTOMER_PHONE, address=address,
                                 tier="NORMAL", is_new=False, fingerprint=fingerprint(CUSTOMER_PHONE, address)))
    finally:
        database.dispose()


def publish_templates(env: dict[str, str]) -> str:
    """``orderloom publish`` every template (intake, approval, routing, returns, the CE sub-flow)."""
    done = subprocess.run([str(Path(sys.executable).with_name("orderloom")), "publish", *TEMPLATES], env=env,
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def seed_over_http(base: str) -> None:
    """Stock and carriers through the API: the SKU's 50 units in hz only; the other warehouses stock
    something else; one carrier reaching the orders' region from every warehouse."""
    ok(base, "POST", "/api/stock", {"sku": SKU, "warehouse": STOCKED, "delta": UNITS, "reason": "期初库存"})
    for code, *_ in WAREHOUSES:
        ok(base, "POST", "/api/stock", {"sku": OTHER_SKU, "warehouse": code, "delta": 20, "reason": "期初库存"})
    ok(base, "PUT", "/api/carriers/zto", {"name": "中通", "cold_chain": False, "rates": CARRIER_RATES})


def order_payload(number: str) -> dict[str, Any]:
    """``order.paid`` for 1 unit of the SKU, to Wuhan (central), by the seeded NORMAL customer, no coupon."""
    total = str(PRICE)
    return {"channel": CHANNEL, "channel_order_no": number, "total": total,
            "customer": {"id": CUSTOMER_REF, "name": "韩梅梅", "phone": CUSTOMER_PHONE, "tier": "NORMAL"},
            "address": {"province": "湖北", "city": "武汉", "district": "武昌区", "region": "central", "country": "CN",
                        "detail": "中山路 1 号", "phone": CUSTOMER_PHONE, "recipient": "韩梅梅"},
            "lines": [{"sku": SKU, "name": "龙井", "qty": 1, "price": total, "weight_kg": "0.5"}],
            "coupon_used": False, "coupon_codes": [], "accepts_split": True,
            "payment": {"method": "alipay", "amount": total}}


# ---- senders: run in spawned OS processes ----------------------------------------------------------------

@dataclass
class Sent:
    """One event as its sender saw it: every HTTP status it got (503s retried with the same event id)."""

    event_id: str
    number: str
    server: str
    statuses: list[int] = field(default_factory=list)
    order_id: int | None = None
    duplicate: bool | None = None
    error: str | None = None
    retry_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0


def send_one(base: str, source: str, event_id: str, number: str, attempts: int = 8) -> Sent:
    sent = Sent(event_id, number, base)
    body = {"source": source, "event_id": event_id, "kind": "order.paid", "payload": order_payload(number)}
    started = time.monotonic()
    for attempt in range(attempts):
        try:
            status, answer = call(base, "POST", "/api/orders/events", body, timeout=60)
        except (OSError, http.client.HTTPException) as exc:  # refused / reset: resend the same event id
            sent.statuses.append(0)
            sent.error = f"{type(exc).__name__}: {exc}"
            sent.retry_errors.append(sent.error)
            time.sleep(0.2 * (attempt + 1))
            continue
        sent.statuses.append(status)
        if status in (200, 202):
            sent.order_id, sent.duplicate, sent.error = answer["order_id"], answer["duplicate"], None
            break
        sent.error = json.dumps(answer, ensure_ascii=False)[:500] if not isinstance(answer, str) else answer[:500]
        if status not in RETRIABLE:
            break
        sent.retry_errors.append(sent.error)
        time.sleep(0.2 * (attempt + 1))
    sent.seconds = time.monotonic() - started
    return sent


def sender_process(index: int, bases: list[str], prefix: str, count: int, threads: int, ready, go, results,
                   token: str) -> None:
    """Send ``count`` order.paid events from ``threads`` threads of this OS process, all released at once
    when ``go`` is set; event ``k`` goes to ``bases[k % len(bases)]``; signed with ``token`` (an operator's).
    Puts ``(pid, [Sent as dict])``."""
    import dataclasses

    use_token(token)
    jobs = [(bases[k % len(bases)], f"{prefix}-p{index}-e{k:03d}", f"{prefix}-{index}-{k:03d}") for k in range(count)]
    out: list[Sent] = []
    lock = threading.Lock()
    start = threading.Barrier(threads + 1)

    def work(mine: list[tuple[str, str, str]]) -> None:
        start.wait()
        for base, event_id, number in mine:
            sent = send_one(base, "race", event_id, number)
            with lock:
                out.append(sent)

    pool = [threading.Thread(target=work, args=(jobs[t::threads],), daemon=True) for t in range(threads)]
    for thread in pool:
        thread.start()
    ready.wait()  # every process's threads are up
    go.wait()
    start.wait()
    for thread in pool:
        thread.join()
    results.put((os.getpid(), [dataclasses.asdict(s) for s in out]))


# ---- watching the stock row while the orders run ---------------------------------------------------------

class StockSampler(threading.Thread):
    """Reads ``GET /api/stock?sku=…`` in a loop (alternating servers) until stopped."""

    def __init__(self, bases: list[str], sku: str, interval: float = 0.02) -> None:
        super().__init__(name="stock-sampler", daemon=True)
        self.bases, self.sku, self.interval = bases, sku, interval
        self.samples: list[tuple[float, str, list[dict[str, Any]]]] = []
        self.errors: list[str] = []
        self._stop_event = threading.Event()

    def run(self) -> None:
        k = 0
        while not self._stop_event.is_set():
            base = self.bases[k % len(self.bases)]
            k += 1
            try:
                status, answer = call(base, "GET", f"/api/stock?sku={self.sku}", timeout=30)
            except OSError as exc:
                self.errors.append(f"{base}: {exc}")
                continue
            if status == 200:
                self.samples.append((time.monotonic(), base, answer["items"]))
            else:
                self.errors.append(f"{base}: {status} {answer}")
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join(30)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="concurrency_support")
    sub = parser.add_subparsers(dest="command", required=True)
    wsgi = sub.add_parser("wsgi", help="serve create_app() on werkzeug's threaded server")
    wsgi.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    if args.command == "wsgi":
        serve_wsgi(args.port)


if __name__ == "__main__":
    main()
