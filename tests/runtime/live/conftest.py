"""Live tests: a real Redis (own database index) and a live Flask-SocketIO server fed by its message queue, checking
joins against a migrated SQLite store with a real user (``live_token``: an operator in ``finance``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import redis as redis_lib
from werkzeug.serving import make_server

from runtime.live.socket_server import DATABASE
from runtime.store.db import Database
from tests.auth_support import token_for
from tests.runtime.distributed.support import with_db_index

REDIS_DB_INDEX = 14


@pytest.fixture
def live_redis_url(redis_url) -> str:
    url = with_db_index(redis_url, REDIS_DB_INDEX)
    client = redis_lib.Redis.from_url(url)
    client.flushdb()
    client.close()
    return url


@pytest.fixture
def live_token(sqlite_url) -> str:
    """An API token of ``op-live``, an operator in the finance group, in the live server's store."""
    return token_for(sqlite_url, "operator", "op-live", groups=("finance",))


@pytest.fixture
def live_server(live_redis_url, sqlite_url, request) -> Iterator[str]:
    """Flask + register_socketio on the Redis queue, served on a free loopback port in a thread.

    A test may pass a room check through ``@pytest.mark.parametrize("live_check", [...], indirect=False)``
    by defining a ``live_check`` fixture; by default joins are checked by ``may_join`` against the store.
    """
    from flask import Flask

    from runtime.live.socket_server import register_socketio

    check = request.getfixturevalue("live_check") if "live_check" in request.fixturenames else None
    app = Flask("orderloom-live-test")
    app.extensions[DATABASE] = database = Database.open(sqlite_url)
    register_socketio(app, message_queue=live_redis_url, check=check)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    database.dispose()
