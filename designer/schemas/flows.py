"""Flows as the flow list shows them, creating one (blank or from a template), changing its name or priority."""

from marshmallow import Schema, fields, validate

from designer.schemas.fields import LocalDateTime
from dsl.document import FLOW_KEY_PATTERN, KINDS

VERSION_STATES = ["draft", "in_review", "approved", "published", "retired", "rejected"]


class FlowQuerySchema(Schema):
    kind = fields.String(validate=validate.OneOf(KINDS))
    state = fields.String(validate=validate.OneOf(VERSION_STATES),
                          metadata={"description": "Only flows whose latest version is in this state"})
    q = fields.String(validate=validate.Length(max=100), metadata={"description": "Part of the key or the name"})


class ActiveVersionSchema(Schema):
    id = fields.Integer(required=True)
    number = fields.Integer(required=True)
    state = fields.String(required=True)
    content_hash = fields.String(required=True)
    behaviour_hash = fields.String(required=True)
    published_at = LocalDateTime(required=True, allow_none=True)
    published_by = fields.String(required=True, allow_none=True)


class LatestVersionSchema(Schema):
    number = fields.Integer(required=True)
    state = fields.String(required=True)
    created_by = fields.String(required=True, allow_none=True)
    created_at = LocalDateTime(required=True)


class CandidateSummarySchema(Schema):
    number = fields.Integer(required=True)
    percent = fields.Integer(required=True, allow_none=True)
    segment = fields.String(required=True, allow_none=True)


class FlowSchema(Schema):
    """A flow, the version that serves orders now (null: never published), its newest version and candidate."""

    key = fields.String(required=True)
    name = fields.String(required=True)
    kind = fields.String(required=True, metadata={"description": "The pipeline stage the flow serves"})
    description = fields.String(required=True)
    priority = fields.Integer(required=True, metadata={"description": "Lower runs first within the stage"})
    active_version = fields.Nested(ActiveVersionSchema, required=True, allow_none=True)
    latest_version = fields.Nested(LatestVersionSchema, required=True, allow_none=True)
    candidate = fields.Nested(CandidateSummarySchema, required=True, allow_none=True)
    versions = fields.Integer(required=True, metadata={"description": "How many versions the flow has"})


class FlowListSchema(Schema):
    flows = fields.List(fields.Nested(FlowSchema), required=True)


class VersionSummarySchema(Schema):
    number = fields.Integer(required=True)
    state = fields.String(required=True)
    content_hash = fields.String(required=True)
    behaviour_hash = fields.String(required=True)
    based_on = fields.Integer(required=True, allow_none=True)
    created_by = fields.String(required=True, allow_none=True)
    created_at = LocalDateTime(required=True)
    submitted_by = fields.String(required=True, allow_none=True)
    reviewed_by = fields.String(required=True, allow_none=True)
    published_at = LocalDateTime(required=True, allow_none=True)


class FlowDetailSchema(FlowSchema):
    """A flow with its active version's document and canonical DSL text, every version and the release."""

    document = fields.Dict(required=True, allow_none=True)
    dsl = fields.String(required=True, allow_none=True)
    versions = fields.List(fields.Nested(VersionSummarySchema), required=True,  # type: ignore[assignment]
                           metadata={"description": "Every version, newest first"})
    release = fields.Dict(required=True, metadata={"description": "As GET /api/flows/{key}/release answers"})


class NewFlowSchema(Schema):
    key = fields.String(required=True, validate=validate.Regexp(FLOW_KEY_PATTERN))
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    template = fields.String(validate=validate.Length(min=1, max=100),
                             metadata={"description": "A template key from GET /api/templates"})


class FlowPatchSchema(Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    description = fields.String(validate=validate.Length(max=2000))
    priority = fields.Integer(validate=validate.Range(min=0, max=1_000_000),
                              metadata={"description": "Needs the flow.review permission"})
