"""What a preview replays, read from the store: the last N orders that reached a flow's stage, each with the
recorded input snapshot of that stage, and the sub-flow versions the replays may call.

Per order the snapshot is the one its latest instance of *this* flow started on (exact), else — a flow the
order never met, e.g. a new one — the one the latest top-level instance of the same stage started on. A
sub-flow's preview replays the snapshots its own instances started on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from runtime.preview.core import Recorded
from runtime.service.errors import NotFound
from runtime.service.release import VersionInfo, version_info
from runtime.service.snapshots import SAME_AS
from runtime.store.models import Flow, FlowRelease, FlowVersion, Instance, Order

DEFAULT_LIMIT = 1000
MAX_LIMIT = 5000


@dataclass(frozen=True)
class Filters:
    """Which recorded orders: the newest ``limit`` of those created in [since, until) on ``channel`` to
    ``region`` (each optional)."""

    limit: int = DEFAULT_LIMIT
    channel: str | None = None
    region: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    @classmethod
    def of(cls, params: dict[str, Any]) -> Filters:
        since, until = params.get("since"), params.get("until")
        return cls(limit=int(params.get("limit") or DEFAULT_LIMIT), channel=params.get("channel"),
                   region=params.get("region"),
                   since=datetime.fromisoformat(since) if isinstance(since, str) else since,
                   until=datetime.fromisoformat(until) if isinstance(until, str) else until)


def load_records(session: Session, flow_id: int, kind: str, filters: Filters, tz: ZoneInfo) -> list[Recorded]:
    """The recorded orders to replay, newest first (see the module docstring); their clocks in ``tz``."""
    scope = _scope(flow_id, kind)
    orders = select(Instance.order_id).join(Order, Order.id == Instance.order_id).where(scope)
    if filters.channel:
        orders = orders.where(Order.channel_code == filters.channel)
    if filters.region:
        orders = orders.where(Order.region == filters.region)
    if filters.since:
        orders = orders.where(Order.created_at >= filters.since)
    if filters.until:
        orders = orders.where(Order.created_at < filters.until)
    ids = list(session.execute(orders.distinct().order_by(Instance.order_id.desc()).limit(filters.limit)).scalars())
    if not ids:
        return []
    chosen = _chosen_instances(session, scope, flow_id, ids)
    snapshots = _snapshots(session, [iid for iid, _ in chosen.values()])
    records = []
    for order_id in ids:
        found = chosen.get(order_id)
        if found is not None and found[0] in snapshots:
            records.append(Recorded(order_id, snapshots[found[0]], found[1].astimezone(tz)))
    return records


def _scope(flow_id: int, kind: str) -> Any:
    """The instances whose snapshots may stand for an order: the stage's top-level ones (a sub-flow: its own)."""
    if kind == "subflow":
        return Instance.flow_version_id.in_(select(FlowVersion.id).where(FlowVersion.flow_id == flow_id))
    return Instance.parent_instance_id.is_(None) & or_(Instance.stage == kind, Instance.stage.like(f"{kind}/%"))


def _chosen_instances(session: Session, scope: Any, flow_id: int, order_ids: list[int]
                      ) -> dict[int, tuple[int, datetime]]:
    """order id → (instance id, started at): its latest instance of the flow, else of the stage."""
    rows = session.execute(
        select(Instance.order_id, Instance.id, Instance.created_at, FlowVersion.flow_id)
        .join(FlowVersion, FlowVersion.id == Instance.flow_version_id)
        .where(scope, Instance.order_id.in_(order_ids)).order_by(Instance.id)).all()
    chosen: dict[int, tuple[int, datetime, bool]] = {}
    for order_id, iid, created, owner in rows:
        mine = owner == flow_id
        if order_id not in chosen or mine or not chosen[order_id][2]:
            chosen[order_id] = (iid, created, mine)
    return {order_id: (iid, at) for order_id, (iid, at, _) in chosen.items()}


def _snapshots(session: Session, instance_ids: list[int]) -> dict[int, dict[str, Any]]:
    """instance id → its input snapshot in full (``{"same_as_instance": id}`` records followed)."""
    stored = dict(session.execute(select(Instance.id, Instance.input_snapshot)
                                  .where(Instance.id.in_(instance_ids))).all())
    refs = {iid: int(s[SAME_AS]) for iid, s in stored.items() if isinstance(s, dict) and set(s) == {SAME_AS}}
    if refs:
        targets = dict(session.execute(select(Instance.id, Instance.input_snapshot)
                                       .where(Instance.id.in_(set(refs.values())))).all())
        for iid, target in refs.items():
            stored[iid] = targets.get(target)
    return {iid: s for iid, s in stored.items() if isinstance(s, dict) and s.get("order")}


def version_id(session: Session, flow_key: str, number: int) -> int:
    """The id of version ``number`` of ``flow_key``; :class:`NotFound` names the flow or the version missing."""
    vid = session.execute(select(FlowVersion.id).join(Flow, Flow.id == FlowVersion.flow_id)
                          .where(Flow.key == flow_key, FlowVersion.number == number)).scalar_one_or_none()
    if vid is None:
        if session.execute(select(Flow.id).where(Flow.key == flow_key)).scalar_one_or_none() is None:
            raise NotFound("flow", flow_key)
        raise NotFound("version", f"{flow_key} v{number}")
    return vid


def subflow_versions(session: Session, documents: list[dict[str, Any]]) -> Any:
    """A resolver ``(key, binding, number) -> VersionInfo | None`` for the sub-flow calls of ``documents`` (and
    of the flows they call): every active version, plus the pinned versions they name — read now, so the
    replays need no database."""
    active_ids = session.execute(select(FlowRelease.active_version_id)
                                 .where(FlowRelease.active_version_id.is_not(None))).scalars()
    active = {info.flow_key: info for info in (version_info(session, vid) for vid in active_ids)}
    pinned: dict[tuple[str, int], VersionInfo] = {}
    pending = list(documents) + [info.document for info in active.values()]
    while pending:
        for key, number in _pinned_calls(pending.pop()):
            if (key, number) not in pinned:
                vid = session.execute(select(FlowVersion.id).join(Flow, Flow.id == FlowVersion.flow_id).where(
                    Flow.key == key, FlowVersion.number == number)).scalar_one_or_none()
                if vid is not None:
                    pinned[(key, number)] = info = version_info(session, vid)
                    pending.append(info.document)

    def resolve(key: str, binding: str | None, number: Any) -> VersionInfo | None:
        if binding == "pinned" and number is not None:
            return pinned.get((key, int(number)))
        return active.get(key)

    return resolve


def _pinned_calls(document: dict[str, Any]) -> list[tuple[str, int]]:
    calls = []
    for node in document.get("nodes") or ():
        config = node.get("config") or {}
        if node.get("type") == "subflow" and config.get("binding") == "pinned" and config.get("version") is not None:
            calls.append((str(config.get("flow")), int(config["version"])))
    return calls
