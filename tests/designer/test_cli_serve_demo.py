"""`make run`'s path for real: `orderloom demo`, then `orderloom serve --demo-trickle` in a subprocess, where the
background executor runs orders and the outbox pump calls the demo receiver for the CE check (S9)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.designer.runtime_world import paid_order

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def call(port: int, path: str, body: dict | None = None, token: str | None = None) -> dict:
    data = json.dumps(body).encode() if body is not None else None
    headers = {"Content-Type": "application/json"} if data else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=data, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.load(response)


def wait_for(predicate, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def test_serve_runs_the_demo_with_orders_flowing_and_the_outbox_delivered(tmp_path):
    port = free_port()
    env = {**os.environ, "ORDERLOOM_DATA_DIR": str(tmp_path / "var")}
    script = Path(sys.executable).with_name("orderloom")
    seeded = subprocess.run([str(script), "demo", "--receiver-url", f"http://127.0.0.1:{port}/api/demo-receiver"],
                            env=env, capture_output=True, text=True, timeout=120)
    assert seeded.returncode == 0, seeded.stderr
    assert "operator (operator, finance, risk, after-sales)" in seeded.stdout, "the demo users are listed"
    minted = subprocess.run([str(script), "token", "create", "--user", "operator", "--name", "test"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert minted.returncode == 0, minted.stderr
    token = minted.stdout.strip()
    proc = subprocess.Popen([str(script), "serve", "--port", str(port), "--demo-trickle", "5",
                             "--trickle-interval", "0.2"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        def up():
            try:
                return call(port, "/api/health")
            except OSError:
                assert proc.poll() is None, proc.stdout.read()
                return None

        assert wait_for(up)["workers"] == "in-process"
        order = paid_order(1, lines=[{"sku": "MED-001", "name": "血糖仪", "qty": 1, "price": "899.00",
                                      "weight_kg": "0.4", "medical_class": "IIa"}], total="899.00")
        order["address"] = {**order["address"], "country": "DE", "province": "Berlin", "city": "Berlin"}
        answer = call(port, "/api/orders/events", {"source": "t", "event_id": "de-1", "kind": "order.paid",
                                                   "payload": order}, token)
        routed = wait_for(lambda: call(port, f"/api/orders/{answer['order_id']}", token=token)["status"] == "routed")
        assert routed
        timeline = call(port, f"/api/orders/{answer['order_id']}/timeline", token=token)
        ce = [i for s in timeline["stages"] for i in s["instances"] if i["flow"] == "ce-certificate-check"]
        assert ce[0]["outcome"] == "passed", "the demo receiver answered the CE check through the outbox"
        wait_for(lambda: len(call(port, "/api/orders?limit=50", token=token)["orders"]) >= 6)
    finally:
        proc.terminate()
        output, _ = proc.communicate(timeout=20)
    assert "demo: 5 sample order(s)" in output
