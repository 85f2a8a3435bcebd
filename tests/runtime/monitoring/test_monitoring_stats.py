"""Monitoring read from the store, on SQLite and PostgreSQL: a version's instances, durations and SLA breaches
as the S1 approval ran them under a controlled clock, its heatmap, the dashboard's approval queue, and the
Prometheus counters (incidents included)."""

from __future__ import annotations

from datetime import timedelta

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.parser import text_string_to_metric_families

from runtime.monitoring import dashboard, heatmap, version_stats
from runtime.monitoring.metrics import StoreCollector
from runtime.monitoring.stats import percentile
from runtime.preview.records import version_id
from runtime.store.versions import publish_document
from tests.runtime.monitoring.flows import FAILING
from tests.runtime.service.support import Clock, make_runtime, paid, publish, seed

APPROVAL = "high-value-approval"


def approval_world(db):
    """Two small orders (not applicable), two over 5000: one approved after an hour, one past its 4 h SLA."""
    seed(db, closed=("cd",))
    publish(db, "s1-high-value-approval", "s5-multi-factor-routing")
    clock = Clock()
    rt, _ = make_runtime(db, clock)
    paid(rt, "TM1"), paid(rt, "TM2")
    paid(rt, "TM3", total="6000.00", payment={"method": "alipay", "amount": "6000.00"})
    paid(rt, "TM4", total="7000.00", payment={"method": "alipay", "amount": "7000.00"})
    first, second = rt.list_tasks(status="active")
    clock.advance(hours=1)
    rt.decide_task(first["id"], "approved", {}, "finance-1")
    clock.advance(hours=4)
    rt.fire_due_timers()
    return rt, clock, second


def test_a_versions_instances_durations_and_sla_breaches(db):
    rt, clock, _ = approval_world(db)

    with db.read() as session:
        vid = version_id(session, APPROVAL, 1)
        stats = version_stats(session, vid, since=None, until=None, now=clock())
        later = version_stats(session, vid, since=clock.now + timedelta(hours=1), until=None, now=clock())

    instances = stats["instances"]
    assert (instances["started"], instances["not_applicable"], instances["completed"], instances["waiting"]) == (
        4, 2, 1, 1)
    assert instances["duration_seconds"] == {"p50": 3600.0, "p99": 3600.0, "count": 1}
    assert stats["sla"] == {"tasks": 2, "breaches": 1}
    assert stats["nodes"]["finance_review"]["type"] == "approval"
    assert stats["nodes"]["trigger"]["count"] == 4  # every instance asks its trigger first
    assert later["instances"]["started"] == 0 and later["sla"]["tasks"] == 0


def test_the_heatmap_counts_nodes_and_the_edges_taken(db):
    rt, clock, _ = approval_world(db)

    with db.read() as session:
        traffic = heatmap(session, version_id(session, APPROVAL, 1), since=None, until=None)

    assert traffic["edges"] == {"finance_review|approved|approved": 1, "finance_review|rejected|cancel_order": 0,
                                "cancel_order|next|rejected": 0}
    assert traffic["nodes"]["approved"] == 1 and traffic["nodes"]["cancel_order"] == 0
    assert traffic["nodes"]["finance_review"] >= 3  # created twice, decided once (and the escalation)


def test_the_dashboard_shows_the_approval_queue_and_its_age(db):
    rt, clock, _ = approval_world(db)

    with db.read() as session:
        board = dashboard(session, now=clock(), window=timedelta(days=1), tz=rt.tz)

    assert board["approvals"]["open"] == 1
    assert board["approvals"]["oldest_seconds"] == 5 * 3600
    assert set(board["approvals"]["by_group"]) == {"finance-manager"}  # escalated at its SLA breach
    assert board["orders_per_minute"]["total"] == 4
    assert board["routing"]["orders"] == 3  # the two small orders and the approved one


def test_prometheus_counters_count_instances_steps_and_incidents(db):
    seed(db, closed=("cd",))
    with db.transaction() as session:
        publish_document(session, FAILING, user="test")
    rt, _ = make_runtime(db, Clock())
    registry = CollectorRegistry(auto_describe=False)
    registry.register(StoreCollector(db, rt.now))

    paid(rt, "TM1"), paid(rt, "TM2")

    values = {(s.name, tuple(sorted(s.labels.items()))): s.value
              for family in text_string_to_metric_families(generate_latest(registry).decode())
              for s in family.samples}
    labels = (("flow", "failing-intake"), ("version", "1"))
    assert values[("orderloom_instances_started_total", labels)] == 2
    assert values[("orderloom_incidents_total", labels)] == 2
    assigns = (("flow", "failing-intake"), ("node_type", "assign"), ("version", "1"))
    assert values[("orderloom_steps_total", assigns)] == 2
    assert values[("orderloom_inbound_events_pending", ())] == 0


def test_percentiles_are_nearest_rank():
    assert percentile([], 0.5) is None
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([float(n) for n in range(1, 101)], 0.99) == 99.0
    assert percentile([float(n) for n in range(1, 101)], 0.5) == 50.0
