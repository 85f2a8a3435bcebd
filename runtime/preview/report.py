"""The impact report: two :class:`~runtime.preview.replay.Outcome` per order (baseline = the active version
on the recorded snapshot, proposed = the previewed version, with the overlay if any), added up.

Kinds of change (an order may have several): ``outcome`` (status, outcome or end node/port differ),
``route.<target>`` (another warehouse / carrier, a split or a backorder instead), ``approval.added`` /
``approval.removed`` / ``approval.changed`` (groups), ``hold.added`` / ``hold.removed``, ``cancel.added`` /
``cancel.removed``, ``incident.added`` / ``incident.removed`` / ``incident.changed``, ``effects`` (other
effects: tags, lines, notifications …). Pure: no database.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from runtime.preview.replay import Outcome

EXAMPLES = 5  # order ids shown per kind of change
MAX_CHANGED = 2000  # changed orders listed one by one (the counts cover all of them)


def kinds_of_change(before: Outcome, after: Outcome) -> list[str]:
    """How ``after`` differs from ``before`` (empty: the same)."""
    kinds = []
    if (before.status, before.outcome, before.node, before.port) != (after.status, after.outcome, after.node,
                                                                     after.port):
        kinds.append("outcome")
    for target in sorted({t for t, _ in before.routes} | {t for t, _ in after.routes}):
        if before.route(target) != after.route(target):
            kinds.append(f"route.{target}")
    kinds += _added_removed("approval", before.approvals, after.approvals)
    kinds += _added_removed("hold", before.hold, after.hold)
    kinds += _added_removed("cancel", before.cancel, after.cancel)
    kinds += _added_removed("incident", before.incident, after.incident)
    if before.effects != after.effects:
        kinds.append("effects")
    return kinds


def _added_removed(name: str, before: Any, after: Any) -> list[str]:
    if before == after:
        return []
    if not before:
        return [f"{name}.added"]
    if not after:
        return [f"{name}.removed"]
    return [f"{name}.changed"]


def links(order_id: int) -> dict[str, Any]:
    """Where a reviewer reads what happened to an order: the timeline API and the designer's order page."""
    return {"order_id": order_id, "timeline": f"/api/orders/{order_id}/timeline", "url": f"/orders/{order_id}"}


