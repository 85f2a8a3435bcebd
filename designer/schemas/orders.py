"""Orders at the edge: ingesting events, lists and search, one order, its timeline, releasing a hold."""

from marshmallow import Schema, fields, validate

from designer.schemas.fields import OpenSchema
from designer.schemas.instances import InstanceSchema
from designer.schemas.master_data import PageQuerySchema, actor_field
from designer.schemas.tasks import TaskSchema

EVENT_KINDS = ["order.created", "order.paid", "order.cancelled", "return.requested", "order.reroute",
               "custom.<name>"]
ORDER_STATUSES = ["created", "paid", "held", "approved", "routed", "backordered", "shipped", "delivered",
                  "return_requested", "returned", "cancelled"]
CHANNELS = ["tmall", "douyin", "pdd", "miniprogram", "pos"]


class IngestRequestSchema(Schema):
    """An order event from a channel or system. The same (`source`, `event_id`) again gets the same answer
    and runs nothing twice."""

    source = fields.String(required=True, validate=validate.Length(min=1, max=64),
                           metadata={"description": "Who sends it, e.g. `tmall`, `erp`"})
    event_id = fields.String(required=True, validate=validate.Length(min=1, max=128),
                             metadata={"description": "The sender's id of this event (idempotency key)"})
    kind = fields.String(required=True, validate=validate.Length(min=1, max=64),
                         metadata={"description": "One of " + ", ".join(f"`{k}`" for k in EVENT_KINDS)})
    payload = fields.Dict(required=True, metadata={
        "description": "`order.created` / `order.paid`: the order (channel, channel_order_no, total, customer, "
                       "address, lines, …); other kinds name the order by `order_id` or channel + "
                       "channel_order_no (`reason`, `warehouse`, `return`, `data` as the kind needs)"})


class IngestAnswerSchema(OpenSchema):
    """What happened to the event (the same answer for a resend, with `duplicate: true`)."""

    order_id = fields.Integer(required=True, allow_none=True)
    event_seq = fields.Integer(required=True, allow_none=True,
                               metadata={"description": "The event's number among the order's events"})
    duplicate = fields.Boolean(required=True)
    status = fields.String(required=True, metadata={"description": "The event's status (received, processed, …)"})


class OrderQuerySchema(PageQuerySchema):
    q = fields.String(validate=validate.Length(min=1, max=100))
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    status = fields.String(validate=validate.OneOf(ORDER_STATUSES))


class OrderSummarySchema(OpenSchema):
    """An order in a list."""

    id = fields.Integer(required=True)
    channel = fields.String(required=True, metadata={"enum": CHANNELS})
    channel_order_no = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ORDER_STATUSES})
    stage = fields.String(required=True, allow_none=True, metadata={"description": "The pipeline stage it is in"})
    stage_round = fields.Integer(metadata={"description": "2 for the second routing (after a reroute), …"})
    total = fields.String(required=True, metadata={"description": "Money as decimal text"})
    currency = fields.String()
    customer_id = fields.Integer(allow_none=True)
    phone = fields.String()
    province = fields.String()
    city = fields.String()
    region = fields.String()
    tags = fields.List(fields.String(), required=True)
    hold_reason = fields.String(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    routed_warehouses = fields.List(fields.String())
    created_at = fields.String(required=True, allow_none=True)
    paid_at = fields.String(allow_none=True)
    updated_at = fields.String(allow_none=True)


class OrderListSchema(Schema):
    """A page of orders, newest first."""

    orders = fields.List(fields.Nested(OrderSummarySchema), required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)


class OrderLineSchema(OpenSchema):
    line_no = fields.Integer()
    sku = fields.String(required=True)
    name = fields.String()
    qty = fields.Integer(required=True)
    price = fields.String(required=True)
    weight_kg = fields.String()
    medical_class = fields.String(allow_none=True)
    cold_chain = fields.Boolean()
    gift = fields.Boolean()
    ship_with_main = fields.Boolean()
    warehouse = fields.String(allow_none=True, metadata={"description": "Where the line ships from, once routed"})


class ReservationSchema(OpenSchema):
    id = fields.Integer(required=True)
    sku = fields.String(required=True)
    warehouse = fields.String(required=True)
    qty = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["active", "released", "fulfilled"]})
    reason = fields.String(allow_none=True)
    created_at = fields.String(allow_none=True)
    ended_at = fields.String(allow_none=True)


class OrderSchema(OrderSummarySchema):
    """One order: status and stage, customer, address, lines, surcharges, payments, reservations, returns."""

    customer = fields.Dict(allow_none=True)
    address = fields.Dict()
    lines = fields.List(fields.Nested(OrderLineSchema))
    surcharges = fields.List(fields.Dict())
    payments = fields.List(fields.Dict())
    coupon_used = fields.Boolean()
    coupon_codes = fields.List(fields.String())
    accepts_split = fields.Boolean()
    receipt = fields.Boolean()
    event_seq = fields.Integer()
    reservations = fields.List(fields.Nested(ReservationSchema))
    return_requests = fields.List(fields.Dict())


class StepSchema(OpenSchema):
    """One executed node: where it went (`port`), when, who, and why (`explanation`, per node type)."""

    seq = fields.Integer(required=True)
    node = fields.String(required=True)
    type = fields.String(required=True)
    label = fields.String(allow_none=True)
    port = fields.String(required=True, allow_none=True)
    status = fields.String(allow_none=True, metadata={
        "enum": ["done", "waiting", "absorbed", "incident", "cancelled", None]})
    started = fields.String(allow_none=True)
    ended = fields.String(allow_none=True)
    actor = fields.String(allow_none=True, metadata={"description": "Who decided, for human steps"})
    explanation = fields.Dict(required=True)
    instance_id = fields.Integer()
    flow = fields.String()
    version = fields.Integer()


class TimelineInstanceSchema(InstanceSchema):
    steps = fields.List(fields.Nested(StepSchema), required=True)


class StageSchema(OpenSchema):
    """One pipeline stage of the order (a reroute gives `routing` a second round)."""

    stage = fields.String(required=True, metadata={"enum": ["intake", "approval", "routing", "return", "subflow"]})
    round = fields.Integer(required=True)
    key = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["active", "done"]})
    started_at = fields.String(allow_none=True)
    ended_at = fields.String(allow_none=True)
    instances = fields.List(fields.Nested(TimelineInstanceSchema), required=True)


class StatusChangeSchema(OpenSchema):
    from_status = fields.String(required=True, data_key="from", attribute="from")
    to = fields.String(required=True)
    reason = fields.String(allow_none=True)
    actor = fields.String(allow_none=True)
    at = fields.String(allow_none=True)


class TimelineSchema(OpenSchema):
    """Every stage, instance and step of an order: time, flow and version, node, port, explanation, actor."""

    order = fields.Nested(OrderSummarySchema, required=True)
    stage = fields.String(required=True, allow_none=True)
    stages = fields.List(fields.Nested(StageSchema), required=True)
    status_changes = fields.List(fields.Nested(StatusChangeSchema), required=True)
    tasks = fields.List(fields.Nested(TaskSchema), required=True)


class ReleaseHoldSchema(Schema):
    """Release a held order (it continues where the pipeline left it)."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    actor = actor_field()
