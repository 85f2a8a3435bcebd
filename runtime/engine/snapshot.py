"""The context snapshot: everything a run may read about the world, loaded before the step.

The engine reads the world only through this (and changes it only through effects). The store
builds one per run from its tables; the dry run and the tests build one by hand; an instance keeps
its input snapshot (``to_dict``) so it can be replayed exactly. Numbers may be int, float, Decimal
or numeric text: expressions read them as Decimal. The snapshot is read-only by contract — the
engine never changes it, and callers must not change it during a run.
"""

from __future__ import annotations

from typing import Any, NamedTuple, TypedDict

from runtime.engine.state import jsonable


class Warehouse(TypedDict, total=False):
    """A routing candidate of ``target: warehouse`` (what ``candidate.*`` reads in route expressions)."""

    id: str
    region: str             # east north south west central
    status: str             # open | closed
    cold_chain: bool
    capacity: int
    load: Any               # 0..1, share of capacity in use
    cost: Any               # shipping cost of THIS order from here (money)
    unit_cost: Any          # cost per unit of quantity to the order's region
    eta_hours: Any          # delivery time to the order's address
    stock: dict[str, int]   # available units per SKU; absent = stock not tracked (stock_ok is null)


class Carrier(TypedDict, total=False):
    """A routing candidate of ``target: carrier``."""

    id: str
    status: str             # open | closed (optional)
    cold_chain: bool
    cost: Any
    eta_hours: Any


class Snapshot(NamedTuple):
    """order, customer (with ``stats_24h``), return_request, context (weather by region, warehouses
    status/load, promotion) and the routing candidates ``warehouses`` and ``carriers``, in order.
    Immutable (a named tuple), so one snapshot may be shared by runs in several threads."""

    order: dict[str, Any]
    customer: dict[str, Any]
    return_request: dict[str, Any] | None
    context: dict[str, Any]
    warehouses: tuple[Warehouse, ...] = ()
    carriers: tuple[Carrier, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON data for storing the instance's input snapshot; :func:`build_snapshot` reads it back."""
        return jsonable({"order": self.order, "customer": self.customer, "return_request": self.return_request,
                         "context": self.context, "warehouses": list(self.warehouses),
                         "carriers": list(self.carriers)})


def build_snapshot(order: dict[str, Any], customer: dict[str, Any] | None = None,
                   return_request: dict[str, Any] | None = None, context: dict[str, Any] | None = None,
                   warehouses: Any = (), carriers: Any = ()) -> Snapshot:
    """A snapshot from plain dicts. ``warehouses`` / ``carriers`` are lists of dicts with ``id`` or maps
    id → dict. When ``context`` has no ``warehouses`` map it is derived from the warehouse list, so
    ``context.warehouses[id].status`` and ``candidate.status`` never disagree."""
    if not isinstance(order, dict):
        raise TypeError("snapshot order must be a dict")
    wh = _candidates(warehouses, "warehouses")
    context = context if context is not None else {}
    if "warehouses" not in context and wh:
        context = {**context, "warehouses": {w["id"]: {"status": w.get("status", "open"), "load": w.get("load"),
                                                       "region": w.get("region")} for w in wh}}
    return _new_snapshot(Snapshot, (order, customer or {}, return_request, context, wh,
                                     _candidates(carriers, "carriers") if carriers else ()))


_new_snapshot = tuple.__new__  # Snapshot's own __new__ is a Python function; the fields are all given here


def _candidates(given: Any, what: str) -> tuple[dict[str, Any], ...]:
    if isinstance(given, dict):
        return tuple(c if c.get("id") == key else {**c, "id": key} for key, c in given.items())
    out = tuple(given or ())
    for c in out:
        if type(c) is not dict or type(c.get("id")) is not str:
            raise TypeError(f"each of the snapshot's {what} must be a dict with a text 'id'")
    return out
