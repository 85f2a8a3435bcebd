"""Monitoring at the edge: windows, a version's statistics and heatmap, incidents, the dashboard."""

import re

from marshmallow import Schema, ValidationError, fields, validate

from designer.problem_codes import api_problem
from designer.schemas.fields import OpenSchema

WINDOW = re.compile(r"^([1-9][0-9]{0,3})([mhd])$")
MAX_WINDOW_SECONDS = 31 * 86400


def window_seconds(text: str) -> int:
    """``15m``, ``2h``, ``7d`` → seconds (at most 31 days)."""
    match = WINDOW.match(text)
    seconds = int(match.group(1)) * {"m": 60, "h": 3600, "d": 86400}[match.group(2)] if match else 0
    if not 0 < seconds <= MAX_WINDOW_SECONDS:
        raise ValidationError([api_problem("API_FIELD_INVALID", detail="15m, 2h, 7d … (≤ 31d)")])
    return seconds


class WindowQuerySchema(Schema):
    """A half-open window [since, until) — either side may be left open."""

    since = fields.AwareDateTime(metadata={"description": "From (ISO 8601 with offset), inclusive"})
    until = fields.AwareDateTime(metadata={"description": "Until (ISO 8601 with offset), exclusive"})


class IncidentQuerySchema(Schema):
    flow = fields.String(validate=validate.Length(min=1, max=63), metadata={"description": "Only this flow"})
    version = fields.Integer(validate=validate.Range(min=1), metadata={"description": "Only this version number"})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=500))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class DashboardQuerySchema(Schema):
    window = fields.String(load_default="1h", validate=window_seconds,
                           metadata={"description": "How far back: 15m, 2h, 7d … (at most 31 days)"})


class VersionStatsSchema(OpenSchema):
    """A version's behaviour over the window."""

    flow = fields.String(required=True)
    version = fields.Integer(required=True)
    since = fields.String(allow_none=True)
    until = fields.String(allow_none=True)
    instances = fields.Dict(required=True, metadata={
        "description": "started, completed, waiting, running, in_incident, cancelled, not_applicable, outcomes, "
                       "duration_seconds {p50, p99, count} (completed instances)"})
    nodes = fields.Dict(required=True, metadata={
        "description": "node id → {type, count, duration_seconds {p50, p99}} (time tokens stayed at the node)"})
    sla = fields.Dict(required=True, metadata={"description": "{tasks (with an SLA), breaches}"})


class HeatmapSchema(OpenSchema):
    """Traffic over the window: steps per node, and per edge `from|port|to`; untravelled ones are 0."""

    flow = fields.String(required=True)
    version = fields.Integer(required=True)
    nodes = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    edges = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


class IncidentListSchema(OpenSchema):
    """Instances in incident, newest first; retry one with `POST /api/instances/<id>/retry`."""

    incidents = fields.List(fields.Dict(), required=True)
    total = fields.Integer(required=True)
    limit = fields.Integer(required=True)
    offset = fields.Integer(required=True)


class DashboardSchema(OpenSchema):
    """The operations dashboard over the window ending now (poll it: see docs/monitoring.md)."""

    window_seconds = fields.Integer(required=True)
    since = fields.String(required=True)
    until = fields.String(required=True)
    orders_per_minute = fields.Dict(required=True, metadata={"description": "{channels, total, series: "
                                                                            "[{minute, <channel>: n}]}"})
    routing = fields.Dict(required=True, metadata={"description": "{orders, by_warehouse, split, split_rate}"})
    approvals = fields.Dict(required=True, metadata={"description": "{open, oldest_seconds, median_age_seconds, "
                                                                    "by_group}"})
    returns = fields.Dict(required=True, metadata={"description": "{total, by_channel: {channel: {reason: n}}}"})
