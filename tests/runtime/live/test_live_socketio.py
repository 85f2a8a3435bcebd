"""Live events through a real Redis message queue to a real Flask-SocketIO server and a python-socketio client."""

from __future__ import annotations

import logging
import threading
import time

import pytest
import redis as redis_lib
import socketio

from runtime.contracts import validator
from runtime.live import STREAM, CompositePublisher, SocketIOPublisher, StreamPublisher, make_publisher
from runtime.store import migrate
from tests.auth_support import token_for
from tests.runtime.distributed.support import wait_until

pytestmark = [pytest.mark.services, pytest.mark.timeout(60)]


class Client:
    def __init__(self, url, token=None):
        self.batches = []
        self._lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("batch", self._on)
        self.sio.connect(url, transports=["websocket"], wait_timeout=10,
                         auth={"token": token} if token is not None else None)

    def join(self, room):
        return self.sio.call("join", {"room": room}, timeout=5)

    def _on(self, data):
        with self._lock:
            self.batches.append(data)

    def of(self, room):
        with self._lock:
            return [b for b in self.batches if b["room"] == room]


@pytest.fixture
def client(live_server, live_token):
    c = Client(live_server, live_token)
    yield c
    c.sio.disconnect()


def step(order, seq):
    return {"event": "order.step", "room": f"order:{order}",
            "data": {"order_id": order, "instance_id": 1, "flow": "f", "version": 1, "stage": "intake",
                     "step": {"seq": seq, "node": f"n{seq}", "type": "end", "label": "", "port": None,
                              "status": "done", "started": "2026-03-02T10:00:00+08:00",
                              "ended": "2026-03-02T10:00:00+08:00", "actor": None, "token": 1,
                              "explanation": {"outcome": "done"}}}}


def test_a_burst_is_one_batch_per_room_and_window_with_superseded_statuses_dropped(client, live_redis_url):
    assert client.sio.call("join", {"room": "order:1"}, timeout=5) == {"ok": True, "room": "order:1"}
    assert client.sio.call("join", {"room": "flow:f"}, timeout=5)["ok"]
    publisher = SocketIOPublisher(live_redis_url, window=0.3)
    try:
        for seq in range(1, 31):  # 30 steps and 30 status changes in well under one window
            publisher.publish([step(1, seq), {"event": "order.status", "room": "order:1",
                                              "data": {"order_id": 1, "status": f"s{seq}"}}])
        publisher.publish([{"event": "instance.status", "room": "flow:f",
                            "data": {"id": 1, "order_id": 1, "status": "completed", "flow": "f"}}])
        publisher.publish([step(2, 1)])  # a room nobody here joined
        wait_until(lambda: client.of("order:1") and client.of("flow:f"), 10, what="the batches")
        time.sleep(0.8)  # nothing else arrives
    finally:
        publisher.close()
    [batch] = client.of("order:1")
    assert [e["data"]["step"]["seq"] for e in batch["events"] if e["event"] == "order.step"] == list(range(1, 31))
    assert [e["data"]["status"] for e in batch["events"] if e["event"] == "order.status"] == ["s30"]
    assert len(client.of("flow:f")) == 1 and client.of("order:2") == []
    live = validator("live-events")
    for b in client.batches:
        assert list(live.iter_errors(b)) == []


def test_leave_stops_events_and_bad_rooms_are_refused(client, live_redis_url):
    assert client.sio.call("join", {"room": "group:finance"}, timeout=5)["ok"]
    assert client.sio.call("join", {"room": "group:../x"}, timeout=5)["error"]["code"] == "ROOM_INVALID"
    assert client.sio.call("join", "order:1", timeout=5)["error"]["code"] == "ROOM_INVALID"
    publisher = SocketIOPublisher(live_redis_url, window=0.05)
    try:
        publisher.publish([{"event": "task.created", "room": "group:finance", "data": {"id": 1, "status": "open"}}])
        wait_until(lambda: client.of("group:finance"), 10, what="the task event")
        assert client.sio.call("leave", {"room": "group:finance"}, timeout=5) == {"ok": True, "room": "group:finance"}
        publisher.publish([{"event": "task.updated", "room": "group:finance", "data": {"id": 1, "status": "claimed"}}])
        publisher.flush()
        time.sleep(0.7)
    finally:
        publisher.close()
    assert [e["event"] for b in client.of("group:finance") for e in b["events"]] == ["task.created"]


