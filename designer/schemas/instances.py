"""Flow instances at the edge: cancel one, retry one in incident."""

from marshmallow import Schema, fields, validate

from designer.schemas.fields import OpenSchema
from designer.schemas.master_data import actor_field


class CancelInstanceSchema(Schema):
    """Cancel a waiting or failed instance (its tasks and timers end with it)."""

    reason = fields.String(required=True, validate=validate.Length(min=1, max=500))
    actor = actor_field()


class RetryInstanceSchema(Schema):
    """Run the failed node of an instance in incident again, on fresh data."""

    actor = actor_field()


class InstanceSchema(OpenSchema):
    """A flow instance: its flow and version, stage, status, outcome, what it waits for."""

    id = fields.Integer(required=True)
    order_id = fields.Integer(required=True)
    flow = fields.String(required=True)
    flow_name = fields.String()
    version = fields.Integer(required=True)
    version_id = fields.Integer()
    kind = fields.String()
    stage = fields.String(required=True, allow_none=True)
    round = fields.Integer()
    status = fields.String(required=True, metadata={
        "enum": ["running", "waiting", "completed", "incident", "cancelled", "not_applicable"]})
    outcome = fields.String(required=True, allow_none=True)
    error = fields.Dict(allow_none=True, metadata={"description": "The incident: node, code, messages"})
    parent_instance_id = fields.Integer(allow_none=True)
    parent_node = fields.String(allow_none=True)
    waiting = fields.List(fields.Dict(), metadata={"description": "What its tokens wait for (task, timer, …)"})
    created_at = fields.String(allow_none=True)
    updated_at = fields.String(allow_none=True)
    ended_at = fields.String(allow_none=True)
