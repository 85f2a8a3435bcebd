"""Flows as the flow list shows them: key, stage, priority and the active version."""

from marshmallow import Schema, fields, validate

from designer.schemas.fields import LocalDateTime


class FlowQuerySchema(Schema):
    kind = fields.String(validate=validate.OneOf(["intake", "approval", "routing", "return", "subflow"]))


class ActiveVersionSchema(Schema):
    id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    state = fields.String(required=True)
    content_hash = fields.String(required=True)
    behaviour_hash = fields.String(required=True)
    published_at = LocalDateTime(required=True, allow_none=True)
    published_by = fields.String(required=True, allow_none=True)


class FlowSchema(Schema):
    """A flow and the version that serves orders now (null: never published)."""

    key = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "The pipeline stage the flow serves"})
    description = fields.String(required=True)
    priority = fields.Integer(required=True, metadata={"description": "Lower runs first within the stage"})
    active_version = fields.Nested(ActiveVersionSchema, required=True, allow_none=True)
    versions = fields.Integer(required=True, metadata={"description": "How many versions the flow has"})


class FlowListSchema(Schema):
    flows = fields.List(fields.Nested(FlowSchema), required=True)


class FlowDetailSchema(FlowSchema):
    """A flow with its active version's document and canonical DSL text."""

    document = fields.Dict(required=True, allow_none=True)
    dsl = fields.String(required=True, allow_none=True)
