"""``/api/warehouses``: the warehouses, and closing / opening one (a closed warehouse's orders are rerouted)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from designer.api.support import ACTOR_PARAM, actor_of, not_found, reading, runtime_errors
from designer.extensions import runtime
from designer.http import load_json
from designer.openapi import operation
from designer.schemas.master_data import (
    CloseWarehouseSchema,
    OpenWarehouseSchema,
    WarehouseChangeSchema,
    WarehouseListSchema,
    WarehouseSchema,
)
from runtime.store.models import Reservation, Warehouse

bp = Blueprint("warehouses", __name__)


@bp.get("/warehouses")
@operation(tags=["master data"], response=WarehouseListSchema)
def list_warehouses():
    """Every warehouse with its region, status, capacity, load and cold chain."""
    with reading() as session:
        rows = session.execute(select(Warehouse).order_by(Warehouse.code)).scalars().all()
        counts = _active_reservations(session)
        return WarehouseListSchema().dump({"warehouses": [_warehouse(w, counts) for w in rows]})


@bp.get("/warehouses/<code>")
@operation(tags=["master data"], response=WarehouseSchema, errors=(404,))
def get_warehouse(code: str):
    """One warehouse by code (`hz`, `sh`, `bj`, `gz`, `cd`)."""
    with reading() as session:
        return WarehouseSchema().dump(warehouse_dict(session, code))


@bp.post("/warehouses/<code>/close")
@operation(tags=["master data"], request=CloseWarehouseSchema, response=WarehouseChangeSchema,
           errors=(400, 404, 409, 415, 422), parameters=(ACTOR_PARAM,))
@runtime_errors
def close_warehouse(code: str):
    """Close a warehouse (e.g. a cold-chain fault): no new orders; routed, unshipped orders are rerouted.

    The orders that had stock reserved there get `order.reroute` and are routed again; their ids
    are in `rerouted_orders`. Closing a closed warehouse changes nothing.
    """
    body = load_json(CloseWarehouseSchema())
    _require(code)
    rerouted = runtime.rt.close_warehouse(code, body["reason"], actor_of(body))
    return _changed(code, rerouted)


@bp.post("/warehouses/<code>/open")
@operation(tags=["master data"], request=OpenWarehouseSchema, response=WarehouseChangeSchema,
           errors=(400, 404, 409, 415, 422), parameters=(ACTOR_PARAM,))
@runtime_errors
def open_warehouse(code: str):
    """Open a closed warehouse again: it takes part in routing from the next order on."""
    body = load_json(OpenWarehouseSchema())
    _require(code)
    runtime.rt.open_warehouse(code, actor_of(body))
    return _changed(code, [])


def _require(code: str) -> None:
    with reading() as session:
        warehouse_dict(session, code)


def _changed(code: str, rerouted: Any) -> dict[str, Any]:
    with reading() as session:
        warehouse = warehouse_dict(session, code)
    ids = [int(getattr(o, "id", o)) for o in (rerouted or [])]
    return WarehouseChangeSchema().dump({"warehouse": warehouse, "rerouted_orders": ids})


def warehouse_dict(session: Session, code: str) -> dict[str, Any]:
    """The warehouse ``code`` as the API shows it, or 404."""
    warehouse = session.get(Warehouse, code) if len(code) <= 16 else None
    if warehouse is None:
        raise not_found("API_WAREHOUSE_NOT_FOUND", code)
    return _warehouse(warehouse, _active_reservations(session, code))


def _active_reservations(session: Session, code: str | None = None) -> dict[str, int]:
    query = (select(Reservation.warehouse_code, func.count(func.distinct(Reservation.order_id)))
             .where(Reservation.status == "active").group_by(Reservation.warehouse_code))
    if code is not None:
        query = query.where(Reservation.warehouse_code == code)
    return {wh: int(n) for wh, n in session.execute(query)}


def _warehouse(w: Warehouse, counts: dict[str, int]) -> dict[str, Any]:
    return {"code": w.code, "name": w.name, "region": w.region, "status": w.status,
            "closed_reason": w.closed_reason, "capacity_per_day": w.capacity_per_day, "load": w.load,
            "cold_chain": w.cold_chain, "active_reservations": counts.get(w.code, 0), "updated_at": w.updated_at}