@pytest.fixture
def live_check():
    calls = []

    def check(room, auth, environ):
        calls.append((room, auth))
        return room != "group:risk"

    check.calls = calls
    return check


def test_the_single_rights_check_decides_every_join(live_check, client, live_token):
    assert client.sio.call("join", {"room": "group:risk"}, timeout=5)["error"]["code"] == "ROOM_FORBIDDEN"
    assert client.sio.call("join", {"room": "order:5"}, timeout=5)["ok"]
    assert live_check.calls == [("group:risk", {"token": live_token}), ("order:5", {"token": live_token})]


def test_joins_need_a_known_user_and_group_rooms_a_member(live_server, client, sqlite_url):
    assert client.join("order:5")["ok"] and client.join("flow:vip-gift")["ok"], "any signed-in user reads"
    assert client.join("group:finance")["ok"], "op-live is in finance"
    assert client.join("group:risk")["error"]["code"] == "ROOM_FORBIDDEN", "but not in risk"
    admin = Client(live_server, token_for(sqlite_url, "admin"))
    strangers = [Client(live_server), Client(live_server, "olt_not-a-token")]
    try:
        assert admin.join("group:risk")["ok"], "admins join every group"
        for stranger in strangers:
            assert stranger.join("order:5")["error"]["code"] == "ROOM_FORBIDDEN"
    finally:
        for c in [admin, *strangers]:
            c.sio.disconnect()


def test_the_stream_gets_every_event_trimmed_to_about_maxlen(live_redis_url):
    red = redis_lib.Redis.from_url(live_redis_url, decode_responses=True)
    publisher = StreamPublisher(live_redis_url, maxlen=100, window=0.05)
    try:
        for seq in range(1, 1001):
            publisher.publish([step(9, seq)])
        publisher.flush()
    finally:
        publisher.close()
    length = red.xlen(STREAM)
    assert 100 <= length < 300  # MAXLEN ~ 100: trimmed by whole macro nodes
    entries = red.xrange(STREAM)
    import json
    seqs = [json.loads(f["data"])["step"]["seq"] for _, f in entries]
    assert seqs == sorted(seqs) and seqs[-1] == 1000  # in order, the newest kept
    schema = validator("stream-record")
    assert all(not list(schema.iter_errors(f)) for _, f in entries)
    red.close()


def test_a_broken_sink_never_reaches_the_runtime(caplog):
    publisher = make_publisher("redis://127.0.0.1:9/0", window=0)  # nothing listens on port 9
    assert isinstance(publisher, CompositePublisher)
    with caplog.at_level(logging.ERROR):
        publisher.publish([step(1, 1)])  # window 0: delivered (and failing) in this thread
    assert "live: dropping 1" in caplog.text
    publisher.close()


def test_the_standalone_socketio_process_relays_what_other_processes_publish(live_redis_url, tmp_path):
    """``python -m runtime.live.socket_server``: its own process, fed by Redis, as in distributed mode."""
    import os
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("ORDERLOOM_")}
    env.update(ORDERLOOM_REDIS_URL=live_redis_url, ORDERLOOM_DATA_DIR=str(tmp_path / "var"))
    store = f"sqlite:///{tmp_path / 'var' / 'orderloom.db'}"  # the process's default database
    (tmp_path / "var").mkdir()
    migrate.upgrade(store)
    token = token_for(store, "reviewer")
    log = open(tmp_path / "live.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "runtime.live.socket_server", "--port", str(port)], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    client = None
    publisher = make_publisher(live_redis_url, window=0.05)
    try:
        def up():
            try:
                with urllib.request.urlopen(base + "/live/health", timeout=1) as answer:
                    return answer.status == 200
            except OSError:
                return proc.poll() is not None and pytest.fail((tmp_path / "live.log").read_text())
        wait_until(up, 20, what="the Socket.IO process")
        client = Client(base, token)
        assert client.sio.call("join", {"room": "order:42"}, timeout=5)["ok"]
        publisher.publish([step(42, 1)])
        wait_until(lambda: client.of("order:42"), 10, what="the relayed batch")
    finally:
        publisher.close()
        if client is not None:
            client.sio.disconnect()
        proc.terminate()
        proc.wait(timeout=10)
        log.close()
