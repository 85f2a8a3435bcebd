"""Effects: what a run asks the world to do, as values. The engine never executes one; the adapter does.

Each effect has a ``kind``, the ``node`` that asked for it, JSON ``data`` and a stable idempotency
``key`` = ``{instance}/{node}/{step seq}`` (``/{i}`` appended for a step's second, third … effect).
Running the same state, event, snapshot and clock again gives the same keys, so an adapter may
re-run a step (e.g. after a stock conflict) and receivers can apply each key once.

| kind | data |
|---|---|
| ``stock.reserve`` | order, warehouse, lines [{sku, qty}], part — a conditional update; conflict: re-run |
| ``order.tag`` ``order.untag`` | order, tag |
| ``order.hold`` ``order.release`` ``order.cancel`` | order, reason |
| ``order.add_line`` | order, line {sku, name, qty, price, gift, ship_with_main} |
| ``order.add_surcharge`` | order, surcharge {code, label, amount} |
| ``order.backorder`` | order, reason {code, zh, en}, warehouse (when known) |
| ``order.split`` | order, by, shipments [{warehouse, lines, cold_chain}] |
| ``return.disposition`` | order, return_request, resolution, offer_first, pickup, amount, reason |
| ``task.create`` | task (= this key), group, title, form, sla_due, on_breach |
| ``task.reassign`` ``task.remind`` ``task.cancel`` | task, group |
| ``timer.schedule`` | timer (= this key), due_at, purpose (sla, timer, timeout, merge_window) |
| ``timer.cancel`` | timer |
| ``subflow.start`` | call (= this key), flow, binding, version, parent {instance, node} |
| ``subflow.cancel`` | call |
| ``notify`` | channel, to, group, customer, title, message |
| ``call_service`` | call (= this key), connection, method, path, body — answered by ``service.responded`` |
"""

from __future__ import annotations

from typing import Any


class Effect:
    """One effect of a run (see the module docstring for the kinds)."""

    __slots__ = ("data", "key", "kind", "node")

    def __init__(self, kind: str, key: str, node: str, data: dict[str, Any]):
        self.kind = kind
        self.key = key
        self.node = node
        self.data = data

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape the outbox stores."""
        return {"kind": self.kind, "key": self.key, "node": self.node, "data": self.data}

    def __repr__(self) -> str:
        return f"Effect({self.kind} {self.key} {self.data!r})"
