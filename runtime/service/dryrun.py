"""The sandbox: one flow document run for one order by the same engine, nothing written or delivered.

- The document may be a draft: it is validated first (problems → :class:`InputError` with the list).
- The snapshot is the database's current master data (warehouses, stock, carriers and rates, context
  feeds) read in a read-only transaction, around the given order — unless ``snapshot`` is given
  (the stored input snapshot of an instance, for an exact replay).
- The clock is fixed (``clock``, else now); timers are fast-forwarded (the clock jumps to the due time).
- Human steps are answered by ``human``: ``approve`` / ``reject`` (required form fields filled with
  placeholders) or ``wait`` (the run stops there, after its SLA timer has fired).
- ``call_service`` waits are answered from ``services`` (connection name → ``{"ok", "status", "body",
  "error"}``) or stop the run; ``subflow`` nodes run the published sub-flow in the same sandbox.
- Effects are recorded (kind, key, node, data, flow), never applied.

``order`` is an order payload as ``Runtime.ingest`` takes it (a ``return`` key adds a return request),
or ``{"order_id": n}`` for an order already in the database.
"""

from __future__ import annotations

from collections import deque
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dsl.validation import validate_document
from runtime.engine import Plan, PlanError, Snapshot, build_snapshot, compile_plan, events, run
from runtime.service.errors import InputError, NotFound
from runtime.service.payloads import parse_order, parse_return
from runtime.service.release import VersionInfo, plan_for, version_info
from runtime.service.snapshots import Master, candidates, load_context, load_snapshot
from runtime.store.customers import address_hash
from runtime.store.models import Customer, Flow, FlowVersion, Order
from runtime.store.versions import active_version, published_flow_keys

if TYPE_CHECKING:
    from runtime.service import Runtime

POLICIES = ("approve", "reject", "wait")
MAX_EVENTS = 200
MAX_DEPTH = 5
PLACEHOLDER = {"text": "dry-run", "number": 0, "boolean": True}


def dry_run(rt: Runtime, document: dict[str, Any], order: dict[str, Any], *, snapshot: dict[str, Any] | None,
            clock: datetime | None, human: str, services: dict[str, Any] | None) -> dict[str, Any]:
    if human not in POLICIES:
        raise InputError("RUN_FIELD_INVALID", "human", "人工节点策略应为 approve、reject 或 wait",
                         f"human must be one of {', '.join(POLICIES)}")
    at = (clock or rt.now()).astimezone(rt.tz)
    with rt.db.read() as session:
        plan = _checked_plan(session, document)
        snap = build_snapshot(**snapshot) if snapshot is not None else sandbox_snapshot(session, order, rt.tz, at)
        sandbox = Sandbox(session, snap, human, services or {})
        state, clock_end = sandbox.run(plan, "dry-run", at, 0)
    main = [s for s in sandbox.steps if s["instance"] == "dry-run"]
    return {"status": state["status"], "outcome": state.get("outcome"), "path": [s["node"] for s in main],
            "steps": sandbox.steps, "effects": sandbox.effects, "incident": state.get("incident"),
            "waiting": [dict(t["wait"], node=t["node"]) for t in state.get("tokens", ()) if t.get("wait")],
            "vars": state.get("vars"), "clock": {"start": at.isoformat(), "end": clock_end.isoformat()},
            "snapshot": snap.to_dict()}


def _checked_plan(session: Session, document: Any) -> Plan:
    validation = validate_document(document, known_flows=published_flow_keys(session))
    errors = [p for p in validation.problems if p.severity == "error"]
    if errors:
        raise InputError("RUN_DOCUMENT_INVALID", "document", f"流程文档有 {len(errors)} 个问题",
                         f"the flow document has {len(errors)} problem(s); first: {errors[0].message_en}",
                         problems=validation.problems)
    try:
        return compile_plan(document)
    except PlanError as exc:
        raise InputError("RUN_DOCUMENT_INVALID", "document", f"流程文档有 {len(exc.problems)} 个问题",
                         str(exc), problems=list(exc.problems)) from exc


