"""Dead letters: outbound effects (notify, call_service, …) whose delivery gave up after the last retry."""

from marshmallow import Schema, fields, validate

from designer.schemas.fields import LocalDateTime
from designer.schemas.master_data import PageQuerySchema, actor_field


class DeadLetterQuerySchema(PageQuerySchema):
    status = fields.String(load_default="dead", validate=validate.OneOf(["dead", "discarded", "all"]))
    connection = fields.String(validate=validate.Length(min=1, max=63))
    order_id = fields.Integer(validate=validate.Range(min=1, max=2**63 - 1))


class DeadLetterSchema(Schema):
    """An outbox effect that is (or was) a dead letter."""

    id = fields.Integer(required=True)
    kind = fields.String(required=True, metadata={"description": "`notify`, `call_service`, `return.refund`, …"})
    idempotency_key = fields.String(required=True)
    connection = fields.String(required=True, allow_none=True)
    payload = fields.Dict(required=True)
    status = fields.String(required=True, metadata={"enum": ["pending", "delivered", "dead", "discarded"]})
    attempts = fields.Integer(required=True)
    last_error = fields.String(required=True, allow_none=True)
    order_id = fields.Integer(required=True, allow_none=True)
    instance_id = fields.Integer(required=True, allow_none=True)
    created_at = LocalDateTime(required=True, allow_none=True)
    next_attempt_at = LocalDateTime(required=True, allow_none=True)


class DeadLetterListSchema(Schema):
    items = fields.List(fields.Nested(DeadLetterSchema), required=True)
    total = fields.Integer(required=True)


class DeadLetterActionSchema(Schema):
    actor = actor_field()
    reason = fields.String(validate=validate.Length(max=500))
