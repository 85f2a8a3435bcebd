"""The real Redis and PostgreSQL that `make test` starts are reachable, and health sees them."""

import dataclasses

import pytest
import redis
from sqlalchemy import create_engine, text

from designer import create_app

pytestmark = pytest.mark.services


def test_redis_answers_ping(redis_url):
    client = redis.Redis.from_url(redis_url, socket_connect_timeout=2)
    assert client.ping() is True
    client.set("orderloom:test:smoke", "1", ex=10)
    assert client.get("orderloom:test:smoke") == b"1"


def test_postgresql_answers_select_1(postgres_url):
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(text("select 1")).scalar_one() == 1
        assert conn.execute(text("show server_encoding")).scalar_one() == "UTF8"
    engine.dispose()


def test_health_is_ok_on_postgresql_and_redis(settings, redis_url, postgres_url):
    distributed = dataclasses.replace(settings, database_url=postgres_url, redis_url=redis_url)
    response = create_app(distributed).test_client().get("/api/health")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["status"], body["database"], body["database_kind"], body["redis"]) == (
        "ok", "ok", "postgresql", "ok")
