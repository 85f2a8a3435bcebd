"""``/api/stock``: stock per SKU and warehouse, and operators' adjustments (each with a reason)."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import func, select

from designer.api.support import ACTOR_PARAM, actor_of, load_query, reading, transaction
from designer.errors import ApiError
from designer.extensions import runtime
from designer.http import load_json
from designer.openapi import operation
from designer.problem_codes import api_problem
from designer.schemas.master_data import StockAdjustedSchema, StockAdjustmentSchema, StockListSchema, StockQuerySchema
from runtime.store import stock as stock_store
from runtime.store.models import Stock, StockAdjustment, Warehouse

bp = Blueprint("stock", __name__)

_QUERY_PARAMS = tuple(
    {"name": name, "in": "query", "required": False, "schema": schema, "description": text}
    for name, schema, text in (
        ("sku", {"type": "string"}, "Only this SKU"),
        ("warehouse", {"type": "string"}, "Only this warehouse"),
        ("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}, "Page size"),
        ("offset", {"type": "integer", "minimum": 0, "default": 0}, "Rows to skip"),
    ))


@bp.get("/stock")
@operation(tags=["master data"], response=StockListSchema, errors=(422,), parameters=_QUERY_PARAMS)
def list_stock():
    """Stock rows (available and reserved units), by SKU and warehouse, in SKU order."""
    query = load_query(StockQuerySchema())
    where = []
    if "sku" in query:
        where.append(Stock.sku == query["sku"])
    if "warehouse" in query:
        where.append(Stock.warehouse_code == query["warehouse"])
    with reading() as session:
        total = session.execute(select(func.count()).select_from(Stock).where(*where)).scalar_one()
        rows = session.execute(select(Stock).where(*where).order_by(Stock.sku, Stock.warehouse_code)
                               .limit(query["limit"]).offset(query["offset"])).scalars().all()
        items = [{"sku": r.sku, "warehouse": r.warehouse_code, "available": r.available, "reserved": r.reserved,
                  "updated_at": r.updated_at} for r in rows]
    return StockListSchema().dump({"items": items, "total": total})


@bp.post("/stock")
@operation(tags=["master data"], request=StockAdjustmentSchema, response=StockAdjustedSchema,
           errors=(400, 415, 422), parameters=(ACTOR_PARAM,))
def adjust_stock():
    """Adjust available stock by `delta` with a reason; refused (422) if it would go below zero.

    The adjustment is logged (who, why, the new figure). A positive adjustment creates the row for
    a SKU new to the warehouse. Orders waiting for stock (backordered) are nudged to try again.
    """
    body = load_json(StockAdjustmentSchema())
    actor = actor_of(body)
    with transaction() as session:
        if session.get(Warehouse, body["warehouse"]) is None:
            raise ApiError(422, [api_problem("API_FIELD_INVALID", "body.warehouse",
                                             detail=f"there is no warehouse {body['warehouse']!r}")])
        try:
            stock_store.adjust(session, body["sku"], body["warehouse"], body["delta"], body["reason"],
                               actor=actor, now=runtime.now())
        except stock_store.StockError as exc:
            raise ApiError(422, [api_problem("API_STOCK_REFUSED", "body.delta", detail_zh=exc.message_zh,
                                             detail_en=exc.message_en)]) from None
        adjustment_id = session.execute(select(func.max(StockAdjustment.id)).where(
            StockAdjustment.sku == body["sku"], StockAdjustment.warehouse_code == body["warehouse"])).scalar()
        row = session.get(Stock, (body["sku"], body["warehouse"]))
        answer = {"sku": row.sku, "warehouse": row.warehouse_code, "available": row.available,
                  "reserved": row.reserved, "updated_at": row.updated_at, "adjustment_id": adjustment_id}
    if body["delta"] > 0:
        _nudge_backorders(body["sku"], body["warehouse"])
    return StockAdjustedSchema().dump(answer)


def _nudge_backorders(sku: str, warehouse: str) -> None:
    """Tell the runtime that stock arrived, when it offers a way to (orders waiting in reserve_stock)."""
    rt = runtime.rt
    notify = getattr(rt, "stock_available", None)
    if callable(notify):
        notify(sku, warehouse)
