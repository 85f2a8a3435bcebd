"""The health report."""

from marshmallow import Schema, fields

from designer.schemas.fields import LocalDateTime


class TimersSchema(Schema):
    """The durable timer table: who polls it and whether it keeps up."""

    poller = fields.String(required=True, metadata={"description": "`in-process` (embedded) or `celery beat`"})
    pending = fields.Integer(required=True, allow_none=True, metadata={"description": "Timers not fired yet"})
    overdue = fields.Integer(required=True, allow_none=True, metadata={
        "description": "Timers due more than `grace_seconds` ago and not fired (a stuck poller); null if unknown"})
    grace_seconds = fields.Integer(required=True)
    next_due_at = LocalDateTime(required=True, allow_none=True)


class HealthSchema(Schema):
    """Whether this process can reach what it depends on."""

    status = fields.String(required=True, metadata={"enum": ["ok", "degraded"]})
    version = fields.String(required=True)
    database = fields.String(required=True, metadata={"description": "`ok` or the error of `select 1`"})
    database_kind = fields.String(required=True, metadata={"description": "`sqlite`, `postgresql`, ..."})
    redis = fields.String(required=True,
                          metadata={"description": "`not configured` (in-process), `ok` or the ping error"})
    workers = fields.String(required=True, metadata={
        "description": "`in-process` (embedded: this process runs the flows), or the Celery workers seen"})
    timers = fields.Nested(TimersSchema, required=True)
    timezone = fields.String(required=True)
