"""The Celery app's configuration and the CeleryExecutor's messages (on the real Redis broker)."""

from __future__ import annotations

import base64
import json
import threading
import time

import pytest

import runtime.executors.celery_app as celery_module
from runtime.config import ConfigError, Settings
from runtime.executors.celery_app import CeleryExecutor, create_app
from runtime.executors.celery_executor import (
    DELIVER_OUTBOX,
    FIRE_DUE_TIMERS,
    MAINTENANCE_QUEUE,
    ORDERS_QUEUE,
    PING,
    PROCESS_ORDERS,
    SWEEP,
)


def test_without_redis_the_celery_app_refuses_to_start(tmp_path):
    settings = Settings.from_env({"ORDERLOOM_DATA_DIR": str(tmp_path)})
    with pytest.raises(ConfigError, match="ORDERLOOM_REDIS_URL"):
        create_app(settings)


def test_the_app_has_the_tasks_queues_and_beat_schedule(tmp_path):
    app = create_app(broker_url="redis://127.0.0.1:1/0")
    assert {PROCESS_ORDERS, FIRE_DUE_TIMERS, SWEEP, DELIVER_OUTBOX, PING} <= set(app.tasks)
    assert {q.name for q in app.conf.task_queues} == {ORDERS_QUEUE, MAINTENANCE_QUEUE}
    beat = {entry["task"]: entry for entry in app.conf.beat_schedule.values()}
    assert set(beat) == {FIRE_DUE_TIMERS, SWEEP, DELIVER_OUTBOX}
    assert beat[FIRE_DUE_TIMERS]["schedule"].total_seconds() == 1.0
    assert all(app.amqp.router.route({}, name)["queue"].name == MAINTENANCE_QUEUE for name in beat)
    assert app.amqp.router.route({}, PROCESS_ORDERS)["queue"].name == ORDERS_QUEUE
    assert app.conf.task_acks_late and app.conf.beat_scheduler == "celery.beat:Scheduler"


def test_the_module_app_is_built_from_the_environment_on_first_access(monkeypatch):
    monkeypatch.setenv("ORDERLOOM_REDIS_URL", "redis://127.0.0.1:1/5")
    monkeypatch.setattr(celery_module, "_app", None)
    app = celery_module.app
    assert app.conf.broker_url == "redis://127.0.0.1:1/5" and celery_module.celery is app
    with pytest.raises(AttributeError):
        celery_module.nothing_here  # noqa: B018


def test_a_submit_while_redis_is_down_gives_up_quickly_and_never_raises(caplog):
    app = create_app(broker_url="redis://127.0.0.1:9/0")  # nothing listens on port 9
    started = time.monotonic()
    CeleryExecutor(app, linger=0).submit([1, 2])
    assert time.monotonic() - started < 10
    assert "the sweeper will pick them up" in caplog.text
    assert CeleryExecutor(app).describe(timeout=0.2).startswith("error")


def _messages(client, queue):
    out = []
    for raw in client.lrange(queue, 0, -1):
        msg = json.loads(raw)
        args, kwargs, _ = json.loads(base64.b64decode(msg["body"]))
        out.append((msg["headers"]["task"], args))
    return out


@pytest.mark.services
def test_submit_sends_batches_of_order_ids_to_the_orders_queue(redis_client, celery_client):
    CeleryExecutor(celery_client, batch=100, linger=0).submit([*range(1, 251), 7, 8])  # duplicates dropped
    sent = _messages(redis_client, ORDERS_QUEUE)
    assert [task for task, _ in sent] == [PROCESS_ORDERS] * 3
    batches = sorted((args[0] for _, args in sent), key=lambda ids: ids[0])
    assert [len(b) for b in batches] == [100, 100, 50] and sum(batches, []) == list(range(1, 251))
    assert CeleryExecutor(celery_client).describe(timeout=0.3) == "celery: no worker answered"


@pytest.mark.services
def test_ids_submitted_together_leave_as_one_message(redis_client, celery_client):
    executor = CeleryExecutor(celery_client, linger=0.3)
    threads = [threading.Thread(target=executor.submit, args=([order_id],)) for order_id in range(1, 41)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    deadline = time.monotonic() + 10
    while sum(len(args[0]) for _, args in _messages(redis_client, ORDERS_QUEUE)) < 40:
        assert time.monotonic() < deadline, "the submitted ids were not sent"
        time.sleep(0.05)
    sent = _messages(redis_client, ORDERS_QUEUE)
    assert sorted(sum((args[0] for _, args in sent), [])) == list(range(1, 41))
    assert len(sent) <= 3  # 40 ingests, one message (two or three if a thread came in late)
