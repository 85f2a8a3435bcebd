"""S10 canary release with automatic rollback, S11 segment release, S14 review and rollback — over HTTP.

The world: a fresh migrated SQLite database with the approval (S1) and routing (S5) templates published by
``orderloom publish``, master data seeded, and the people of a release: editor zhang, reviewer wang, operators
(the channel's ingest, fin-zhang of finance) and an admin. What has no endpoint by design runs as the runtime's
own loops would: the outbox deliverer (``deliver_due``) and the guardrail round of the timer loop
(``check_releases``).
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from designer import create_app
from designer.cli import main
from designer.extensions import runtime
from runtime.config import Settings
from runtime.outbox.delivery import deliver_due
from runtime.release.buckets import bucket, in_share
from runtime.release.guard import check_releases
from runtime.store.models import Flow, FlowRelease, OutboxEffect, VersionChoice
from tests.auth_support import client_as
from tests.runtime.service.support import order, seed

ROOT = Path(__file__).resolve().parents[2]
ROUTING, APPROVAL = "multi-factor-routing", "high-value-approval"
START = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
#: an order over 5,000: the high-value approval waits for finance
BIG = {"lines": [{"sku": "TEA-01", "name": "龙井", "qty": 2, "price": "3000.00", "weight_kg": 0.5}],
       "total": "6000.00", "payment": {"method": "alipay", "amount": "6000.00"}}


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Release:
    """The app and the people who take part in a release, speaking HTTP."""

    def __init__(self, app, clock: Clock) -> None:
        self.app, self.clock = app, clock
        self.editor = client_as(app, "editor", username="zhang")
        self.reviewer = client_as(app, "reviewer", username="wang")
        self.channel = client_as(app, "operator", username="tmall-adapter")
        self.finance = client_as(app, "operator", username="fin-zhang", groups=("finance",))
        self.admin = client_as(app, "admin", username="root")
        self._numbers = iter(range(1, 10**6))

    @property
    def db(self):
        return self.app.extensions["orderloom.db"]

    @property
    def rt(self):
        with self.app.app_context():
            return runtime.rt

    def call(self, client, method: str, url: str, body=None, status: int = 200, **kwargs):
        response = client.open(url, method=method, json=body, **kwargs)
        assert response.status_code == status, f"{method} {url}: {response.status_code} {response.get_data(True)}"
        return response.get_json()

    def place(self, **fields) -> int:
        """A paid order of its own customer (unless ``customer`` is given), sent by the channel."""
        n = next(self._numbers)
        fields.setdefault("customer", {"id": f"C-{n}", "name": "顾客", "phone": f"138{n:08d}", "tier": "NORMAL"})
        body = {"source": "tmall", "event_id": f"paid-{n}", "kind": "order.paid",
                "payload": order(f"TM{n:06d}", **fields)}
        return self.call(self.channel, "POST", "/api/orders/events", body, status=202)["order_id"]

    def versions_of(self, order_id: int, flow: str) -> list[int]:
        timeline = self.call(self.channel, "GET", f"/api/orders/{order_id}/timeline")
        return [i["version"] for s in timeline["stages"] for i in s["instances"] if i["flow"] == flow]

    def candidate_from(self, flow: str, change) -> int:
        """An editor's new draft of ``flow`` from its active version with ``change``, submitted and approved."""
        active = self.call(self.editor, "GET", f"/api/flows/{flow}")["active_version"]["number"]
        draft = self.call(self.editor, "POST", f"/api/flows/{flow}/versions", {"based_on": active}, status=201)
        response = self.editor.get(f"/api/flows/{flow}/versions/{draft['number']}")
        document = copy.deepcopy(response.get_json()["document"])
        change(document)
        self.call(self.editor, "PUT", f"/api/flows/{flow}/versions/{draft['number']}", {"document": document},
                  headers={"If-Match": response.headers["ETag"]})
        self.call(self.editor, "POST", f"/api/flows/{flow}/versions/{draft['number']}/submit")
        self.call(self.reviewer, "POST", f"/api/flows/{flow}/versions/{draft['number']}/review",
                  {"decision": "approve", "comment": "已看过差异"})
        return draft["number"]


