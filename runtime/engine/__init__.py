"""The flow engine: a flow version compiled once into a Plan, and a pure interpreter over it.

    plan = compile_plan(doc)                       # or compile_source(dsl_text); raises PlanError
    result = run(plan, None, events.start("i-1"), snapshot, clock)
    result.state    # JSON data to store; pass it to the next run
    result.steps    # compact records; step.to_dict() gives the published shape with its explanation
    result.effects  # values for the adapter to apply (stock, order changes, tasks, timers, outbox)

No Flask, no SQLAlchemy, no Redis, no wall clock, no randomness: the same inputs always give the
same outputs. See ``docs/engine.md``.
"""

from runtime.engine import events
from runtime.engine.effects import Effect
from runtime.engine.errors import EventError, NodeIncident, PlanError, PlanMismatch
from runtime.engine.interpreter import Result, run
from runtime.engine.plan import Plan, PlanNode, compile_plan, compile_source
from runtime.engine.snapshot import Carrier, Snapshot, Warehouse, build_snapshot
from runtime.engine.state import STATE_FORMAT
from runtime.engine.steps import Step

__all__ = ["Carrier", "Effect", "EventError", "NodeIncident", "Plan", "PlanError", "PlanMismatch",
           "PlanNode", "Result", "STATE_FORMAT", "Snapshot", "Step", "Warehouse", "build_snapshot",
           "compile_plan", "compile_source", "events", "run"]
