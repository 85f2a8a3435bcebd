"""The operations dashboard's numbers over a window ending now: orders per minute by channel, the routing split
by warehouse, the approval queue (size and age), return reasons by channel. Read from the store on each call;
the page polls it (see ``docs/monitoring.md``)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from runtime.monitoring.stats import percentile
from runtime.store.models import Order, ReturnRequest, Task


def dashboard(session: Session, *, now: datetime, window: timedelta, tz: ZoneInfo) -> dict[str, Any]:
    since = now - window
    return {"window_seconds": int(window.total_seconds()), "since": since.astimezone(tz).isoformat(),
            "until": now.astimezone(tz).isoformat(),
            "orders_per_minute": _orders_per_minute(session, since, tz),
            "routing": _routing(session, since), "approvals": _approvals(session, now),
            "returns": _returns(session, since)}


def _orders_per_minute(session: Session, since: datetime, tz: ZoneInfo) -> dict[str, Any]:
    """``{channels: [...], series: [{minute, <channel>: count, ...}]}`` — minutes with orders, in order."""
    rows = session.execute(select(Order.created_at, Order.channel_code).where(Order.created_at >= since)).all()
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for created, channel in rows:
        per[created.astimezone(tz).replace(second=0, microsecond=0).isoformat()][channel] += 1
    channels = sorted({channel for _, channel in rows})
    return {"channels": channels, "total": len(rows),
            "series": [{"minute": minute, **{c: per[minute][c] for c in channels}} for minute in sorted(per)]}


def _routing(session: Session, since: datetime) -> dict[str, Any]:
    """Orders created in the window that were routed: how many per warehouse, and the share split."""
    routed = [list(w or []) for w in session.execute(select(Order.routed_warehouses)
                                                     .where(Order.created_at >= since)).scalars() if w]
    by_warehouse = Counter(w for warehouses in routed for w in warehouses)
    split = sum(1 for warehouses in routed if len(warehouses) > 1)
    return {"orders": len(routed), "by_warehouse": dict(by_warehouse.most_common()), "split": split,
            "split_rate": round(split / len(routed), 4) if routed else 0.0}


def _approvals(session: Session, now: datetime) -> dict[str, Any]:
    """The open (or claimed) human tasks now: per group, how many and how old (seconds)."""
    rows = session.execute(select(Task.assignee_group, Task.created_at)
                           .where(Task.status.in_(("open", "claimed")))).all()
    ages: dict[str, list[float]] = defaultdict(list)
    for group, created in rows:
        ages[group].append((now - created).total_seconds())
    every = [a for group_ages in ages.values() for a in group_ages]
    return {"open": len(rows), "oldest_seconds": round(max(every), 1) if every else None,
            "median_age_seconds": percentile(every, 0.5),
            "by_group": {g: {"open": len(a), "oldest_seconds": round(max(a), 1)} for g, a in sorted(ages.items())}}


def _returns(session: Session, since: datetime) -> dict[str, Any]:
    """Return requests of the window by channel and classified reason (``unclassified`` before the flow ran)."""
    rows = session.execute(select(Order.channel_code, ReturnRequest.reason_code)
                           .join(Order, Order.id == ReturnRequest.order_id)
                           .where(ReturnRequest.requested_at >= since)).all()
    per: dict[str, Counter[str]] = defaultdict(Counter)
    for channel, reason in rows:
        per[channel][reason or "unclassified"] += 1
    return {"total": len(rows), "by_channel": {c: dict(r.most_common()) for c, r in sorted(per.items())}}
