"""Dry runs: a flow (document or DSL text) and a sample order in; the path and steps out, nothing changed."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from designer.problem_codes import api_problem
from designer.schemas.fields import OpenSchema


class DryRunRequestSchema(Schema):
    """Exactly one of `document` / `dsl`, and the order to run it on.

    `snapshot` (optional) overrides what the sandbox reads (`warehouses`, `carriers`, `context`,
    `customer`, `return_request`); without it the current stock and master data are copied.
    `clock` fixes the run's time; `human` answers every approval (`approve`, `reject`, or `wait`
    to stop at the first human step).
    """

    document = fields.Dict(metadata={"description": "A flow document (`orderloom.flow/1`)"})
    dsl = fields.String(validate=validate.Length(max=500_000), metadata={"description": "A flow in the text DSL"})
    order = fields.Dict(required=True, metadata={"description": "The order, shaped like an `order.paid` payload"})
    snapshot = fields.Dict(metadata={"description": "What the sandbox reads instead of the database"})
    clock = fields.AwareDateTime(metadata={"description": "The run's fixed time (ISO 8601 with offset)"})
    human = fields.String(load_default="approve", validate=validate.OneOf(["approve", "reject", "wait"]))

    @validates_schema
    def exactly_one_source(self, data, **kwargs):
        if ("document" in data) == ("dsl" in data):
            raise ValidationError([api_problem("API_ONE_OF", fields="document, dsl")])


class DryRunResultSchema(OpenSchema):
    """Where the order went: status and outcome, the path (node, port), every step and the effects that
    would have been sent (recorded, never delivered)."""

    status = fields.String(required=True)
    outcome = fields.String(required=True, allow_none=True)
    path = fields.List(fields.Raw(), required=True)
    steps = fields.List(fields.Dict(), required=True)
    effects = fields.List(fields.Dict(), required=True)
