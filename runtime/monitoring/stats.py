"""How a flow version behaves, read from the store: its instances (started, by status and outcome, durations),
its nodes (steps and how long tokens stayed), its SLA breaches, and the heatmap of node and edge traffic.

Windows are half-open, ``[since, until)``, on when an instance started (instances), a token reached a node
(steps, heatmap) or a task was created (SLA); ``None`` leaves that side open.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from runtime.store.models import FlowVersion, Instance, Step, Task

LIVE = ("running", "waiting")


def percentile(values: list[float], share: float) -> float | None:
    """The nearest-rank percentile (``share`` 0..1) of ``values``; ``None`` when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-int(share * 1000) * len(ordered) // 1000))  # ceil(share × n), in integers
    return round(ordered[min(rank, len(ordered)) - 1], 3)


def version_stats(session: Session, version_id: int, *, since: datetime | None, until: datetime | None,
                  now: datetime) -> dict[str, Any]:
    """Instances, nodes and SLA of one version over the window (see the module docstring)."""
    return {"instances": _instances(session, version_id, since, until), "nodes": _nodes(session, version_id,
                                                                                         since, until),
            "sla": _sla(session, version_id, since, until, now)}


def _window(query: Select, column: Any, since: datetime | None, until: datetime | None) -> Select:
    if since is not None:
        query = query.where(column >= since)
    if until is not None:
        query = query.where(column < until)
    return query


def _instances(session: Session, version_id: int, since: datetime | None, until: datetime | None
               ) -> dict[str, Any]:
    rows = session.execute(_window(select(Instance.status, Instance.outcome, Instance.created_at, Instance.ended_at)
                                   .where(Instance.flow_version_id == version_id),
                                   Instance.created_at, since, until)).all()
    statuses = Counter(status for status, _, _, _ in rows)
    durations = [(ended - created).total_seconds() for status, _, created, ended in rows
                 if status == "completed" and ended is not None]
    return {"started": len(rows), "completed": statuses["completed"], "waiting": statuses["waiting"],
            "running": statuses["running"], "in_incident": statuses["incident"], "cancelled": statuses["cancelled"],
            "not_applicable": statuses["not_applicable"],
            "outcomes": dict(Counter(outcome for _, outcome, _, _ in rows if outcome).most_common()),
            "duration_seconds": {"p50": percentile(durations, 0.5), "p99": percentile(durations, 0.99),
                                 "count": len(durations)}}


def _nodes(session: Session, version_id: int, since: datetime | None, until: datetime | None) -> dict[str, Any]:
    rows = session.execute(_window(select(Step.node_id, Step.node_type, Step.started_at, Step.ended_at)
                                   .join(Instance, Instance.id == Step.instance_id)
                                   .where(Instance.flow_version_id == version_id),
                                   Step.started_at, since, until)).all()
    types: dict[str, str] = {}
    waits: dict[str, list[float]] = defaultdict(list)
    counts: Counter[str] = Counter()
    for node, node_type, started, ended in rows:
        types[node] = node_type
        counts[node] += 1
        if ended is not None:
            waits[node].append((ended - started).total_seconds())
    return {node: {"type": types[node], "count": count, "duration_seconds": {
        "p50": percentile(waits[node], 0.5), "p99": percentile(waits[node], 0.99)}}
            for node, count in sorted(counts.items())}


def _sla(session: Session, version_id: int, since: datetime | None, until: datetime | None, now: datetime
         ) -> dict[str, Any]:
    rows = session.execute(_window(select(Task.status, Task.sla_due_at, Task.decided_at, Task.escalated_at)
                                   .join(Instance, Instance.id == Task.instance_id)
                                   .where(Instance.flow_version_id == version_id, Task.sla_due_at.is_not(None)),
                                   Task.created_at, since, until)).all()
    breached = sum(1 for status, due, decided, escalated in rows
                   if escalated is not None or (decided is not None and decided > due)
                   or (decided is None and status in ("open", "claimed") and due < now))
    return {"tasks": len(rows), "breaches": breached}


def heatmap(session: Session, version_id: int, *, since: datetime | None, until: datetime | None
            ) -> dict[str, Any]:
    """Traffic per node (steps) and per edge (steps that left a node by a port its edge starts from) over the
    window; every node and edge of the version is listed, untravelled ones with 0. Edge keys: ``from|port|to``."""
    document = session.get(FlowVersion, version_id).document
    nodes: dict[str, int] = {n["id"]: 0 for n in document.get("nodes") or ()}
    targets = {(e["from"], e.get("port")): e["to"] for e in document.get("edges") or ()}
    edges: dict[str, int] = {f"{a}|{port}|{b}": 0 for (a, port), b in targets.items()}
    rows = session.execute(_window(select(Step.node_id, Step.port)
                                   .join(Instance, Instance.id == Step.instance_id)
                                   .where(Instance.flow_version_id == version_id),
                                   Step.started_at, since, until)).all()
    for node, port in rows:
        nodes[node] = nodes.get(node, 0) + 1
        target = targets.get((node, port))
        if target is not None:
            edges[f"{node}|{port}|{target}"] += 1
    return {"nodes": nodes, "edges": edges}
