"""`orderloom serve` for real: one gunicorn gthread worker in a subprocess, keep-alive HTTP, and — on the embedded
default — Socket.IO served by the same process: a python-socketio client on a real WebSocket joins an order's
room and receives that order's step events after the order is ingested over HTTP."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import socketio

from designer import extensions
from runtime.config import Settings
from runtime.contracts import validator
from runtime.demo import seed
from runtime.store.db import Database
from runtime.store.migrate import upgrade
from tests.auth_support import token_for
from tests.designer.runtime_world import paid_order
from tests.designer.test_cli_serve_demo import free_port, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(120)]


class Server:
    """An `orderloom serve` subprocess on a seeded data directory, with an operator's token."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "ORDERLOOM_DATA_DIR": str(data_dir)}
        for name in ("ORDERLOOM_REDIS_URL", "ORDERLOOM_DATABASE_URL"):
            env.pop(name, None)
        database_url = f"sqlite:///{data_dir}/orderloom.db"
        db = Database.open(database_url)
        upgrade(db.engine)
        seed(db, receiver_url="http://127.0.0.1:9/none")  # demo master data, the template flows published
        db.dispose()
        self.token = token_for(database_url, "operator")
        script = Path(sys.executable).with_name("orderloom")
        self.proc = subprocess.Popen([str(script), "serve", "--port", str(self.port)], env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def post(self, conn: http.client.HTTPConnection, path: str, body: dict) -> tuple[int, dict, str | None]:
        conn.request("POST", path, json.dumps(body), {"Content-Type": "application/json",
                                                     "Authorization": f"Bearer {self.token}"})
        response = conn.getresponse()
        return response.status, json.loads(response.read()), response.getheader("Connection")

    def up(self) -> bool:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            conn.request("GET", "/api/health")
            return conn.getresponse().status in (200, 503)
        except OSError:
            assert self.proc.poll() is None, self.proc.stdout.read()
            return False

    def stop(self) -> str:
        self.proc.terminate()
        output, _ = self.proc.communicate(timeout=30)
        return output


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    running = Server(tmp_path_factory.mktemp("serve"))
    try:
        wait_for(running.up, 60)
        yield running
    finally:
        running.stop()


class LiveClient:
    """A python-socketio client on the WebSocket transport, keeping every ``batch`` it receives."""

    def __init__(self, server: Server) -> None:
        self.batches: list[dict] = []
        self._lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("batch", self._on)
        self.sio.connect(server.url, transports=["websocket"], wait_timeout=10, auth={"token": server.token},
                         headers={"Authorization": f"Bearer {server.token}"})

    def _on(self, data: dict) -> None:
        with self._lock:
            self.batches.append(data)

    def events(self, room: str, name: str) -> list[dict]:
        with self._lock:
            return [e for b in self.batches if b["room"] == room for e in b["events"] if e["event"] == name]


def test_a_joined_client_receives_the_steps_of_an_order_ingested_over_http(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    order = paid_order(71)
    status, created, _ = server.post(conn, "/api/orders/events", {"source": "t", "event_id": "c-71",
                                                                  "kind": "order.created", "payload": order})
    assert status == 202
    order_id = created["order_id"]
    other = paid_order(72)  # an order nobody joined
    client = LiveClient(server)
    try:
        room = f"order:{order_id}"
        assert client.sio.call("join", {"room": room}, timeout=5) == {"ok": True, "room": room}
        status, paid, keep = server.post(conn, "/api/orders/events", {"source": "t", "event_id": "p-71",
                                                                      "kind": "order.paid", "payload": order})
        assert (status, paid["order_id"]) == (202, order_id)
        assert keep != "close", "the connection is kept alive between requests"
        status, second, _ = server.post(conn, "/api/orders/events", {"source": "t", "event_id": "p-72",
                                                                     "kind": "order.paid", "payload": other})
        assert status == 202

        def routed() -> bool:
            statuses = [e["data"]["status"] for e in client.events(room, "order.status")]
            return "routed" in statuses

        wait_for(routed, 30)
        steps = client.events(room, "order.step")
        flows = {e["data"]["flow"] for e in steps}
        assert all(e["data"]["order_id"] == order_id for e in steps)
        assert any(e["data"]["step"]["type"] == "route" for e in steps), flows
        assert {"intake", "approval", "routing"} <= {e["data"]["stage"] for e in steps}
        live = validator("live-events")
        for batch in client.batches:
            assert list(live.iter_errors(batch)) == []
        time.sleep(0.5)
        assert not [b for b in client.batches if b["room"] == f"order:{second['order_id']}"]
    finally:
        client.sio.disconnect()
        conn.close()


def test_live_events_are_built_only_while_a_client_is_connected(tmp_path):
    from designer.server import designer_app, shutdown

    settings = Settings.from_env({"ORDERLOOM_DATA_DIR": str(tmp_path)})
    app = designer_app(settings)
    try:
        rt = app.extensions[extensions.runtime.key]
        assert rt._live() is False  # no client: the runtime does not build live events
        client = app.extensions["socketio"].test_client(app)
        assert client.is_connected() and rt._live() is True
        client.disconnect()
        assert rt._live() is False
    finally:
        shutdown(app)