@pytest.fixture
def release(tmp_path) -> Release:
    clock = Clock()
    app = create_app(Settings.from_env(), clock=clock)
    app.testing = True
    templates = [str(ROOT / "templates" / f"{name}.flow") for name in ("s1-high-value-approval",
                                                                       "s5-multi-factor-routing")]
    published = CliRunner().invoke(main, ["publish", *templates])
    assert published.exit_code == 0, published.output
    seed(app.extensions["orderloom.db"], closed=("cd",))
    yield Release(app, clock)
    with app.app_context():
        runtime.shutdown(app)


def _sla(hours: str):
    def change(document):
        document["nodes"][0]["config"]["sla"] = hours
    return change


def _eta_weight(document):
    document["nodes"][0]["config"]["factors"][1]["weight"] = 0.75


# ---- S14 ------------------------------------------------------------------------------------------------

def test_s14_review_publish_roll_back_and_running_orders_finish_on_their_version(release):
    r = release
    number = r.candidate_from(APPROVAL, _sla("2h"))
    diff = r.call(r.reviewer, "GET", f"/api/flows/{APPROVAL}/diff?from=1&to={number}")
    assert diff["structural"]["nodes_changed"] == [{"id": "finance_review", "paths": ["config.sla"]}]
    assert '-    sla: "4h"' in diff["text_diff"] and '+    sla: "2h"' in diff["text_diff"]
    assert r.call(r.reviewer, "GET", f"/api/flows/{APPROVAL}/versions/{number}")["state"] == "approved"

    r.call(r.reviewer, "POST", f"/api/flows/{APPROVAL}/versions/{number}/publish", {"mode": "active"})
    running = r.place(**BIG)
    [task] = r.call(r.finance, "GET", f"/api/tasks?order_id={running}")["tasks"]
    assert task["sla_due_at"] == (START + timedelta(hours=2)).isoformat(), "the new version serves new orders"
    assert r.versions_of(running, APPROVAL) == [2]

    rolled = r.call(r.reviewer, "POST", f"/api/flows/{APPROVAL}/release/rollback", {"comment": "时效太紧"})
    assert rolled["done"] == "reactivated" and rolled["active"]["number"] == 1
    assert rolled["history"][0]["action"] == "rollback" and rolled["history"][0]["reason"] == "时效太紧"
    after = r.place(**BIG)
    [later] = r.call(r.finance, "GET", f"/api/tasks?order_id={after}")["tasks"]
    assert later["sla_due_at"] == (START + timedelta(hours=4)).isoformat(), "new orders: the previous version"
    assert r.versions_of(after, APPROVAL) == [1]

    r.call(r.finance, "POST", f"/api/tasks/{task['id']}/decide", {"decision": "approved", "form": {}})
    assert r.call(r.channel, "GET", f"/api/orders/{running}")["status"] == "routed"
    assert r.versions_of(running, APPROVAL) == [2], "the running order finished on the version it started on"
    audit = r.call(r.admin, "GET", f"/api/audit?target_id={APPROVAL}")
    actions = [(e["actor"], e["action"]) for e in audit["entries"]]
    assert ("wang", "release.rollback") in actions and ("wang", "release.activate") in actions


# ---- S10 ------------------------------------------------------------------------------------------------

def _stored_choices(r: Release, flow: str) -> dict[int, tuple[int, str, int | None]]:
    with r.db.read() as session:
        flow_id = session.execute(select(Flow.id).where(Flow.key == flow)).scalar_one()
        return {o: (v, reason, b) for o, v, reason, b in session.execute(
            select(VersionChoice.order_id, VersionChoice.flow_version_id, VersionChoice.reason,
                   VersionChoice.bucket).where(VersionChoice.flow_id == flow_id))}


def _salt(r: Release, flow: str) -> str:
    with r.db.read() as session:
        return session.execute(select(FlowRelease.salt).join(Flow, Flow.id == FlowRelease.flow_id)
                               .where(Flow.key == flow)).scalar_one()


_OTHER_PROCESS = """
import json, sys
from datetime import datetime
from sqlalchemy import select
from runtime.service.release import VersionCache
from runtime.store.db import Database
from runtime.store.models import Flow, FlowRelease
url, key, ids = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
db = Database.open(url)
cache = VersionCache()
with db.read() as session:
    cache.refresh(session)
    flow_id, active = session.execute(select(Flow.id, FlowRelease.active_version_id)
                                      .join(FlowRelease, FlowRelease.flow_id == Flow.id).where(Flow.key == key)).one()
    print(json.dumps([cache.choose(session, flow_id, i, active, None, datetime.now())[:2] for i in ids]))
"""


