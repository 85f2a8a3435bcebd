"""``/api/orders``: ingest order events, list and search orders, one order with its timeline, release a hold."""

from __future__ import annotations

from flask import Blueprint

from designer.api.support import ACTOR_PARAM, actor_of, int_id, load_query, runtime_errors
from designer.auth.masking import masked_order, masked_timeline
from designer.extensions import runtime
from designer.http import load_json
from designer.openapi import operation
from designer.schemas.orders import (
    CHANNELS,
    ORDER_STATUSES,
    IngestAnswerSchema,
    IngestRequestSchema,
    OrderListSchema,
    OrderQuerySchema,
    OrderSchema,
    ReleaseHoldSchema,
    TimelineSchema,
)

bp = Blueprint("orders", __name__)

_LIST_PARAMS = tuple(
    {"name": name, "in": "query", "required": False, "schema": schema, "description": text}
    for name, schema, text in (
        ("q", {"type": "string"}, "Search: order id, channel order number, phone or recipient"),
        ("channel", {"type": "string", "enum": CHANNELS}, "Only orders of this channel"),
        ("status", {"type": "string", "enum": ORDER_STATUSES}, "Only orders in this status"),
        ("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}, "Page size"),
        ("offset", {"type": "integer", "minimum": 0, "default": 0}, "Rows to skip"),
    ))


@bp.post("/orders/events")
@operation(tags=["orders"], request=IngestRequestSchema, response=IngestAnswerSchema,
           errors=(400, 413, 415, 422))
@runtime_errors
def ingest_event():
    """Ingest an order event (`order.paid`, `order.cancelled`, `return.requested`, `order.reroute`, `custom.*`).

    202 when the event is new (it is committed, and runs through the order's flows — in the
    embedded default before the answer, otherwise on a worker); 200 with the same answer and
    `duplicate: true` when (`source`, `event_id`) was seen before. A payload the runtime cannot
    read is a 422 whose problems point into `body.payload`. The `source` is recorded as the actor
    of the status changes the event causes.
    """
    body = load_json(_INGEST_REQUEST)
    answer = runtime.rt.ingest(body["source"], body["event_id"], body["kind"], body["payload"])
    return _INGEST_ANSWER.dump(answer), 200 if answer.get("duplicate") else 202


# built once: the hot path of ingestion (a marshmallow schema's construction costs more than its load)
_INGEST_REQUEST = IngestRequestSchema()
_INGEST_ANSWER = IngestAnswerSchema()


@bp.get("/orders")
@operation(tags=["orders"], response=OrderListSchema, errors=(422,), parameters=_LIST_PARAMS)
@runtime_errors
def list_orders():
    """List and search orders, newest first (`q`: order id, channel order number, phone, recipient)."""
    query = load_query(OrderQuerySchema())
    found = runtime.rt.search_orders(q=query.get("q"), channel=query.get("channel"), status=query.get("status"),
                                     limit=query["limit"], offset=query["offset"])
    return OrderListSchema().dump({"orders": [masked_order(o) for o in found], "limit": query["limit"],
                                   "offset": query["offset"]})


@bp.get("/orders/<order_id>")
@operation(tags=["orders"], response=OrderSchema, errors=(404,))
@runtime_errors
def get_order(order_id: str):
    """One order: status, stage, lines, address, customer, reservations, instances and open tasks."""
    oid = int_id(order_id, "API_ORDER_NOT_FOUND")
    return OrderSchema().dump(masked_order(runtime.rt.get_order(oid)))


@bp.get("/orders/<order_id>/timeline")
@operation(tags=["orders"], response=TimelineSchema, errors=(404,))
@runtime_errors
def get_timeline(order_id: str):
    """The order's timeline: every stage, every instance (flow, version) and every step with its explanation.

    Steps carry time, node, port, status, actor (for human steps) and the explanation of the node
    type (condition values, decision-table row, route candidates and scores, …). Status changes of
    the order are listed too.
    """
    oid = int_id(order_id, "API_ORDER_NOT_FOUND")
    return TimelineSchema().dump(masked_timeline(runtime.rt.timeline(oid)))


@bp.post("/orders/<order_id>/release-hold")
@operation(tags=["orders"], request=ReleaseHoldSchema, response=OrderSchema,
           errors=(400, 404, 409, 415, 422), parameters=(ACTOR_PARAM,))
@runtime_errors
def release_hold(order_id: str):
    """Release a held order: it goes on through the pipeline where it stopped."""
    oid = int_id(order_id, "API_ORDER_NOT_FOUND")
    body = load_json(ReleaseHoldSchema())
    return OrderSchema().dump(runtime.rt.release_hold(oid, body["reason"], actor_of(body)))

