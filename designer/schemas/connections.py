"""Connections: admin-managed named endpoints for notify and call_service (a flow names one, never a URL)."""

from marshmallow import Schema, fields, validate

from designer.schemas.fields import LocalDateTime
from designer.schemas.master_data import actor_field

URL = validate.URL(schemes={"http", "https"}, require_tld=False, error="an http:// or https:// URL")


class ConnectionSchema(Schema):
    """A connection as the API shows it: the secret itself is never sent back, only `has_secret`."""

    name = fields.String(required=True)
    base_url = fields.String(required=True)
    timeout_ms = fields.Integer(required=True)
    has_secret = fields.Boolean(required=True, metadata={"description": "A signing secret is set"})
    demo = fields.Boolean(required=True, metadata={"description": "Seeded by `orderloom demo`"})
    created_at = LocalDateTime(required=True, allow_none=True)
    updated_at = LocalDateTime(required=True, allow_none=True)
    updated_by = fields.String(required=True, allow_none=True)


class ConnectionListSchema(Schema):
    connections = fields.List(fields.Nested(ConnectionSchema), required=True)


class ConnectionPutSchema(Schema):
    """Create or update a connection. `secret` signs deliveries (HMAC-SHA256); left out on an update it
    stays as it was; `""` removes it."""

    base_url = fields.String(required=True, validate=[validate.Length(max=2000), URL])
    secret = fields.String(validate=validate.Length(max=500), load_only=True)
    timeout_ms = fields.Integer(load_default=5000, strict=True, validate=validate.Range(min=1, max=120_000))
    actor = actor_field()
