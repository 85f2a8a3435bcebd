"""The release of a flow: active version, candidate share, automatic rollback, history; publishing a version."""

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from designer.schemas.fields import LocalDateTime
from designer.schemas.flows import ActiveVersionSchema


class ShareSchema(Schema):
    """Who the candidate serves: ``percent`` of orders (1–100) or the orders a ``segment`` expression matches."""

    percent = fields.Integer(validate=validate.Range(min=1, max=100))
    segment = fields.String(validate=validate.Length(min=1, max=2000),
                            metadata={"description": "A boolean expression over the order model, e.g. "
                                                     "`customer.new == true`"})

    @validates_schema
    def _one_share(self, data, **_kwargs):
        if ("percent" in data) == ("segment" in data):
            raise ValidationError("Send exactly one of percent or segment.", "_schema")


class PublishSchema(Schema):
    mode = fields.String(required=True, validate=validate.OneOf(["active", "candidate"]))
    percent = fields.Integer(validate=validate.Range(min=1, max=100))
    segment = fields.String(validate=validate.Length(min=1, max=2000))

    @validates_schema
    def _share_for_a_candidate(self, data, **_kwargs):
        given = ("percent" in data) + ("segment" in data)
        if data.get("mode") == "candidate" and given != 1:
            raise ValidationError("A candidate needs exactly one of percent or segment.", "_schema")
        if data.get("mode") == "active" and given:
            raise ValidationError("Only a candidate has a percent or a segment.", "_schema")


class RollbackSchema(Schema):
    comment = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class GuardSettingsSchema(Schema):
    enabled = fields.Boolean()
    min_sample = fields.Integer(validate=validate.Range(min=1, max=1_000_000))
    incident_margin = fields.Decimal(as_string=True, places=3, validate=validate.Range(min=0, max=100),
                                     metadata={"description": "Percentage points"})
    sla_margin = fields.Decimal(as_string=True, places=3, validate=validate.Range(min=0, max=100),
                                metadata={"description": "Percentage points"})


class CandidateSchema(ActiveVersionSchema):
    percent = fields.Integer(required=True, allow_none=True)
    segment = fields.String(required=True, allow_none=True)
    since = LocalDateTime(required=True, allow_none=True)


class HistoryEntrySchema(Schema):
    at = LocalDateTime(required=True)
    actor = fields.String(required=True, allow_none=True)
    action = fields.String(required=True)
    version = fields.Integer(required=True, allow_none=True)
    previous_version = fields.Integer(required=True, allow_none=True)
    percent = fields.Integer(required=True, allow_none=True)
    segment = fields.String(required=True, allow_none=True)
    reason = fields.String(required=True, allow_none=True)
    details = fields.Dict(required=True)


class ReleaseSchema(Schema):
    """What serves the flow's orders, the guardrail's settings and reading, and every release change."""

    key = fields.String(required=True)
    active = fields.Nested(ActiveVersionSchema, required=True, allow_none=True)
    candidate = fields.Nested(CandidateSchema, required=True, allow_none=True)
    auto_rollback = fields.Dict(required=True, metadata={"description": "{enabled, min_sample, incident_margin, "
                                                                        "sla_margin, reading}"})
    history = fields.List(fields.Nested(HistoryEntrySchema), required=True)
    done = fields.String(metadata={"description": "What a rollback did: `withdrew` (the candidate) or "
                                                  "`reactivated` (the previous active version)"})