@pytest.mark.slow
@pytest.mark.timeout(480)
def test_s10_a_ten_percent_canary_the_same_in_two_processes_and_fifty_keeps_the_first_ten(release):
    r = release
    number = r.candidate_from(ROUTING, _eta_weight)
    published = r.call(r.reviewer, "POST", f"/api/flows/{ROUTING}/versions/{number}/publish",
                       {"mode": "candidate", "percent": 10})
    assert (published["candidate"]["number"], published["candidate"]["percent"]) == (number, 10)
    orders = [r.place() for _ in range(2000)]
    salt = _salt(r, ROUTING)
    choices = _stored_choices(r, ROUTING)
    candidate_id = published["candidate"]["id"]
    on_candidate = {o for o in orders if choices[o][0] == candidate_id}
    assert 150 <= len(on_candidate) <= 250, len(on_candidate)  # about 10% of 2,000
    for o in orders:
        assert choices[o][2] == bucket(ROUTING, salt, o)
        assert (o in on_candidate) == in_share(choices[o][2], 10) == (choices[o][1] == "candidate-percent")
    reading = r.call(r.reviewer, "GET", f"/api/flows/{ROUTING}/release")["auto_rollback"]["reading"]
    assert reading["candidate"]["sample"] == len(on_candidate)
    assert reading["active"]["sample"] == 2000 - len(on_candidate)

    sample = orders[:400]
    url = str(r.db.engine.url)
    other = subprocess.run([sys.executable, "-c", _OTHER_PROCESS, url, ROUTING, json.dumps(sample)], cwd=ROOT,
                           capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": "7", "PATH": ""})
    assert [tuple(c) for c in json.loads(other.stdout)] == [choices[o][:2] for o in sample], \
        "another OS process gives every order the same version"

    raised = r.call(r.reviewer, "PUT", f"/api/flows/{ROUTING}/release/candidate", {"percent": 50})
    assert raised["candidate"]["percent"] == 50
    more = [r.place() for _ in range(200)]
    now = _stored_choices(r, ROUTING)
    assert {o: now[o] for o in orders} == {o: choices[o] for o in orders}, "orders keep their version"
    assert on_candidate <= {o for o in orders if in_share(bucket(ROUTING, salt, o), 50)}
    assert all((now[o][0] == candidate_id) == in_share(now[o][2], 50) for o in more)
    assert 70 <= sum(now[o][0] == candidate_id for o in more) <= 130


class _Failing(BaseHTTPRequestHandler):
    """A test receiver of the candidate's call: it always answers 500."""

    calls = 0

    def do_POST(self):  # noqa: N802
        type(self).calls += 1
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(500)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"error": "inventory service down"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def failing_receiver():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Failing)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def _check_inventory_first(document):
    """The candidate asks an inventory service before routing (the service is down: every call fails)."""
    document["nodes"].append({"id": "check_inventory", "type": "call_service", "label": "库存核对",
                              "config": {"connection": "inventory", "method": "POST", "path": "/check",
                                         "body": {"order_id": "order.id"}}, "ui": {"x": 0, "y": 0}})
    document["edges"].append({"from": "check_inventory", "port": "ok", "to": document["trigger"]["start"]})
    document["trigger"]["start"] = "check_inventory"


