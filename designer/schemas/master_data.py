"""Master data at the edge: warehouses, stock and its adjustments, carriers with rate tables, context feeds."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from designer.problem_codes import api_problem
from designer.schemas.fields import LocalDateTime

CODE = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,31}$", error="letters, digits, `_`, `-`, `.` (1-32)")
REGION = validate.Regexp(r"^(\*|[A-Za-z0-9][A-Za-z0-9_\-]{0,31})$", error="a region code such as `east`, or `*`")
SKU = validate.Regexp(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$", error="letters, digits, `_`, `-`, `.` (1-64)")
TEXT_200 = validate.Length(min=1, max=200)
#: a decimal: sent as a number or text, answered as text (exact)
DECIMAL = {"type": ["string", "number"], "format": "decimal"}


def actor_field() -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=100),
                         metadata={"description": "Ignored when signed in: the signed-in user acts"})


class PageQuerySchema(Schema):
    """Paging for lists."""

    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10**9))


# ---- warehouses ----

class WarehouseSchema(Schema):
    """A warehouse; a closed one gets no new orders."""

    code = fields.String(required=True)
    name = fields.String(required=True)
    region = fields.String(required=True)
    status = fields.String(required=True, metadata={"enum": ["open", "closed"]})
    closed_reason = fields.String(required=True, allow_none=True)
    capacity_per_day = fields.Integer(required=True)
    load = fields.Decimal(required=True, as_string=True, metadata={
        "type": "string", "format": "decimal", "description": "Share of capacity in use, 0..1"})
    cold_chain = fields.Boolean(required=True)
    active_reservations = fields.Integer(required=True, metadata={
        "description": "Orders with stock reserved here (routed, not shipped)"})
    updated_at = LocalDateTime(required=True, allow_none=True)


class WarehouseListSchema(Schema):
    warehouses = fields.List(fields.Nested(WarehouseSchema), required=True)


class CloseWarehouseSchema(Schema):
    """Close a warehouse: why (shown on the orders that are rerouted) and who."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    actor = actor_field()


class OpenWarehouseSchema(Schema):
    actor = actor_field()


class WarehouseChangeSchema(Schema):
    """The warehouse after the change, and the orders sent back to routing (``order.reroute``)."""

    warehouse = fields.Nested(WarehouseSchema, required=True)
    rerouted_orders = fields.List(fields.Integer(), required=True)


# ---- stock ----

class StockQuerySchema(PageQuerySchema):
    sku = fields.String(validate=validate.Length(min=1, max=64))
    warehouse = fields.String(validate=validate.Length(min=1, max=32))


class StockRowSchema(Schema):
    sku = fields.String(required=True)
    warehouse = fields.String(required=True)
    available = fields.Integer(required=True)
    reserved = fields.Integer(required=True)
    updated_at = LocalDateTime(required=True, allow_none=True)


class StockListSchema(Schema):
    items = fields.List(fields.Nested(StockRowSchema), required=True)
    total = fields.Integer(required=True)


class StockAdjustmentSchema(Schema):
    """Correct available stock by ``delta`` (a count, a write-off, a delivery), with a reason."""

    sku = fields.String(required=True, validate=SKU)
    warehouse = fields.String(required=True, validate=validate.Length(min=1, max=32))
    delta = fields.Integer(required=True, strict=True, validate=[
        validate.Range(min=-1_000_000, max=1_000_000), validate.NoneOf([0], error="must not be 0")])
    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    actor = actor_field()


class StockAdjustedSchema(StockRowSchema):
    adjustment_id = fields.Integer(required=True, allow_none=True)


# ---- carriers ----

class CarrierRateSchema(Schema):
    """Cost and ETA from a warehouse region to a destination region."""

    origin_region = fields.String(required=True, validate=REGION)
    dest_region = fields.String(required=True, validate=REGION)
    cost_per_unit = fields.Decimal(required=True, as_string=True, places=2, metadata=DECIMAL,
                                   validate=validate.Range(min=0, max=10**7))
    cost_per_kg = fields.Decimal(load_default=0, as_string=True, places=2, metadata=DECIMAL,
                                 validate=validate.Range(min=0, max=10**7))
    eta_hours = fields.Decimal(required=True, as_string=True, places=1, metadata=DECIMAL,
                               validate=validate.Range(min=0, max=10**4))


class CarrierSchema(Schema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    cold_chain = fields.Boolean(required=True)
    active = fields.Boolean(required=True)
    rates = fields.List(fields.Nested(CarrierRateSchema), required=True)


class CarrierListSchema(Schema):
    carriers = fields.List(fields.Nested(CarrierSchema), required=True)


class CarrierPutSchema(Schema):
    """Create or update a carrier; ``rates``, when given, replace its whole rate table."""

    name = fields.String(required=True, validate=TEXT_200)
    cold_chain = fields.Boolean(load_default=False)
    active = fields.Boolean(load_default=True)
    rates = fields.List(fields.Nested(CarrierRateSchema), validate=validate.Length(max=1000))
    actor = actor_field()

    @validates_schema
    def unique_lanes(self, data, **kwargs):
        _unique_lanes(data.get("rates") or [])


class CarrierRatesPutSchema(Schema):
    """Replace a carrier's whole rate table."""

    rates = fields.List(fields.Nested(CarrierRateSchema), required=True, validate=validate.Length(max=1000))
    actor = actor_field()

    @validates_schema
    def unique_lanes(self, data, **kwargs):
        _unique_lanes(data.get("rates") or [])


class CarrierRatesSchema(Schema):
    carrier = fields.String(required=True)
    rates = fields.List(fields.Nested(CarrierRateSchema), required=True)


def _unique_lanes(rates):
    seen = set()
    for index, rate in enumerate(rates):
        lane = (rate["origin_region"], rate["dest_region"])
        if lane in seen:
            raise ValidationError({"rates": {index: [api_problem(
                "API_FIELD_INVALID", detail=f"lane {lane[0]} → {lane[1]} is listed twice")]}})
        seen.add(lane)


# ---- context feeds ----

class FeedValueSchema(Schema):
    region = fields.String(required=True)
    value = fields.Raw(required=True, metadata={"description": "The feed's JSON value"})
    source = fields.String(required=True, allow_none=True)
    updated_at = LocalDateTime(required=True, allow_none=True)


class ContextFeedSchema(Schema):
    """One feed (``weather``: an alert level per region; ``promotion``: region ``*``)."""

    key = fields.String(required=True)
    values = fields.List(fields.Nested(FeedValueSchema), required=True)


class ContextFeedListSchema(Schema):
    feeds = fields.List(fields.Nested(ContextFeedSchema), required=True)


class FeedPutSchema(Schema):
    """The new value of a feed for a region. ``weather`` takes ``{"level": 0..4, "label": "..."}``
    (label filled in when left out); ``promotion`` takes ``{"active": true, "name": "..."}``."""

    value = fields.Raw(required=True, allow_none=False)
    source = fields.String(validate=validate.Length(min=1, max=100))
    actor = actor_field()
