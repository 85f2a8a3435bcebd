"""One order replayed through one flow version: the runtime's own sandbox (``runtime.service.dryrun``), run on
a recorded input snapshot, summarised as an :class:`Outcome` that two versions can be compared by.

Pure: no database. Sub-flows are answered by a ``versions`` resolver the caller loaded beforehand
(``(key, binding, number) -> VersionInfo | None``); human steps by the ``human`` policy of the dry run
(approve / reject / wait); a ``call_service`` wait stops the run (the outcome is then ``waiting``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from runtime.engine import Plan, Snapshot, Step
from runtime.service.dryrun import Sandbox
from runtime.service.release import VersionInfo

MAIN = "preview"
VersionResolver = Callable[[str, "str | None", Any], "VersionInfo | None"]
#: the effects an outcome names on their own; every other kind counts as "other effects"
_OWN_KINDS = frozenset({"task.create", "order.hold", "order.cancel", "stock.reserve", "timer.schedule",
                        "timer.cancel", "task.cancel", "subflow.start", "order.split", "order.backorder"})
_COST_FACTORS = ("cost", "shipping_cost")
_ETA_FACTORS = ("eta", "eta_hours")


@dataclass(frozen=True)
class Outcome:
    """What one version did with one order (the parts an impact preview compares).

    ``node``/``port``: the last step of the flow (its end node; ``trigger`` when not applicable; the node it
    waits at or failed in). ``routes``: (target, choice) per route target — a warehouse id, ``a+b`` for a
    split, ``backorder``. ``cost``/``eta``: the chosen warehouse's raw values as the route explained them.
    """

    status: str
    outcome: str | None = None
    node: str | None = None
    port: str | None = None
    routes: tuple[tuple[str, str], ...] = ()
    approvals: tuple[str, ...] = ()
    hold: bool = False
    cancel: bool = False
    incident: str | None = None
    effects: tuple[str, ...] = ()
    cost: Decimal | None = None
    eta: Decimal | None = None

    def route(self, target: str) -> str | None:
        return dict(self.routes).get(target)

    def brief(self) -> dict[str, Any]:
        """The JSON a report shows for this side of a changed order."""
        return {"status": self.status, "outcome": self.outcome, "node": self.node, "port": self.port,
                "routes": dict(self.routes), "approvals": list(self.approvals), "hold": self.hold,
                "cancel": self.cancel, "incident": self.incident,
                "cost": None if self.cost is None else str(self.cost),
                "eta_hours": None if self.eta is None else str(self.eta)}


#: the baseline of a flow that has no active version: nothing ran
NOT_RUN = Outcome(status="not_run")


class _ReplaySandbox(Sandbox):
    """The dry run's sandbox without a database: sub-flow versions come from a resolver loaded beforehand."""

    def __init__(self, snapshot: Snapshot, human: str, versions: VersionResolver | None) -> None:
        super().__init__(None, snapshot, human, {})  # type: ignore[arg-type]  # the session is only for _version
        self.versions = versions
        self.main: list[Step] = []

    def keep_steps(self, steps: Any, flow: str, instance: str) -> None:
        """The flow's own steps, compact: a preview explains only the ones it reads (the last, the routes)."""
        if instance == MAIN:
            self.main.extend(steps)

    def _version(self, key: str, binding: str | None, number: Any) -> VersionInfo | None:
        return self.versions(key, binding, number) if self.versions is not None else None


def replay(plan: Plan, snapshot: Snapshot, at: datetime, *, human: str = "approve",
           versions: VersionResolver | None = None) -> Outcome:
    """Run ``plan`` on ``snapshot`` at ``at`` like the dry run does, and summarise it. An error of the
    engine on this order (a malformed stored snapshot, say) is an outcome too (status ``error``): one bad
    record never stops a preview."""
    sandbox = _ReplaySandbox(snapshot, human, versions)
    try:
        state, _ = sandbox.run(plan, MAIN, at, 0)
    except Exception as exc:  # noqa: BLE001 - reported per order, never raised
        return Outcome(status="error", incident=f"replay:{type(exc).__name__}")
    return summarise(state, sandbox.main, sandbox.effects, snapshot)


def summarise(state: dict[str, Any], steps: list[Step], effects: list[dict[str, Any]],
              snapshot: Snapshot) -> Outcome:
    """The :class:`Outcome` of a finished sandbox run (final state, the flow's own steps, every effect)."""
    last = steps[-1] if steps else None
    kinds = [e["kind"] for e in effects]
    incident = state.get("incident")
    cost, eta = _cost_eta(steps, snapshot)
    return Outcome(
        status=state["status"], outcome=state.get("outcome"), node=last.node_id if last else None,
        port=last.port if last else None,
        routes=tuple(sorted((target, _choice(route)) for target, route in (state.get("routes") or {}).items())),
        approvals=tuple(sorted(e["data"].get("group") or "" for e in effects if e["kind"] == "task.create")),
        hold="order.hold" in kinds, cancel="order.cancel" in kinds,
        incident=f"{incident.get('node')}:{incident.get('code')}" if incident else None,
        effects=tuple(sorted(f"{e['kind']}@{e['node']}" for e in effects if e["kind"] not in _OWN_KINDS)),
        cost=cost, eta=eta)


def _choice(route: dict[str, Any]) -> str:
    if route.get("id"):
        return str(route["id"])
    parts = route.get("parts")
    if parts:
        return "+".join(sorted(str(p.get("warehouse")) for p in parts))
    return "backorder"


def _cost_eta(steps: list[Step], snapshot: Snapshot) -> tuple[Decimal | None, Decimal | None]:
    """The chosen warehouse's cost and ETA: the raw factor values its route explanation recorded (factors
    named cost / eta), else the snapshot's candidate fields the factors read."""
    for step in reversed(steps):
        if step.node.type != "route":
            continue
        explanation = step.explanation()
        if explanation.get("target") != "warehouse":
            continue
        winner = explanation.get("winner")
        if not winner:
            return None, None
        raw = next((c.get("raw") or {} for c in explanation.get("candidates", ()) if c.get("id") == winner), {})
        candidate = next((w for w in snapshot.warehouses if w.get("id") == winner), {})
        cost = _first_number(raw, _COST_FACTORS) or _number(candidate.get("cost"))
        eta = _first_number(raw, _ETA_FACTORS) or _number(candidate.get("eta_hours"))
        return cost, eta
    return None, None


def _first_number(values: dict[str, Any], names: tuple[str, ...]) -> Decimal | None:
    for name in names:
        if name in values:
            return _number(values[name])
    return None


def _number(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