class Report:
    """Adds up orders one at a time; :meth:`to_dict` is the stored, JSON-ready report."""

    def __init__(self) -> None:
        self.orders = 0
        self.outcomes: dict[str, Counter[tuple[Any, ...]]] = {"baseline": Counter(), "proposed": Counter()}
        self.kinds: Counter[str] = Counter()
        self.examples: dict[str, list[int]] = {}
        self.changed: list[dict[str, Any]] = []
        self.changed_count = 0
        self.shifts: dict[str, Counter[tuple[str, str]]] = {}
        self.splits: Counter[str] = Counter()
        self.approval_groups: dict[str, Counter[str]] = {}
        self.incidents: Counter[str] = Counter()
        self.shipping = _Shipping()

    def add(self, order_id: int, before: Outcome, after: Outcome) -> None:
        self.orders += 1
        self.outcomes["baseline"][_end(before)] += 1
        self.outcomes["proposed"][_end(after)] += 1
        for side, outcome in (("baseline", before), ("proposed", after)):
            if "+" in (outcome.route("warehouse") or ""):
                self.splits[side] += 1
        if after.incident:
            self.incidents[after.incident] += 1
        self.shipping.add(before, after)
        kinds = kinds_of_change(before, after)
        if not kinds:
            return
        self.changed_count += 1
        for kind in kinds:
            self.kinds[kind] += 1
            shown = self.examples.setdefault(kind, [])
            if len(shown) < EXAMPLES:
                shown.append(order_id)
        self._routing(before, after)
        self._approvals(before, after)
        if len(self.changed) < MAX_CHANGED:
            self.changed.append({**links(order_id), "kinds": kinds, "baseline": before.brief(),
                                 "proposed": after.brief()})

    def _routing(self, before: Outcome, after: Outcome) -> None:
        for target in {t for t, _ in before.routes} | {t for t, _ in after.routes}:
            old, new = before.route(target) or "-", after.route(target) or "-"
            if old != new:
                self.shifts.setdefault(target, Counter())[(old, new)] += 1

    def _approvals(self, before: Outcome, after: Outcome) -> None:
        old, new = Counter(before.approvals), Counter(after.approvals)
        for group in old | new:
            change = self.approval_groups.setdefault(group, Counter())
            change["added"] += max(0, new[group] - old[group])
            change["removed"] += max(0, old[group] - new[group])

    def to_dict(self) -> dict[str, Any]:
        n = self.orders
        return {
            "orders": n, "changed": self.changed_count, "unchanged": n - self.changed_count,
            "outcomes": {side: [{"status": s, "outcome": o, "node": node, "port": port, "count": c}
                                for (s, o, node, port), c in counter.most_common()]
                         for side, counter in self.outcomes.items()},
            "changes": {kind: {"count": c, "examples": [links(i) for i in self.examples[kind]]}
                        for kind, c in sorted(self.kinds.items())},
            "changed_orders": self.changed, "changed_orders_truncated": self.changed_count > len(self.changed),
            "routing": {target: {"moved": sum(shifts.values()),
                                 "shifts": [{"from": a, "to": b, "count": c} for (a, b), c in shifts.most_common()]}
                        for target, shifts in sorted(self.shifts.items())},
            "split_rate": {side: _share(self.splits[side], n) for side in ("baseline", "proposed")},
            "approvals": _totals(self.kinds, "approval", self.approval_groups),
            "holds": {"added": self.kinds["hold.added"], "removed": self.kinds["hold.removed"]},
            "cancels": {"added": self.kinds["cancel.added"], "removed": self.kinds["cancel.removed"]},
            "incidents": {"added": self.kinds["incident.added"], "removed": self.kinds["incident.removed"],
                          "proposed": [{"node": key.split(":", 1)[0], "code": key.split(":", 1)[-1], "count": c}
                                       for key, c in self.incidents.most_common()]},
            "shipping": self.shipping.to_dict(),
        }


def _end(outcome: Outcome) -> tuple[Any, ...]:
    return outcome.status, outcome.outcome, outcome.node, outcome.port


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def _totals(kinds: Counter[str], name: str, groups: dict[str, Counter[str]]) -> dict[str, Any]:
    return {"added": kinds[f"{name}.added"], "removed": kinds[f"{name}.removed"],
            "changed": kinds[f"{name}.changed"],
            "by_group": {g: dict(c) for g, c in sorted(groups.items()) if any(c.values())}}


class _Shipping:
    """Cost and ETA deltas over the orders routed to one warehouse by both versions (raw route values)."""

    def __init__(self) -> None:
        self.orders = 0
        self.cost = [Decimal(0), Decimal(0)]
        self.eta = [Decimal(0), Decimal(0)]

    def add(self, before: Outcome, after: Outcome) -> None:
        if None in (before.cost, after.cost, before.eta, after.eta):
            return
        self.orders += 1
        self.cost[0] += before.cost  # type: ignore[operator]
        self.cost[1] += after.cost  # type: ignore[operator]
        self.eta[0] += before.eta  # type: ignore[operator]
        self.eta[1] += after.eta  # type: ignore[operator]

    def to_dict(self) -> dict[str, Any]:
        return {"orders": self.orders, "cost_baseline": str(self.cost[0]), "cost_proposed": str(self.cost[1]),
                "cost_delta": str(self.cost[1] - self.cost[0]), "cost_delta_mean": self._mean(self.cost),
                "eta_hours_delta_mean": self._mean(self.eta)}

    def _mean(self, totals: list[Decimal]) -> str | None:
        """The mean delta (proposed − baseline) per order, to cents."""
        return str(((totals[1] - totals[0]) / self.orders).quantize(Decimal("0.01"))) if self.orders else None
