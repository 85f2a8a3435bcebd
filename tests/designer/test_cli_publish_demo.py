"""`orderloom publish` and `orderloom demo`: publishing flow files, seeding the demo twice, the sample orders."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func, select

from designer import create_app
from designer.cli import main
from designer.extensions import db, runtime
from dsl.text import print_flow
from runtime.config import Settings
from runtime.demo import OrderFactory, Trickle, seed
from runtime.store.db import Database
from runtime.store.models import (
    Carrier,
    CarrierRate,
    Connection,
    ContextFeed,
    Customer,
    Flow,
    FlowVersion,
    Stock,
    Warehouse,
)
from tests.auth_support import client_as

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(str(p) for p in (ROOT / "templates").glob("*.flow"))
PROBLEM_LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[A-Z][A-Z0-9_]+) (?P<msg>.+)$")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def database() -> Database:
    return Database.open(Settings.from_env().sqlalchemy_url)


def counts() -> dict[str, int]:
    db_ = database()
    try:
        with db_.read() as session:
            return {model.__name__: session.execute(select(func.count()).select_from(model)).scalar_one()
                    for model in (Warehouse, Stock, Customer, Carrier, CarrierRate, ContextFeed, Connection, Flow,
                                  FlowVersion)}
    finally:
        db_.dispose()


# ---- publish ----

def test_publish_makes_every_template_active_sub_flows_first(tmp_path):
    caller_first = [t for t in TEMPLATES if "cross-border" in t] + [t for t in TEMPLATES if "cross-border" not in t]
    result = run("publish", "--user", "it-liu", *caller_first)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == len(TEMPLATES)
    assert "ce-certificate-check version 1 (published)" in lines[0], "the sub-flow goes first"
    assert all(line.endswith("version 1 (published)") for line in lines)
    again = run("publish", *TEMPLATES)
    assert again.exit_code == 0 and all("version 1 (unchanged, already active)" in x for x in again.stdout.splitlines())
    assert counts()["FlowVersion"] == len(TEMPLATES)


def test_publish_a_changed_file_makes_version_2_active(tmp_path, sample_flow):
    path = tmp_path / "approval.flow"
    path.write_text(print_flow(sample_flow), encoding="utf-8")
    assert "version 1 (published)" in run("publish", str(path)).stdout
    sample_flow["nodes"][0]["config"]["sla"] = "2h"
    path.write_text(print_flow(sample_flow), encoding="utf-8")
    result = run("publish", str(path))
    assert result.exit_code == 0 and f"{path}: high-value-approval version 2 (published)" in result.stdout
    db_ = database()
    with db_.read() as session:
        states = dict(session.execute(select(FlowVersion.number, FlowVersion.state)).all())
    db_.dispose()
    assert states == {1: "retired", 2: "published"}


def test_publish_refuses_files_with_problems_and_publishes_nothing(tmp_path, sample_flow):
    good = tmp_path / "good.flow"
    good.write_text(print_flow(sample_flow), encoding="utf-8")
    broken = copy.deepcopy(sample_flow)
    broken["key"] = "broken"
    broken["nodes"][0]["config"]["sla"] = "four hours"
    bad = tmp_path / "bad.flow"
    bad.write_text(print_flow(broken), encoding="utf-8")
    result = run("publish", str(good), str(bad))
    assert result.exit_code == 1
    problems = [PROBLEM_LINE.match(line) for line in result.stdout.splitlines()]
    assert problems and all(problems), result.stdout
    assert {m["file"] for m in problems} == {str(bad)} and problems[0]["code"] == "DOC_DURATION"
    assert "four hours" in bad.read_text(encoding="utf-8").splitlines()[int(problems[0]["line"]) - 1]
    assert "nothing published" in result.stderr
    assert counts()["Flow"] == 0


def test_publish_a_caller_without_its_sub_flow_is_refused(tmp_path):
    caller = next(t for t in TEMPLATES if "cross-border" in t)
    result = run("publish", caller)
    assert result.exit_code == 1 and "ce-certificate-check" in result.stdout
    json_file = tmp_path / "flow.json"
    json_file.write_text(json.dumps({"format": "orderloom.flow/1"}), encoding="utf-8")
    assert run("publish", str(json_file)).exit_code == 1
    assert run("publish", str(tmp_path / "missing.flow")).exit_code == 2


# ---- demo ----

def test_demo_twice_is_idempotent(tmp_path):
    first = run("demo")
    assert first.exit_code == 0, first.output
    after_first = counts()
    assert after_first["Warehouse"] == 5 and after_first["Stock"] > 300 and after_first["Flow"] == len(TEMPLATES)
    assert after_first["Customer"] >= 40 and after_first["Carrier"] >= 4 and after_first["Connection"] == 3
    second = run("demo")
    assert second.exit_code == 0, second.output
    assert "demo data: nothing new" in second.stdout and "(unchanged)" in second.stdout
    assert counts() == after_first


def test_demo_contents(tmp_path):
    db_ = database()
    from runtime.store.migrate import upgrade

    upgrade(db_.engine)
    report = seed(db_, receiver_url="http://127.0.0.1:9999/api/demo-receiver")
    assert report.added["warehouses"] == 5
    with db_.read() as session:
        warehouses = {w.code: (w.region, w.cold_chain) for w in session.execute(select(Warehouse)).scalars()}
        assert warehouses == {"hz": ("east", True), "sh": ("east", False), "bj": ("north", True),
                              "gz": ("south", True), "cd": ("west", False)}
        skus = session.execute(select(func.count(func.distinct(Stock.sku)))).scalar_one()
        assert skus >= 300
        tiers = set(session.execute(select(Customer.tier)).scalars())
        assert tiers == {"VIP", "GOLD", "SILVER", "NORMAL"}
        weather = {f.region: f.value["level"] for f in session.execute(
            select(ContextFeed).where(ContextFeed.key == "weather")).scalars()}
        assert set(weather) == {"east", "north", "south", "west", "central"} and max(weather.values()) >= 3
        assert session.get(ContextFeed, ("promotion", "*")).value["active"] is False
        connections = {c.name: c.base_url for c in session.execute(select(Connection)).scalars()}
        assert connections["compliance"] == "http://127.0.0.1:9999/api/demo-receiver/compliance"
        assert set(connections) == {"compliance", "notify_sms", "returns"}
        priorities = dict(session.execute(select(Flow.key, Flow.priority)).all())
        assert priorities["brushing-risk"] < priorities["cross-border-compliance"] < priorities["vip-gift"]
    moved = seed(db_, receiver_url="http://127.0.0.1:8123/api/demo-receiver")
    assert not any(moved.added.values())
    with db_.read() as session:
        assert session.execute(select(Connection.base_url).where(Connection.name == "compliance")).scalar_one() \
            == "http://127.0.0.1:8123/api/demo-receiver/compliance", "demo connections follow the server"
    db_.dispose()


def test_the_demo_trickle_sends_sample_orders_through_the_runtime(tmp_path):
    result = run("demo", "--trickle", "12", "--interval", "0")
    assert result.exit_code == 0, result.output
    assert "sample orders: 12 sent, 0 failed" in result.stdout
    app = create_app(Settings.from_env())
    with client_as(app, "operator") as client:
        orders = client.get("/api/orders?limit=50").get_json()["orders"]
        assert len(orders) == 12
        assert {o["status"] for o in orders} <= {"routed", "paid", "held", "backordered", "approved", "cancelled"}
        assert sum(o["status"] == "routed" for o in orders) >= 6
    with app.app_context():
        runtime.shutdown(app)
        db.database.dispose()


def test_the_trickle_is_bounded_and_stops(tmp_path):
    sent = []
    trickle = Trickle(lambda *args: sent.append(args), count=1000, interval=0.01, seed_value=3).start()
    trickle.stop()
    assert len(sent) < 1000 and trickle.sent == len(sent)
    done = Trickle(lambda *args: sent.append(args), count=3, interval=0)
    done.run()
    assert done.sent == 3 and sent[-1][0] == "demo" and sent[-1][2] == "order.paid"
    failing = Trickle(lambda *args: 1 / 0, count=2, interval=0)
    failing.run()
    assert (failing.sent, failing.failed) == (0, 2), "a failing order never stops the demo"


def test_sample_orders_cover_the_scenarios():
    factory = OrderFactory(5)
    payloads = [factory.payload() for _ in range(300)]
    assert {p["channel"] for p in payloads} == {"tmall", "douyin", "pdd", "miniprogram", "pos"}
    assert {p["customer"]["tier"] for p in payloads} == {"VIP", "GOLD", "SILVER", "NORMAL"}
    assert any(p["address"]["country"] == "DE" for p in payloads)
    assert any(p["address"]["province"] in ("西藏", "新疆", "青海", "宁夏", "甘肃") for p in payloads)
    assert any(float(p["total"]) > 5000 for p in payloads)
    assert any(line["cold_chain"] for p in payloads for line in p["lines"])


def test_the_demo_receiver_answers_the_ce_check(client):
    ok = client.post("/api/demo-receiver/compliance/ce-certificates/check", json={"skus": ["MED-001"]},
                     headers={"Idempotency-Key": "i1/q/1", "X-Orderloom-Signature": "sha256=00"})
    assert ok.get_json() == {"received": True, "connection": "compliance", "idempotency_key": "i1/q/1",
                             "signed": True, "valid": True, "certificates": [{"sku": "MED-001", "valid": True}]}
    revoked = client.post("/api/demo-receiver/compliance/ce-certificates/check", json={"skus": ["MED-004"]})
    assert revoked.get_json()["valid"] is False
    sms = client.post("/api/demo-receiver/notify-sms", json={"kind": "notify"}).get_json()
    assert sms["received"] is True and "valid" not in sms
