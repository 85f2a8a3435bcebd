"""Impact previews at the edge: what to replay (how many recorded orders, which, a what-if overlay) and the
preview with its progress and report (``docs/preview.md``)."""

from marshmallow import Schema, fields, validate

from designer.schemas.fields import OpenSchema
from runtime.preview.overlay import KEYS as OVERLAY_KEYS
from runtime.preview.records import MAX_LIMIT
from runtime.service.dryrun import POLICIES
from runtime.service.snapshots import REGIONS


class PreviewRequestSchema(Schema):
    """Replay the newest `limit` recorded orders that reached the flow's stage (optionally of one channel, to one
    region, created in [since, until)) through this version and the active one."""

    limit = fields.Integer(load_default=1000, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": "How many recorded orders (newest first)"})
    channel = fields.String(validate=validate.Length(min=1, max=32), metadata={"description": "Only this channel"})
    region = fields.String(validate=validate.OneOf(REGIONS), metadata={"description": "Only orders to this region"})
    since = fields.AwareDateTime(metadata={"description": "Orders created at or after (ISO 8601 with offset)"})
    until = fields.AwareDateTime(metadata={"description": "Orders created before (ISO 8601 with offset)"})
    overlay = fields.Dict(metadata={"description": "What-if, laid over each snapshot for the previewed version: "
                                                   f"keys {', '.join(OVERLAY_KEYS)}, e.g. "
                                                   '{"warehouses": {"hz": {"status": "closed"}}}'})
    human = fields.String(load_default="approve", validate=validate.OneOf(POLICIES),
                          metadata={"description": "How every approval is answered in the replays"})


class ProgressSchema(Schema):
    done = fields.Integer(required=True)
    total = fields.Integer(required=True)
    ratio = fields.Float(required=True)


class PreviewSchema(OpenSchema):
    """An impact preview: the version, the baseline (the active version when it was asked), status
    (queued, running, done, failed), progress, the request, and — when read one by one — the report."""

    id = fields.Integer(required=True)
    flow = fields.String(required=True)
    version = fields.Integer(required=True)
    baseline_version = fields.Integer(required=True, allow_none=True)
    status = fields.String(required=True, metadata={"enum": ["queued", "running", "done", "failed"]})
    progress = fields.Nested(ProgressSchema, required=True)
    params = fields.Dict(required=True)
    error = fields.Dict(allow_none=True)
    created_by = fields.String(allow_none=True)
    created_at = fields.String(required=True)
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)
    url = fields.String(required=True)
    report = fields.Dict(allow_none=True, metadata={
        "description": "orders, changed, outcomes {baseline, proposed}, changes {kind: {count, examples}}, "
                       "changed_orders, routing, split_rate, approvals, holds, cancels, incidents, shipping"})


class PreviewListSchema(Schema):
    previews = fields.List(fields.Nested(PreviewSchema), required=True)
