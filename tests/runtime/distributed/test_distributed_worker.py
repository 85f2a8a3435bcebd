"""A real Celery worker executes orders: timeline in PostgreSQL, live events over Socket.IO and the Redis
stream, outbox delivered and call_service answered — everything emitted FROM THE WORKER process."""

from __future__ import annotations

import json
import threading
import time

import pytest
import socketio

from runtime.contracts import validator
from runtime.executors.celery_app import CeleryExecutor
from runtime.live import STREAM
from runtime.outbox import verify_signature
from runtime.service import NullPublisher, Runtime
from runtime.store.models import Instance, OutboxEffect, Timer
from tests.runtime.distributed.support import (
    CHECK,
    SECRET,
    TELL,
    order_payload,
    running_worker,
    wait_until,
)

pytestmark = [pytest.mark.services, pytest.mark.timeout(180)]


class LiveClient:
    """A python-socketio client that joins rooms and keeps every ``batch`` it receives."""

    def __init__(self, url: str, token: str):
        self.batches: list[dict] = []
        self._lock = threading.Lock()
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("batch", self._on_batch)
        self.sio.connect(url, transports=["websocket"], wait_timeout=10, auth={"token": token})

    def _on_batch(self, data):
        with self._lock:
            self.batches.append(data)

    def join(self, room: str) -> dict:
        return self.sio.call("join", {"room": room}, timeout=10)

    def events(self, room: str) -> list[dict]:
        with self._lock:
            return [e for b in self.batches if b["room"] == room for e in b["events"]]

    def close(self) -> None:
        self.sio.disconnect()


class JoinThenSubmit:
    """The test's executor: joins the order's room, then sends the order to the workers (CeleryExecutor)."""

    def __init__(self, client: LiveClient, executor: CeleryExecutor):
        self.client, self.executor = client, executor

    def submit(self, order_ids):
        for order_id in order_ids:
            assert self.client.join(f"order:{order_id}") == {"ok": True, "room": f"order:{order_id}"}
        self.executor.submit(order_ids)


def ended(runtime, order_id):
    timeline = runtime.timeline(order_id)
    insts = [i for stage in timeline["stages"] for i in stage["instances"]]
    return insts if insts and all(i["status"] in ("completed", "not_applicable", "cancelled") for i in insts) \
        else None


def test_an_order_is_executed_by_the_worker_with_live_events_stream_and_outbox(world, socket_server, celery_client,
                                                                              operator_token):
    db, receiver, red = world["db"], world["receiver"], world["redis"]
    client = LiveClient(socket_server, operator_token)
    try:
        refused = client.join("order:x")
        assert refused["ok"] is False and refused["error"]["code"] == "ROOM_INVALID"
        with running_worker(world["env"], world["tmp"] / "worker.log", celery_client) as worker:
            runtime = Runtime(db, executor=JoinThenSubmit(client, CeleryExecutor(celery_client)),
                              publisher=NullPublisher())  # nothing live comes from this process
            answer = runtime.ingest("tmall", "evt-1", "order.paid", order_payload(1))
            order_id = answer["order_id"]
            insts = wait_until(lambda: ended(runtime, order_id), 30, what=f"order {order_id} done\n{worker.tail()}")

            # the timeline, read back from PostgreSQL: TELL completed by the worker, the others not applicable
            by_flow = {i["flow"]: i for i in insts}
            assert by_flow[TELL]["status"] == "completed" and by_flow[TELL]["outcome"] == "told"
            assert {by_flow[k]["status"] for k in by_flow if k != TELL} == {"not_applicable"}
            assert [s["node"] for s in by_flow[TELL]["steps"]] == ["tell", "told"]
            step_schema = validator("step")  # the timeline's steps are the published shape (+ instance, flow, version)
            for inst in insts:
                for s in inst["steps"]:
                    published = {k: v for k, v in s.items() if k not in ("instance_id", "flow", "version")}
                    assert list(step_schema.iter_errors(published)) == [], s

            # live: the client in room order:<id> got the steps, emitted by the worker (this process publishes nothing)
            room = f"order:{order_id}"
            wait_until(lambda: any(e["event"] == "order.step" and e["data"]["step"]["node"] == "told"
                                   for e in client.events(room)), 15, what="the live step events")
            live = validator("live-events")
            for batch in client.batches:
                assert list(live.iter_errors(batch)) == [], batch
            steps = [e["data"] for e in client.events(room) if e["event"] == "order.step"]
            assert {(s["flow"], s["step"]["node"]) for s in steps} >= {(TELL, "tell"), (TELL, "told")}
            assert any(e["event"] == "instance.status" and e["data"]["status"] == "completed"
                       for e in client.events(room))

            # the Redis stream holds them, in the documented record shape
            records = [fields for _, fields in red.xrange(STREAM)]
            record_schema = validator("stream-record")
            for fields in records:
                assert list(record_schema.iter_errors(fields)) == [], fields
            mine = [r for r in records if r["order_id"] == str(order_id)]
            assert {json.loads(r["data"])["step"]["node"] for r in mine if r["event"] == "order.step"} >= {
                "tell", "told"}
            assert red.xinfo_stream(STREAM)["length"] == len(records)

            # the outbox: the worker's beat delivered the notify, signed, under its effect key
            with db.read() as s:
                [effect] = s.query(OutboxEffect).filter(OutboxEffect.order_id == order_id).all()
                key = effect.idempotency_key
            wait_until(lambda: receiver.applied.get(key) == 1, 20, what="the notify delivery")
            [req] = [r for r in receiver.requests if r.key == key]
            assert req.path == "/sms" and req.signature_ok and verify_signature(
                SECRET, req.body, req.headers["X-Orderloom-Signature"])
            assert json.loads(req.body)["data"]["message"] == f"订单 {order_id} 已收到"
            wait_until(lambda: _status(db, key) == "delivered", 10, what="the outbox row marked delivered")
    finally:
        client.close()