def sandbox_snapshot(session: Session, order: Any, tz: ZoneInfo, at: datetime) -> Snapshot:
    """A snapshot around an order payload (or a stored order), from the current master data."""
    if not isinstance(order, dict):
        raise InputError("RUN_FIELD_TYPE", "order", "order 应为对象", "order must be an object")
    master = Master(session)
    request = parse_return(order, tz) if order.get("return") is not None else None
    if set(order) <= {"order_id", "return"} and order.get("order_id") is not None:
        stored = session.get(Order, int(order["order_id"]))
        if stored is None:
            raise NotFound("order", order["order_id"])
        snap = load_snapshot(session, stored, tz, master)
        return snap._replace(return_request=_return_view(request, at, tz)) if request else snap
    data = parse_order({**order, "channel_order_no": order.get("channel_order_no") or "DRY-RUN"}, tz)
    a = data.address
    lines = [{**line, "warehouse": None} for line in data.lines]
    view = {"id": "dry-run", "channel": data.channel, "channel_order_no": data.channel_order_no,
            "status": "paid", "total": data.total, "currency": data.currency,
            "created_at": (data.created_at or at).isoformat(), "paid_at": (data.paid_at or at).isoformat(),
            "tags": [], "coupon_used": data.coupon_used, "coupon_codes": data.coupon_codes,
            "accepts_split": data.accepts_split, "receipt": data.receipt, "lines": lines,
            "address": {k: a[k] for k in ("province", "city", "district", "region", "country", "detail", "phone",
                                         "recipient")},
            "payment": ({"method": data.payment["method"], "amount": data.payment["amount"],
                         "paid_at": (data.paid_at or at).isoformat()} if data.payment else None),
            "routed_warehouses": []}
    customer = _customer(session, data.customer, a, data.coupon_used, at)
    warehouses, carriers = candidates(session, master, a["region"], lines, [])
    return build_snapshot(view, customer, _return_view(request, at, tz), load_context(session), warehouses,
                          carriers)


def _customer(session: Session, data: dict[str, Any] | None, address: dict[str, Any], coupon: bool,
              at: datetime) -> dict[str, Any]:
    data = data or {}
    known = None
    if data.get("external_ref"):
        known = session.execute(select(Customer).where(Customer.external_ref == data["external_ref"])
                                ).scalar_one_or_none()
    stats = data.get("stats_24h")
    if stats is None:
        here = address_hash(f"{address['province']}{address['city']}{address['district']}{address['detail']}")
        stats = {"orders": 1, "distinct_addresses": 1, "coupon_orders": int(coupon)}
        if known is not None:
            rows = session.execute(select(Order.address_hash, Order.coupon_used).where(
                Order.customer_id == known.id, Order.created_at > at - timedelta(hours=24),
                Order.created_at <= at)).all()
            stats = {"orders": len(rows) + 1, "distinct_addresses": len({h for h, _ in rows} | {here}),
                     "coupon_orders": sum(1 for _, c in rows if c) + int(coupon)}
    view = {"id": data.get("external_ref") or (str(known.id) if known else None), "name": data.get("name"),
            "tier": data.get("tier", "NORMAL"), "new": data.get("new", known is None),
            "fingerprint": known.fingerprint if known else None, "phone": data.get("phone"), "stats_24h": stats}
    return view


def _return_view(request: dict[str, Any] | None, at: datetime, tz: ZoneInfo) -> dict[str, Any] | None:
    if request is None:
        return None
    requested = request["requested_at"] or at
    delivered = request["delivered_at"]
    days = (requested.astimezone(tz).date() - delivered.astimezone(tz).date()).days if delivered else None
    return {"id": request["external_id"] or "dry-run", "reason_text": request["reason_text"], "reason_code": None,
            "requested_at": requested.isoformat(), "days_since_delivery": days,
            "has_receipt": request["has_receipt"], "amount": request["amount"], "items": request["items"]}


