"""GET /api/health reports the workers and the timers: pending ones, and overdue ones (a stuck poller)."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from click.testing import CliRunner

from designer import create_app
from designer.cli import main
from designer.extensions import runtime
from tests.auth_support import client_as
from tests.designer.runtime_world import ingest, paid_order

ROOT = Path(__file__).resolve().parents[2]
BIG_LINE = {"sku": "ELE-001", "name": "电视", "qty": 1, "price": "6999.00", "weight_kg": "12"}


def test_overdue_timers_are_reported_until_the_poller_fires_them(settings):
    now = [datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))]
    app = create_app(settings, clock=lambda: now[0])
    assert CliRunner().invoke(main, ["publish", str(ROOT / "templates" / "s1-high-value-approval.flow")]).exit_code == 0
    client = client_as(app, "operator")
    assert ingest(client, paid_order(1, lines=[BIG_LINE], total="6999.00")).status_code == 202
    timers = client.get("/api/health").get_json()["timers"]
    assert timers == {"poller": "in-process", "pending": 1, "overdue": 0, "grace_seconds": 60,
                      "next_due_at": "2026-03-02T14:00:00+08:00"}
    now[0] += timedelta(hours=4, minutes=5)
    health = client.get("/api/health")
    assert health.status_code == 200, "overdue timers are reported, not a failure"
    assert health.get_json()["timers"]["overdue"] == 1 and health.get_json()["workers"] == "in-process"
    with app.app_context():
        assert runtime.rt.fire_due_timers() == 1
        runtime.shutdown(app)
    assert client.get("/api/health").get_json()["timers"]["overdue"] == 0


def test_a_server_app_runs_the_executor_and_the_outbox_in_the_background(settings):
    app = create_app(settings, background=True)
    rt = app.extensions[runtime.key]
    try:
        assert rt.executor.background is True and rt.outbox_pump is not None
        assert app.test_client().get("/api/health").get_json()["workers"] == "in-process"
    finally:
        runtime.shutdown(app)
