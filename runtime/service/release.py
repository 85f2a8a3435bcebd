"""Which version of a flow serves an order: chosen once per (flow, order), stored, never re-rolled.

:func:`choose_version` is the one place the release policy lives. Today the policy is "the active
version"; the release issue adds canary buckets (SHA-256(flow key, salt, order id)) and segments
here, and stores their ``reason`` and ``bucket`` the same way.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.engine import Plan, compile_plan
from runtime.store.models import Flow, FlowRelease, FlowVersion, VersionChoice


@dataclass(frozen=True)
class VersionInfo:
    """A flow version as the runtime needs it: ids, key, number, kind, and its document."""

    id: int
    flow_id: int
    flow_key: str
    flow_name: str
    kind: str
    number: int
    behaviour_hash: str
    document: dict[str, Any]


def version_info(session: Session, version_id: int) -> VersionInfo:
    row = session.execute(select(FlowVersion, Flow).join(Flow, Flow.id == FlowVersion.flow_id)
                          .where(FlowVersion.id == version_id)).one()
    version, flow = row
    return VersionInfo(version.id, flow.id, flow.key, flow.name, flow.kind, version.number, version.behaviour_hash,
                       version.document)


def choose_version(session: Session, flow_id: int, order_id: int, *, now: datetime,
                   active_version_id: int | None = None) -> int | None:
    """The version id that serves ``order_id`` for flow ``flow_id``: the stored choice if there is one,
    else the release policy's choice (now: the active version), stored before anything runs. ``None``
    when the flow has no version to serve. ``active_version_id``: the active version if the caller has
    already read it (saves reading the release record)."""
    chosen = session.execute(select(VersionChoice.flow_version_id).where(
        VersionChoice.flow_id == flow_id, VersionChoice.order_id == order_id)).scalar_one_or_none()
    if chosen is not None:
        return chosen
    if active_version_id is None:
        release = session.get(FlowRelease, flow_id)
        active_version_id = release.active_version_id if release is not None else None
    if active_version_id is None:
        return None
    session.add(VersionChoice(flow_id=flow_id, order_id=order_id, flow_version_id=active_version_id,
                              reason="active", bucket=None, chosen_at=now))
    return active_version_id


_plans: dict[str, Plan] = {}
_plans_lock = threading.Lock()


def plan_for(info: VersionInfo) -> Plan:
    """The compiled plan of a version, compiled once per process (keyed by the behaviour hash)."""
    plan = _plans.get(info.behaviour_hash)
    if plan is None:
        compiled = compile_plan(info.document)
        with _plans_lock:
            plan = _plans.setdefault(info.behaviour_hash, compiled)
    return plan
