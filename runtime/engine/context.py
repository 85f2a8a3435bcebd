"""The run context a handler gets: plan, state, snapshot, clock, the expression environment, and the
two ways out — variables and effects. One Run per call of :func:`runtime.engine.run`; never shared."""

from __future__ import annotations

from collections import deque
from datetime import datetime
from typing import Any

from runtime.engine.effects import Effect
from runtime.engine.plan import Plan
from runtime.engine.snapshot import Snapshot
from runtime.engine.state import jsonable, thaw, var_type
from runtime.engine.steps import Step

_PLAIN = frozenset({str, bool, int, type(None)})


class Run:
    """What a handler sees. ``env`` is the expressions' root names (``order``, ``customer``,
    ``return_request``, ``context``, ``vars``); handlers may bind ``candidate`` / ``event`` in it briefly."""

    __slots__ = ("clock", "effects", "env", "event", "fx", "now", "plan", "queue", "seq", "snapshot",
                 "state", "steps", "tokens")

    def __init__(self, plan: Plan, state: dict[str, Any], snapshot: Snapshot, clock: datetime, now: str,
                 event: dict[str, Any]):
        self.plan = plan
        self.state = state
        self.snapshot = snapshot
        self.clock = clock
        self.now = now
        self.event = event
        self.env: dict[str, Any] = {"order": snapshot.order, "customer": snapshot.customer,
                                    "return_request": snapshot.return_request, "context": snapshot.context,
                                    "vars": thaw(state["vars"], state["vtypes"]) if state["vars"] else {}}
        self.effects: list[Effect] = []
        self.steps: list[Step] = []
        self.tokens: list[dict[str, Any]] = state["tokens"]
        self.queue: deque[dict[str, Any]] = deque()
        self.seq: int = state["seq"]  # the last recorded step; the running handler's step is seq + 1
        self.fx = 0                   # effects emitted by the running handler so far

    @property
    def instance(self) -> str:
        return self.state["instance"]

    def effect(self, kind: str, node: str, data: dict[str, Any], key_as: str | None = None) -> str:
        """Emit an effect for the running step; returns its idempotency key. ``key_as`` also puts the key
        into ``data`` under that name (the key doubles as the task, timer or call id)."""
        key = f"{self.state['instance']}/{node}/{self.seq + 1}"
        if self.fx:
            key = f"{key}/{self.fx}"
        self.fx += 1
        if key_as:
            data = {key_as: key, **data}
        self.effects.append(Effect(kind, key, node, data))
        return key

    def set_var(self, name: str, value: Any) -> None:
        """Write a flow variable: native for later expressions, JSON in the state."""
        self.env["vars"][name] = value
        if type(value) in _PLAIN:
            self.state["vars"][name] = value
            if name in self.state["vtypes"]:
                del self.state["vtypes"][name]
            return
        self.state["vars"][name] = jsonable(value)
        kind = var_type(value)
        if kind:
            self.state["vtypes"][name] = kind
        elif name in self.state["vtypes"]:
            del self.state["vtypes"][name]

    def set_json_var(self, name: str, value: Any) -> None:
        """Write a variable that is already plain JSON (no Decimal, no datetime): one object for both."""
        self.env["vars"][name] = self.state["vars"][name] = value
        if name in self.state["vtypes"]:
            del self.state["vtypes"][name]

    def order_id(self) -> Any:
        return self.snapshot.order.get("id")

    def new_token(self, node: str, came_from: str | None) -> dict[str, Any]:
        """A new ready token at ``node``, queued to run."""
        token = {"id": self.state["next_token"], "node": node, "from": came_from, "since": self.now,
                 "wait": None}
        self.state["next_token"] += 1
        self.tokens.append(token)
        self.queue.append(token)
        return token

    def record(self, node: Any, port: str | None, status: str, token: dict[str, Any], detail: Any,
               actor: str | None = None) -> Step:
        """Record the running handler's step (seq + 1) and make it the last one."""
        self.seq += 1
        step = Step.make(self.seq, node, port, status, token["since"], self.now, token["id"], detail, actor)
        self.steps.append(step)
        self.fx = 0
        return step
