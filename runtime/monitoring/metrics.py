"""Prometheus metrics computed from the database at scrape time.

Why from the database: in distributed mode orders run in several Celery worker processes and the API in
several gunicorn workers; the database already holds every instance and step, so a scrape of any one process
sees the whole system — no per-process counters to merge, no ``PROMETHEUS_MULTIPROC_DIR`` to manage. The
counters are counts of rows that are only ever added (instances, steps, incident steps), so they only go up.
Cost: a few grouped ``COUNT`` queries per scrape (see ``docs/monitoring.md``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.store.models import Flow, FlowVersion, InboundEvent, Instance, OutboxEffect, Step, Task

ENDED = ("completed", "cancelled", "not_applicable")
LIVE = ("running", "waiting", "incident")
VERSION_LABELS = ["flow", "version"]


class StoreCollector(Collector):
    """Reads the metrics from ``database`` (a ``runtime.store.db.Database``) on every scrape."""

    def __init__(self, database: Any, now: Callable[[], datetime]) -> None:
        self.database = database
        self.now = now

    def collect(self) -> Iterator[Metric]:
        with self.database.read() as session:
            versions = _versions(session)
            yield from _instance_metrics(session, versions)
            yield _steps(session, versions)
            yield _incidents(session, versions)
            yield from _queues(session, self.now())


def _versions(session: Session) -> dict[int, tuple[str, str]]:
    rows = session.execute(select(FlowVersion.id, Flow.key, FlowVersion.number)
                           .join(Flow, Flow.id == FlowVersion.flow_id)).all()
    return {vid: (key, str(number)) for vid, key, number in rows}


def _instance_metrics(session: Session, versions: dict[int, tuple[str, str]]) -> Iterator[Metric]:
    started: Counter[tuple[str, ...]] = Counter()
    ended: Counter[tuple[str, ...]] = Counter()
    live: Counter[tuple[str, ...]] = Counter()
    for vid, status, outcome, count in session.execute(
            select(Instance.flow_version_id, Instance.status, Instance.outcome, func.count())
            .group_by(Instance.flow_version_id, Instance.status, Instance.outcome)):
        labels = versions.get(vid, ("?", str(vid)))
        started[labels] += count
        if status in ENDED:
            ended[(*labels, status, outcome or "")] += count
        elif status in LIVE:
            live[(*labels, status)] += count
    yield _family(CounterMetricFamily, "orderloom_instances_started", "Flow instances started, per flow version",
                  VERSION_LABELS, started)
    yield _family(CounterMetricFamily, "orderloom_instances_ended",
                  "Flow instances ended, per flow version, status and outcome",
                  [*VERSION_LABELS, "status", "outcome"], ended)
    yield _family(GaugeMetricFamily, "orderloom_instances_live", "Flow instances running, waiting or in incident now",
                  [*VERSION_LABELS, "status"], live)


def _family(kind: Any, name: str, doc: str, labels: list[str], counts: Counter[tuple[str, ...]]) -> Metric:
    family = kind(name, doc, labels=labels)
    for values, count in sorted(counts.items()):
        family.add_metric(list(values), count)
    return family


def _steps(session: Session, versions: dict[int, tuple[str, str]]) -> Metric:
    counts: Counter[tuple[str, ...]] = Counter()
    for vid, node_type, count in session.execute(
            select(Instance.flow_version_id, Step.node_type, func.count())
            .join(Instance, Instance.id == Step.instance_id).group_by(Instance.flow_version_id, Step.node_type)):
        counts[(*versions.get(vid, ("?", str(vid))), node_type)] += count
    return _family(CounterMetricFamily, "orderloom_steps", "Steps executed, per flow version and node type",
                   [*VERSION_LABELS, "node_type"], counts)


def _incidents(session: Session, versions: dict[int, tuple[str, str]]) -> Metric:
    """Incidents raised (steps that ended in incident; a retried one stays counted)."""
    counts: Counter[tuple[str, ...]] = Counter()
    status = Step.explanation[("_step", "status")].as_string()
    for vid, count in session.execute(
            select(Instance.flow_version_id, func.count()).select_from(Step)
            .join(Instance, Instance.id == Step.instance_id).where(status == "incident")
            .group_by(Instance.flow_version_id)):
        counts[versions.get(vid, ("?", str(vid)))] += count
    return _family(CounterMetricFamily, "orderloom_incidents", "Incidents raised, per flow version", VERSION_LABELS,
                   counts)


def _queues(session: Session, now: datetime) -> Iterator[Metric]:
    tasks = GaugeMetricFamily("orderloom_tasks_open", "Human tasks open or claimed, per group", labels=["group"])
    task_age = GaugeMetricFamily("orderloom_tasks_oldest_age_seconds", "Age of the oldest open task, per group",
                                 labels=["group"])
    for group, count, oldest in session.execute(
            select(Task.assignee_group, func.count(), func.min(Task.created_at))
            .where(Task.status.in_(("open", "claimed"))).group_by(Task.assignee_group)):
        tasks.add_metric([group], count)
        task_age.add_metric([group], _age(now, oldest))
    yield from (tasks, task_age)
    yield from _queue(session, now, "inbound_events", "Inbound events received and not processed yet",
                      InboundEvent.received_at, InboundEvent.status == "received")
    yield from _queue(session, now, "outbox", "Outbound effects waiting for delivery",
                      OutboxEffect.created_at, OutboxEffect.status == "pending")
    dead = session.execute(select(func.count()).where(OutboxEffect.status == "dead")).scalar_one()
    yield GaugeMetricFamily("orderloom_outbox_dead", "Dead letters (outbound effects that gave up)", value=dead)


def _queue(session: Session, now: datetime, name: str, doc: str, since: Any, waiting: Any) -> Iterator[Metric]:
    count, oldest = session.execute(select(func.count(), func.min(since)).where(waiting)).one()
    yield GaugeMetricFamily(f"orderloom_{name}_pending", doc, value=count)
    yield GaugeMetricFamily(f"orderloom_{name}_oldest_age_seconds", f"Age of the oldest of: {doc.lower()}",
                            value=_age(now, oldest))


def _age(now: datetime, then: datetime | None) -> float:
    if then is None:
        return 0.0
    if then.tzinfo is None:  # stored as UTC
        then = then.replace(tzinfo=timezone.utc)
    return max(0.0, (now - then).total_seconds())
