"""Human tasks at the edge: the inbox of a group, claim, reassign, decide."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from designer.problem_codes import api_problem
from designer.schemas.fields import OpenSchema
from designer.schemas.master_data import actor_field

TASK_STATUSES = ["open", "claimed", "decided", "cancelled"]


class TaskQuerySchema(Schema):
    group = fields.String(validate=validate.Length(min=1, max=63))
    status = fields.String(validate=validate.OneOf([*TASK_STATUSES, "active"]))
    order_id = fields.Integer(validate=validate.Range(min=1, max=2**63 - 1))


class TaskSchema(OpenSchema):
    """A task: the order it is about, its group and assignee, the form, the SLA clock, the decision."""

    id = fields.Integer(required=True)
    key = fields.String(allow_none=True)
    order_id = fields.Integer(required=True)
    instance_id = fields.Integer(required=True)
    node = fields.String(required=True)
    flow = fields.String(allow_none=True)
    version = fields.Integer(allow_none=True)
    title = fields.String()
    group = fields.String(required=True)
    assignee = fields.String(required=True, allow_none=True)
    status = fields.String(required=True, metadata={"enum": TASK_STATUSES})
    form = fields.List(fields.Dict(), required=True, metadata={"description": "The form's fields"})
    on_breach = fields.Dict(allow_none=True)
    decision = fields.Dict(allow_none=True, metadata={"description": "{decision, form} once decided"})
    decided_by = fields.String(allow_none=True)
    decided_at = fields.String(allow_none=True)
    claimed_at = fields.String(allow_none=True)
    sla_due_at = fields.String(required=True, allow_none=True)
    escalated_to = fields.String(allow_none=True)
    escalated_at = fields.String(allow_none=True)
    reminded_at = fields.String(allow_none=True)
    created_at = fields.String(allow_none=True)
    order = fields.Dict(allow_none=True, metadata={"description": "channel, channel_order_no, total, status"})


class TaskListSchema(Schema):
    tasks = fields.List(fields.Nested(TaskSchema), required=True)


class ClaimTaskSchema(Schema):
    """Take a task: `user` (default: the actor) becomes its assignee."""

    user = fields.String(validate=validate.Length(min=1, max=100))
    actor = actor_field()


class ReassignTaskSchema(Schema):
    """Hand a task to another group and/or user (at least one)."""

    group = fields.String(validate=validate.Length(min=1, max=63))
    user = fields.String(validate=validate.Length(min=1, max=100), allow_none=True)
    actor = actor_field()

    @validates_schema
    def group_or_user(self, data, **kwargs):
        if "group" not in data and "user" not in data:
            raise ValidationError([api_problem("API_FIELD_INVALID", detail="give `group`, `user` or both")])


class DecideTaskSchema(Schema):
    """Decide a task: `approved` or `rejected`, with the form's fields (checked against the form)."""

    decision = fields.String(required=True, validate=validate.OneOf(["approved", "rejected"]))
    form = fields.Dict(load_default=dict, metadata={"description": "The form's values by field name"})
    actor = actor_field()
