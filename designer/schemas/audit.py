"""The audit log at the edge: its entries and the filters of `GET /api/audit`."""

from marshmallow import Schema, fields, validate

from designer.schemas.fields import LocalDateTime
from runtime.store.audit import OUTCOMES


class AuditEntrySchema(Schema):
    """One entry: who (`actor`), what (`action` on `target_type`/`target_id`), how it went (`outcome`),
    content hashes before and after, the comment; autosaves of one editing session are one entry
    (`count` saves, the last at `last_at`)."""

    id = fields.Integer(required=True)
    at = LocalDateTime(required=True)
    last_at = LocalDateTime(required=True)
    actor = fields.String(required=True, allow_none=True)
    action = fields.String(required=True)
    target_type = fields.String(required=True)
    target_id = fields.String(required=True)
    outcome = fields.String(required=True, metadata={"enum": list(OUTCOMES)})
    before_hash = fields.String(required=True, allow_none=True)
    after_hash = fields.String(required=True, allow_none=True)
    comment = fields.String(required=True, allow_none=True)
    details = fields.Dict(required=True, allow_none=True)
    count = fields.Integer(required=True)
    coalesce_key = fields.String(required=True, allow_none=True)


class AuditListSchema(Schema):
    entries = fields.List(fields.Nested(AuditEntrySchema), required=True)
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)


class AuditQuerySchema(Schema):
    actor = fields.String(validate=validate.Length(min=1, max=64))
    action = fields.String(validate=validate.Length(min=1, max=64))
    target_type = fields.String(validate=validate.Length(min=1, max=32))
    target_id = fields.String(validate=validate.Length(min=1, max=200))
    outcome = fields.String(validate=validate.OneOf(OUTCOMES))
    since = fields.AwareDateTime()
    until = fields.AwareDateTime()
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10**9))
