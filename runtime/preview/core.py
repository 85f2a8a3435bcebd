"""The impact preview as a pure function over recorded data: the same code runs in the API's thread, in a
Celery worker and in ``bench/preview.py``.

Each recorded order is replayed twice, independently: the **baseline** (the active version) on its recorded
input snapshot — what it did — and the **proposed** version on the same snapshot with the what-if overlay
laid over it. So previewing the active version itself with ``{"warehouses": {"hz": {"status": "closed"}}}``
answers "what if hz closes", and previewing a draft without an overlay answers "what does this change do".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from runtime.engine import Plan, build_snapshot
from runtime.preview.overlay import apply_overlay
from runtime.preview.replay import NOT_RUN, VersionResolver, replay
from runtime.preview.report import Report

Progress = Callable[[int, int], None]

#: snapshot fields the engine reads fastest as Decimal (stored as text in the JSON snapshot)
_CANDIDATE_NUMBERS = ("cost", "unit_cost", "eta_hours", "load")


@dataclass(frozen=True)
class Recorded:
    """One stored order to replay: its id, the recorded input snapshot (``Snapshot.to_dict()`` JSON) of its
    stage, and when that stage ran (the replay's clock)."""

    order_id: int
    snapshot: dict[str, Any]
    at: datetime


def run_preview(records: Iterable[Recorded], proposed: Plan, baseline: Plan | None, *,
                overlay: dict[str, Any] | None = None, human: str = "approve",
                versions: VersionResolver | None = None, progress: Progress | None = None,
                every: int = 100) -> dict[str, Any]:
    """Replay every record through ``baseline`` (none: a flow never published — nothing ran) and ``proposed``
    and return the report (see :mod:`runtime.preview.report`). ``progress(done, total)`` is called every
    ``every`` orders and at the end."""
    total = len(records) if isinstance(records, Sized) else 0
    report = Report()
    done = 0
    for record in records:
        stored = revive(record.snapshot)
        snapshot = build_snapshot(**stored)
        before = replay(baseline, snapshot, record.at, human=human, versions=versions) if baseline else NOT_RUN
        if overlay:
            snapshot = build_snapshot(**revive(apply_overlay(record.snapshot, overlay)))
        after = replay(proposed, snapshot, record.at, human=human, versions=versions)
        report.add(record.order_id, before, after)
        done += 1
        if progress is not None and done % every == 0:
            progress(done, max(total, done))
    if progress is not None:
        progress(done, max(total, done))
    return report.to_dict()


def revive(stored: dict[str, Any]) -> dict[str, Any]:
    """The stored snapshot with the candidates' money and numbers as Decimal again (the JSON keeps them as
    text): the engine answers the same either way, but Decimals take its fast paths."""
    out = dict(stored)
    for key in ("warehouses", "carriers"):
        out[key] = [_numbers(c) for c in stored.get(key) or ()]
    order = stored.get("order")
    if isinstance(order, dict) and isinstance(order.get("total"), str):
        out["order"] = {**order, "total": _decimal(order["total"])}
    return out


def _numbers(candidate: dict[str, Any]) -> dict[str, Any]:
    out = dict(candidate)
    for name in _CANDIDATE_NUMBERS:
        if isinstance(out.get(name), str):
            out[name] = _decimal(out[name])
    return out


def _decimal(text: str) -> Any:
    try:
        return Decimal(text)
    except ArithmeticError:
        return text
