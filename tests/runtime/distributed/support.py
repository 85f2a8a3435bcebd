"""Shared helpers of the distributed, outbox, live and contract tests.

- migrated databases: a SQLite file or a PostgreSQL database per test, copied from a template
  migrated once per session (names carry a random token, so they never collide with other suites);
- :class:`Receiver`: a local HTTP endpoint (``http.server`` on 127.0.0.1:0 in a thread) that checks
  the HMAC signature and applies each idempotency key once, with a scripted answer per attempt;
- :class:`WorkerProcess`: a real ``celery worker`` subprocess, started in its own process group and
  stopped (or SIGKILLed) by PID.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import make_url

from runtime.outbox import verify_signature
from runtime.store.db import make_engine
from runtime.store.migrate import upgrade

ROOT = Path(__file__).resolve().parents[3]


# ---------------------------------------------------------------- databases
def migrated_sqlite_template(directory: Path) -> str:
    path = directory / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return str(path)


def sqlite_copy(template: str, directory: Path) -> str:
    path = directory / "orderloom.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def _admin(url: str):
    return make_engine(make_url(url).set(database="postgres")).execution_options(isolation_level="AUTOCOMMIT")


class PgDatabases:
    """A migrated template database on the test server and fresh copies of it (dropped at the end)."""

    def __init__(self, server_url: str, prefix: str):
        self.server_url = server_url
        self.token = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
        self.template = f"{self.token}_tpl"
        self.created: list[str] = []
        self._admin = _admin(server_url)
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.template}"'))
        engine = make_engine(self.url(self.template))
        upgrade(engine)
        engine.dispose()
        self._n = 0

    def url(self, name: str) -> str:
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def fresh(self) -> str:
        self._n += 1
        name = f"{self.token}_{self._n}"
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"'))
        self.created.append(name)
        return self.url(name)

    def drop(self, name_or_url: str) -> None:
        name = make_url(name_or_url).database if "://" in name_or_url else name_or_url
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def close(self) -> None:
        for name in [*self.created, self.template]:
            self.drop(name)
        self._admin.dispose()


# ---------------------------------------------------------------- the HTTP receiver
@dataclass
class Received:
    key: str | None
    method: str
    path: str
    body: bytes
    signature_ok: bool
    headers: dict[str, str]


@dataclass
class Receiver:
    """A test endpoint: verifies the signature, applies each ``Idempotency-Key`` once, answers as scripted.

    ``script(key, attempt_no) -> (status, body)`` decides the answer (default 200 ``{"ok": true}``);
    ``apply_before_answer``: the key is applied even when the answer is an error (a lost response).
    """

    secret: str
    script: Callable[[str | None, int], tuple[int, Any]] | None = None
    delay_s: float = 0.0
    apply_before_answer: bool = False
    requests: list[Received] = field(default_factory=list)
    applied: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    attempts: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                receiver._on_request(self, body)

            do_POST = do_PUT = do_GET = do_DELETE = do_PATCH = _handle

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def _on_request(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        key = handler.headers.get("Idempotency-Key")
        ok = verify_signature(self.secret, body, handler.headers.get("X-Orderloom-Signature"))
        with self._lock:
            self.requests.append(Received(key, handler.command, handler.path, body, ok, dict(handler.headers)))
            self.attempts[key] += 1
            attempt = self.attempts[key]
        if self.delay_s:
            time.sleep(self.delay_s)
        status, answer = (200, {"ok": True}) if self.script is None else self.script(key, attempt)
        if ok and key and (200 <= status < 300 or self.apply_before_answer):
            with self._lock:
                if key not in self.applied or self.applied[key] == 0:
                    self.applied[key] = 1  # apply once: a repeated key is acknowledged, not applied again
        if not ok:
            status, answer = 401, {"error": "bad signature"}
        data = json.dumps(answer).encode() if not isinstance(answer, bytes) else answer
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except OSError:
            pass

    def keys(self) -> list[str | None]:
        with self._lock:
            return [r.key for r in self.requests]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


# ---------------------------------------------------------------- a real Celery worker
CELERY_APP = "runtime.executors.celery_app"


@dataclass
class WorkerProcess:
    """``celery worker`` (optionally with embedded beat) as our child, in its own process group."""

    env: dict[str, str]
    log_path: Path
    concurrency: int = 2
    beat: bool = True
    hostname: str = ""
    proc: subprocess.Popen | None = None

    def start(self) -> WorkerProcess:
        self.hostname = self.hostname or f"w{secrets.token_hex(3)}@%h"
        cmd = [sys.executable, "-m", "celery", "-A", CELERY_APP, "worker", f"--concurrency={self.concurrency}",
               "--loglevel=info", "--without-mingle", "--without-gossip", "-n", self.hostname]
        if self.beat:
            cmd += ["-B"]
        log = open(self.log_path, "ab")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                                     start_new_session=True)
        log.close()
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def wait_ready(self, app: Any, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        name = self.hostname.replace("%h", _hostname())
        while True:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError(f"celery worker exited with {self.proc.returncode}:\n{self.tail()}")
            replies = app.control.ping(timeout=0.5, destination=[name])
            if replies:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"celery worker did not answer a ping in {timeout} s:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL the whole worker (main process and pool children: its process group)."""
        if self.proc is None or self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=10)

    def stop(self, timeout: float = 20) -> None:
        """Warm shutdown (SIGTERM), then SIGKILL of the group if it does not end in ``timeout``."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
        try:  # pool children left behind by an unclean end
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


def _hostname() -> str:
    import socket

    return socket.gethostname()


@contextmanager
def running_worker(env: dict[str, str], log_path: Path, app: Any, **options: Any) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(env, log_path, **options).start()
    try:
        worker.wait_ready(app)
        yield worker
    finally:
        worker.stop()


def wait_until(predicate: Callable[[], Any], timeout: float, interval: float = 0.1, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


# ---------------------------------------------------------------- a small world for the worker tests
SECRET = "dist-secret"
TELL, LATER, CHECK = "dist-tell", "dist-later", "dist-check"


def _flow(key: str, nodes: list[dict[str, Any]], edges: list[tuple[str, str, str]], when: str | None = None,
          priority_note: str = "") -> dict[str, Any]:
    return {"format": "orderloom.flow/1", "key": key, "name": key, "kind": "intake", "description": priority_note,
            "trigger": {"start": nodes[0]["id"], **({"when": when} if when else {})},
            "nodes": nodes, "edges": [{"from": a, "port": p, "to": b} for a, p, b in edges]}


def flows() -> list[dict[str, Any]]:
    """Three intake flows: every order is told by SMS (an outbox effect); totals over 9000 wait 3 s on a
    timer; totals between 5000 and 9000 call the ERP (call_service, answered by the outbox deliverer)."""
    return [
        _flow(TELL, [
            {"id": "tell", "type": "notify", "config": {"channel": "sms", "to": "customer", "title": "已收到",
                                                         "message": '"订单 " + order.id + " 已收到"'}},
            {"id": "told", "type": "end", "config": {"outcome": "told"}}], [("tell", "next", "told")]),
        _flow(LATER, [
            {"id": "wait", "type": "timer", "config": {"duration": "3s"}},
            {"id": "waited", "type": "end", "config": {"outcome": "waited"}}], [("wait", "next", "waited")],
            when="order.total > 9000"),
        _flow(CHECK, [
            {"id": "check", "type": "call_service", "config": {"connection": "erp", "method": "POST",
                                                               "path": "/check", "body": {"total": "order.total"},
                                                               "result_var": "erp"}},
            {"id": "ok", "type": "end", "config": {"outcome": "checked"}},
            {"id": "failed", "type": "end", "config": {"outcome": "check_failed"}}],
            [("check", "ok", "ok"), ("check", "error", "failed")], when="order.total > 5000 and order.total <= 9000"),
    ]


def seed(db: Any, receiver_url: str) -> None:
    """Channel, a warehouse with stock, the connections ``notify_sms`` and ``erp`` → the receiver, the flows."""
    from decimal import Decimal

    from runtime.store.models import Channel, Connection, Stock, Warehouse
    from runtime.store.versions import publish_document

    with db.transaction() as s:
        s.add(Channel(code="tmall", name="天猫"))
        s.add(Warehouse(code="hz", name="杭州仓", region="east", capacity_per_day=5000, load=Decimal("0.2")))
        s.flush()
        s.add(Stock(sku="TEA-01", warehouse_code="hz", available=100000, reserved=0))
        s.add(Connection(name="notify_sms", base_url=receiver_url + "/sms", secret=SECRET, timeout_ms=3000))
        s.add(Connection(name="erp", base_url=receiver_url + "/erp", secret=SECRET, timeout_ms=3000))
        for doc in flows():
            publish_document(s, doc, user="test")


def order_payload(n: int, total: str = "199.00") -> dict[str, Any]:
    return {"channel": "tmall", "channel_order_no": f"TM{n}", "total": total, "currency": "CNY",
            "customer": {"id": f"C-{n % 7}", "name": "李雷", "phone": f"1380000{n % 7:04d}", "tier": "NORMAL",
                         "new": False},
            "address": {"province": "浙江", "city": "杭州", "district": "西湖区", "region": "east", "country": "CN",
                        "detail": "文三路 1 号", "phone": f"1380000{n % 7:04d}", "recipient": "李雷"},
            "lines": [{"sku": "TEA-01", "name": "龙井", "qty": 1, "price": total, "weight_kg": 0.5,
                       "medical_class": None, "cold_chain": False, "gift": False}]}


def worker_env(database_url: str, redis_url: str, data_dir: Path) -> dict[str, str]:
    """The environment of a worker subprocess: ours, minus every other ORDERLOOM_* setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERLOOM_")}
    env.update(ORDERLOOM_DATABASE_URL=database_url, ORDERLOOM_REDIS_URL=redis_url, ORDERLOOM_DATA_DIR=str(data_dir),
               PYTHONUNBUFFERED="1")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def with_db_index(redis_url: str, index: int) -> str:
    """``redis_url`` pointing at database ``index`` (the worker tests keep their queues and stream apart)."""
    base = redis_url.rsplit("/", 1)[0] if redis_url.rstrip("/").count("/") > 2 else redis_url.rstrip("/")
    return f"{base}/{index}"