def _status(db, key):
    with db.read() as s:
        return s.query(OutboxEffect.status).filter(OutboxEffect.idempotency_key == key).scalar()


def test_call_service_is_delivered_and_answered_by_the_worker(world, celery_client):
    db, receiver = world["db"], world["receiver"]
    receiver.script = lambda key, n: (200, {"approved": True, "score": 91})
    with running_worker(world["env"], world["tmp"] / "worker.log", celery_client) as worker:
        runtime = Runtime(db, executor=CeleryExecutor(celery_client), publisher=NullPublisher())
        order_id = runtime.ingest("tmall", "evt-2", "order.paid", order_payload(2, total="6000.00"))["order_id"]
        insts = wait_until(lambda: ended(runtime, order_id), 40, what=f"the checked order\n{worker.tail()}")
    check = next(i for i in insts if i["flow"] == CHECK)
    assert check["outcome"] == "checked"
    [req] = [r for r in receiver.requests if r.path == "/erp/check"]
    assert json.loads(req.body) == {"total": "6000.00"} and req.signature_ok
    explanation = next(s for s in check["steps"] if s["node"] == "check" and s["status"] == "done")["explanation"]
    assert explanation["state"] == "ok" and explanation["status"] == 200


def test_a_timer_survives_a_restart_of_the_whole_worker_and_fires_once(world, celery_client):
    db = world["db"]
    log = world["tmp"] / "worker.log"
    with running_worker(world["env"], log, celery_client) as worker:
        runtime = Runtime(db, executor=CeleryExecutor(celery_client), publisher=NullPublisher())
        order_id = runtime.ingest("tmall", "evt-3", "order.paid", order_payload(3, total="9999.00"))["order_id"]
        wait_until(lambda: _timer_rows(db, order_id), 20, what=f"the timer scheduled\n{worker.tail()}")
        worker.kill()  # the whole worker and its beat, SIGKILL, while the instance waits on its timer
    [(due, fired)] = _timer_rows(db, order_id)
    assert fired is None
    time.sleep(max(0.0, (due - _utcnow()).total_seconds()) + 0.5)  # due now, nobody running
    # the whole app comes back: two workers, each with its own beat, both polling the timer table
    with running_worker(world["env"], log, celery_client), running_worker(world["env"], log, celery_client):
        insts = wait_until(lambda: ended(runtime, order_id), 30, what="the timer instance to finish")
        time.sleep(2.5)  # a few more beats of both pollers
    later = next(i for i in insts if i["flow"] == "dist-later")
    assert later["outcome"] == "waited"
    [(_, fired)] = _timer_rows(db, order_id)
    assert fired is not None
    timer_steps = [s for s in runtime.timeline(order_id)["stages"][0]["instances"] if s["flow"] == "dist-later"][0]
    assert [(s["node"], s["status"]) for s in timer_steps["steps"] if s["node"] == "wait"] == [
        ("wait", "waiting"), ("wait", "done")]


def _timer_rows(db, order_id):
    with db.read() as s:
        return [(t.due_at, t.fired_at) for t in s.query(Timer).join(Instance, Instance.id == Timer.instance_id)
                .filter(Instance.order_id == order_id)]


def _utcnow():
    from runtime.store.types import utcnow

    return utcnow()


def test_over_http_the_api_ingests_the_worker_executes_and_the_api_socketio_relays(world, celery_client,
                                                                                   dist_redis_url, tmp_path,
                                                                                   operator_token):
    """The designer app in distributed mode (its Runtime on a CeleryExecutor) with Socket.IO attached by
    ``register_socketio``: POST /api/orders/events → the worker → GET …/timeline, live steps on the app's socket."""
    import urllib.request

    from werkzeug.serving import make_server

    from designer import create_app
    from runtime.config import Settings
    from runtime.live.socket_server import register_socketio

    settings = Settings(data_dir=tmp_path / "api-var", database_url=world["url"], redis_url=dist_redis_url,
                        secret_key="test-secret", timezone="Asia/Shanghai")
    app = create_app(settings)
    register_socketio(app, message_queue=dist_redis_url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    client = LiveClient(base, operator_token)

    def http(method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {operator_token}"})
        with urllib.request.urlopen(req, timeout=10) as answer:
            return answer.status, json.loads(answer.read())

    try:
        assert client.join("order:1")["ok"]  # a fresh database: the first order is order 1
        with running_worker(world["env"], world["tmp"] / "worker.log", celery_client) as worker:
            status, answer = http("POST", "/api/orders/events", {
                "source": "tmall", "event_id": "http-1", "kind": "order.paid", "payload": order_payload(11)})
            assert status == 202 and answer["order_id"] == 1 and answer["duplicate"] is False

            def told():
                _, timeline = http("GET", "/api/orders/1/timeline")
                insts = [i for stage in timeline["stages"] for i in stage["instances"]]
                return [i for i in insts if i["flow"] == TELL and i["status"] == "completed"]

            [tell] = wait_until(told, 30, what=f"the worker to run order 1\n{worker.tail()}")
            assert [s["node"] for s in tell["steps"]] == ["tell", "told"]
            wait_until(lambda: {e["data"]["step"]["node"] for e in client.events("order:1")
                                if e["event"] == "order.step"} >= {"tell", "told"}, 15, what="live steps")
            _, health = http("GET", "/api/health")
            assert health["workers"].startswith("celery: ") and "worker(s)" in health["workers"]
    finally:
        client.close()
        server.shutdown()
        from designer.extensions import runtime as runtime_ext

        runtime_ext.shutdown(app)