class Sandbox:
    """Runs a plan (and its sub-flows) to the first wait the policies cannot answer."""

    def __init__(self, session: Session, snapshot: Snapshot, human: str, services: dict[str, Any]) -> None:
        self.session = session
        self.snapshot = snapshot
        self.human = human
        self.services = services
        self.steps: list[dict[str, Any]] = []
        self.effects: list[dict[str, Any]] = []

    def run(self, plan: Plan, instance: str, clock: datetime, depth: int) -> tuple[dict[str, Any], datetime]:
        state: dict[str, Any] | None = None
        pending: deque[dict[str, Any]] = deque([events.start(instance)])
        fired_sla: set[str] = set()
        for _ in range(MAX_EVENTS):
            if not pending:
                nxt = self._next_event(state, fired_sla)
                if nxt is None:
                    break
                event, due = nxt
                if due is not None and due > clock:
                    clock = due
                pending.append(event)
            result = run(plan, state, pending.popleft(), self.snapshot, clock)
            if result.ignored:
                continue
            state = result.state
            self.keep_steps(result.steps, plan.key, instance)
            for effect in result.effects:
                self.effects.append({**effect.to_dict(), "flow": plan.key, "instance": instance})
                if effect.kind == "subflow.start":
                    ended = self._subflow(effect.data, clock, depth)
                    if ended is not None:
                        pending.append(ended)
            if state["status"] != "waiting":
                break
        assert state is not None
        return state, clock

    def keep_steps(self, steps: Any, flow: str, instance: str) -> None:
        """Record a run's steps in the published shape (the impact preview keeps them compact instead)."""
        for step in steps:
            self.steps.append({**step.to_dict(), "flow": flow, "instance": instance})

    def _next_event(self, state: dict[str, Any] | None, fired_sla: set[str]
                    ) -> tuple[dict[str, Any], datetime | None] | None:
        """The event that answers the first wait the policies can answer (timers: the earliest)."""
        if state is None or state["status"] != "waiting":
            return None
        waits = [t["wait"] for t in state["tokens"] if t.get("wait")]
        for wait in waits:
            if wait["kind"] == "task" and self.human != "wait":
                return events.task_decided(wait["task"], "approved" if self.human == "approve" else "rejected",
                                           "dry-run", self._form(wait)), None
            if wait["kind"] == "service":
                answer = self._service(wait["call"])
                if answer is not None:
                    return answer, None
        timers = sorted(((datetime.fromisoformat(w.get("sla_due") or w.get("due") or w.get("due_at") or ""), w)
                         for w in waits if w.get("timer") and (w.get("sla_due") or w.get("due") or w.get("due_at"))),
                        key=lambda pair: pair[0])
        for due, wait in timers:
            if wait["timer"] not in fired_sla:
                fired_sla.add(wait["timer"])
                return events.timer_fired(wait["timer"]), due
        return None

    def _form(self, wait: dict[str, Any]) -> dict[str, Any]:
        task = next((e for e in self.effects if e["kind"] == "task.create" and e["key"] == wait["task"]), None)
        values: dict[str, Any] = {}
        for field in (task["data"].get("form") or []) if task else []:
            if field.get("required"):
                kind = field.get("type", "text")
                values[field["name"]] = (field.get("options") or ["dry-run"])[0] if kind == "choice" \
                    else PLACEHOLDER.get(kind, "dry-run")
        return values

    def _service(self, call: str) -> dict[str, Any] | None:
        effect = next((e for e in self.effects if e["kind"] == "call_service" and e["key"] == call), None)
        if effect is None:
            return None
        answer = self.services.get(effect["data"].get("connection"))
        if answer is None:
            return None
        return events.service_responded(call, bool(answer.get("ok", True)), answer.get("body"), answer.get("status"),
                                        answer.get("error"))

    def _subflow(self, data: dict[str, Any], clock: datetime, depth: int) -> dict[str, Any] | None:
        if depth >= MAX_DEPTH:
            return None
        info = self._version(data["flow"], data.get("binding"), data.get("version"))
        if info is None:
            return events.subflow_ended(data["call"], "subflow_not_published")
        state, _ = self.run(plan_for(info), data["call"], clock, depth + 1)
        if state["status"] in ("waiting", "incident"):
            return None
        return events.subflow_ended(data["call"], state.get("outcome") or state["status"])

    def _version(self, key: str, binding: str | None, number: Any) -> VersionInfo | None:
        if binding == "pinned" and number is not None:
            vid = self.session.execute(select(FlowVersion.id).join(Flow, Flow.id == FlowVersion.flow_id).where(
                Flow.key == key, FlowVersion.number == int(number))).scalar_one_or_none()
        else:
            record = active_version(self.session, key)
            vid = record.id if record is not None else None
        return version_info(self.session, vid) if vid is not None else None


