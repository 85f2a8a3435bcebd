"""GET /api/health: the embedded default is healthy; a dead dependency is a 503 that says which."""

import dataclasses
import socket

from designer import create_app


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_embedded_default_is_healthy(client, settings):
    response = client.get("/api/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body == {"status": "ok", "version": body["version"], "database": "ok", "database_kind": "sqlite",
                    "redis": "not configured", "workers": "in-process",
                    "timers": {"poller": "in-process", "pending": 0, "overdue": 0, "grace_seconds": 60,
                               "next_due_at": None},
                    "timezone": "Asia/Shanghai"}
    assert (settings.data_dir / "orderloom.db").exists(), "the check really opened the SQLite file"


def test_an_unreachable_database_is_a_503_naming_it(settings, problem_of):
    broken = dataclasses.replace(settings, database_url="sqlite:////nonexistent-dir/sub/orderloom.db")
    response = create_app(broken).test_client().get("/api/health")
    body = problem_of(response, 503, "API_UNAVAILABLE")
    assert body["health"]["status"] == "degraded"
    assert body["health"]["database"].startswith("error: OperationalError")
    assert body["health"]["redis"] == "not configured"


def test_an_unreachable_redis_is_a_503_naming_it(settings, problem_of):
    broken = dataclasses.replace(settings, redis_url=f"redis://127.0.0.1:{closed_port()}/0")
    response = create_app(broken).test_client().get("/api/health")
    body = problem_of(response, 503, "API_UNAVAILABLE")
    assert body["health"]["database"] == "ok"
    assert body["health"]["redis"].startswith("error: ConnectionError")
    assert "redis" in body["detail"]


def test_the_configured_time_zone_is_reported(settings):
    app = create_app(dataclasses.replace(settings, timezone="UTC"))
    assert app.test_client().get("/api/health").get_json()["timezone"] == "UTC"