def test_s10_a_failing_candidate_is_rolled_back_automatically_but_not_below_the_minimum_sample(
        release, failing_receiver):
    r = release
    r.call(r.admin, "PUT", "/api/connections/inventory", {"base_url": failing_receiver, "secret": "s3cret",
                                                          "timeout_ms": 2000})
    r.call(r.reviewer, "PUT", f"/api/flows/{ROUTING}/release/auto-rollback",
           {"min_sample": 20, "incident_margin": "5", "sla_margin": "5", "enabled": True})
    number = r.candidate_from(ROUTING, _check_inventory_first)
    r.call(r.reviewer, "POST", f"/api/flows/{ROUTING}/versions/{number}/publish", {"mode": "candidate",
                                                                                  "percent": 10})

    def deliver_and_guard() -> list[str]:
        deliver_due(r.db, responder=r.rt, max_attempts=1)  # the outbox deliverer: 500 → no answer → incident
        return check_releases(r.db, r.rt.now())  # the guardrail round of the timer loop

    first = [r.place() for _ in range(100)]
    assert deliver_and_guard() == []
    reading = r.call(r.reviewer, "GET", f"/api/flows/{ROUTING}/release")["auto_rollback"]["reading"]
    assert 0 < reading["candidate"]["sample"] < 20, "below the minimum sample"
    assert reading["candidate"]["incidents"] == reading["candidate"]["sample"] and _Failing.calls > 0
    assert r.call(r.reviewer, "GET", f"/api/flows/{ROUTING}/release")["candidate"]["number"] == number

    while r.call(r.reviewer, "GET", f"/api/flows/{ROUTING}/release")["candidate"] is not None:
        first += [r.place() for _ in range(20)]  # after each batch the runtime checks the guardrail too
        deliver_and_guard()
    after = r.call(r.reviewer, "GET", f"/api/flows/{ROUTING}/release")
    assert after["candidate"] is None and after["active"]["number"] == 1
    event = after["history"][0]
    assert (event["action"], event["actor"], event["version"]) == ("auto_rollback", "orderloom:guard", number)
    sample = event["details"]["candidate"]
    assert sample["sample"] >= 20 and sample["incidents"] > 0 and event["details"]["tripped"] == "incident"
    assert float(sample["incident_rate"]) > float(event["details"]["active"]["incident_rate"]) + 5
    assert "incident rate" in event["reason"] and "exceeds the active version's 0.00%" in event["reason"]
    assert r.call(r.reviewer, "GET", f"/api/flows/{ROUTING}/versions/{number}")["state"] == "retired"

    audit = r.call(r.admin, "GET", f"/api/audit?target_id={ROUTING}&action=release.auto_rollback")
    entries = audit["entries"]
    assert entries and "incident rate" in entries[0]["comment"]
    with r.db.read() as session:
        kind, payload = session.execute(select(OutboxEffect.kind, OutboxEffect.payload).where(
            OutboxEffect.connection_name == "notify_reviewers")).one()
    assert kind == "notify" and payload["group"] == "reviewer" and "自动回滚" in payload["title"]
    assert "incident rate" in payload["message"], "the reviewers are told why"

    newer = r.place()
    assert r.versions_of(newer, ROUTING) == [1], "new orders get the active version again"


# ---- S11 ------------------------------------------------------------------------------------------------

def test_s11_only_new_customers_get_the_segment_candidate(release):
    r = release
    number = r.candidate_from(ROUTING, _eta_weight)
    bad = r.reviewer.post(f"/api/flows/{ROUTING}/versions/{number}/publish",
                          json={"mode": "candidate", "segment": "customer.nwe == true"})
    assert bad.status_code == 422 and bad.get_json()["problems"][0]["path"].startswith("body.segment")
    r.call(r.reviewer, "POST", f"/api/flows/{ROUTING}/versions/{number}/publish",
           {"mode": "candidate", "segment": "customer.new == true"})
    newcomers = [r.place(customer={"id": f"N-{i}", "name": "新客", "phone": f"1390000{i:04d}", "tier": "NORMAL",
                                   "new": True}) for i in range(5)]
    regulars = [r.place(customer={"id": f"R-{i}", "name": "老客", "phone": f"1380000{i:04d}", "tier": "NORMAL",
                                  "new": False}) for i in range(5)]
    assert all(r.versions_of(o, ROUTING) == [number] for o in newcomers)
    assert all(r.versions_of(o, ROUTING) == [1] for o in regulars)
    choices = _stored_choices(r, ROUTING)
    assert {choices[o][1] for o in newcomers} == {"candidate-segment"} and {choices[o][1] for o in regulars} == {
        "active"}
    promoted = r.call(r.reviewer, "POST", f"/api/flows/{ROUTING}/release/promote")
    assert promoted["active"]["number"] == number and promoted["candidate"] is None
    assert r.versions_of(r.place(customer={"id": "R-9", "name": "老客", "tier": "NORMAL", "new": False}),
                         ROUTING) == [number]
