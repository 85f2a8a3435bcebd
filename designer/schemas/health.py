"""The health report."""

from marshmallow import Schema, fields


class HealthSchema(Schema):
    """Whether this process can reach what it depends on."""

    status = fields.String(required=True, metadata={"enum": ["ok", "degraded"]})
    version = fields.String(required=True)
    database = fields.String(required=True, metadata={"description": "`ok` or the error of `select 1`"})
    database_kind = fields.String(required=True, metadata={"description": "`sqlite`, `postgresql`, ..."})
    redis = fields.String(required=True,
                          metadata={"description": "`not configured` (in-process), `ok` or the ping error"})
    timezone = fields.String(required=True)
