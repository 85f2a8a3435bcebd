"""Fixtures of the distributed tests: a real Redis (own database index), a real PostgreSQL database per test,
a real ``celery worker`` subprocess, a local HTTP receiver and a live Flask-SocketIO server on the Redis queue."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import redis as redis_lib
from werkzeug.serving import make_server

from runtime.executors.celery_app import create_app
from runtime.store.db import Database
from tests.auth_support import token_for
from tests.runtime.distributed.support import SECRET, PgDatabases, Receiver, seed, with_db_index, worker_env

REDIS_DB_INDEX = 13  # queues, results and the event stream of these tests, apart from other suites'


@pytest.fixture(scope="session")
def dist_redis_url(redis_url) -> str:
    return with_db_index(redis_url, REDIS_DB_INDEX)


@pytest.fixture(scope="session")
def dist_pg(postgres_url) -> Iterator[PgDatabases]:
    dbs = PgDatabases(postgres_url, "ol_dist")
    yield dbs
    dbs.close()


@pytest.fixture(scope="session")
def celery_client(dist_redis_url):
    """A client-side Celery app on the test broker (tasks are sent by name)."""
    app = create_app(broker_url=dist_redis_url)
    yield app
    app.close()


@pytest.fixture
def redis_client(dist_redis_url) -> Iterator[redis_lib.Redis]:
    client = redis_lib.Redis.from_url(dist_redis_url, decode_responses=True)
    client.flushdb()  # no queue, result or stream entry of an earlier test
    yield client
    client.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(SECRET)
    yield r
    r.close()


@pytest.fixture
def world(dist_pg, receiver, redis_client, dist_redis_url, tmp_path):
    """A fresh PostgreSQL database seeded with the test flows, and the environment of workers on it."""
    url = dist_pg.fresh()
    db = Database.open(url)
    seed(db, receiver.url)
    env = worker_env(url, dist_redis_url, tmp_path / "worker-var")
    yield {"url": url, "db": db, "env": env, "receiver": receiver, "redis": redis_client, "tmp": tmp_path}
    db.dispose()


@pytest.fixture
def operator_token(world) -> str:
    """An API token of an operator in the world's database (HTTP requests, Socket.IO joins)."""
    return token_for(world["url"], "operator")


@pytest.fixture
def socket_server(world, dist_redis_url) -> Iterator[str]:
    """A live Flask-SocketIO server (threading mode, real WebSockets) fed by the Redis message queue; joins
    are checked against the world's database (connect with ``operator_token``)."""
    from flask import Flask

    from runtime.live.socket_server import DATABASE, register_socketio

    app = Flask("orderloom-live-test")
    app.extensions[DATABASE] = world["db"]
    register_socketio(app, message_queue=dist_redis_url)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
