"""Monitoring of published flows: a version's statistics and heatmap over a window, and the incident list
(retry one with ``POST /api/instances/<id>/retry``)."""

from __future__ import annotations

from flask import Blueprint

from designer.api.support import int_id, load_query, not_found, reading
from designer.extensions import runtime
from designer.openapi import operation
from designer.schemas.monitoring import (
    HeatmapSchema,
    IncidentListSchema,
    IncidentQuerySchema,
    VersionStatsSchema,
    WindowQuerySchema,
)
from runtime.monitoring import heatmap, list_incidents, version_stats
from runtime.preview.records import version_id
from runtime.service import NotFound

bp = Blueprint("monitoring", __name__)

_WINDOW = tuple({"name": name, "in": "query", "required": False, "schema": {"type": "string", "format": "date-time"},
                 "description": description}
                for name, description in (("since", "From (ISO 8601 with offset), inclusive"),
                                          ("until", "Until (ISO 8601 with offset), exclusive")))


def _version(session, key: str, number: str) -> int:
    try:
        return version_id(session, key, int_id(number, "API_VERSION_NOT_FOUND"))
    except NotFound as exc:
        raise not_found("API_FLOW_NOT_FOUND" if exc.what == "flow" else "API_VERSION_NOT_FOUND", exc.ident) from exc


def _shown(value):
    return value.astimezone(runtime.rt.tz).isoformat() if value is not None else None


@bp.get("/flows/<key>/versions/<number>/stats")
@operation(tags=["monitoring"], response=VersionStatsSchema, errors=(404, 422), parameters=_WINDOW)
def get_version_stats(key: str, number: str):
    """How a version behaves over a window: instances started / completed / waiting / in incident, p50/p99
    duration, per-node counts and durations, SLA breaches."""
    query = load_query(WindowQuerySchema())
    since, until = query.get("since"), query.get("until")
    with reading() as session:
        stats = version_stats(session, _version(session, key, number), since=since, until=until,
                              now=runtime.now())
    return VersionStatsSchema().dump({"flow": key, "version": int(number), "since": _shown(since),
                                      "until": _shown(until), **stats})


@bp.get("/flows/<key>/versions/<number>/heatmap")
@operation(tags=["monitoring"], response=HeatmapSchema, errors=(404, 422), parameters=_WINDOW)
def get_heatmap(key: str, number: str):
    """Node and edge traffic of a version over a window, for the canvas overlay (`from|port|to` edge keys)."""
    query = load_query(WindowQuerySchema())
    with reading() as session:
        traffic = heatmap(session, _version(session, key, number), since=query.get("since"), until=query.get("until"))
    return HeatmapSchema().dump({"flow": key, "version": int(number), **traffic})


@bp.get("/incidents")
@operation(tags=["monitoring"], response=IncidentListSchema, errors=(422,), parameters=tuple(
    {"name": name, "in": "query", "required": False, "schema": schema}
    for name, schema in (("flow", {"type": "string"}), ("version", {"type": "integer", "minimum": 1}),
                         ("limit", {"type": "integer", "minimum": 1, "maximum": 500}),
                         ("offset", {"type": "integer", "minimum": 0}))))
def get_incidents():
    """Instances in incident, newest first, with the failed node, the error and the retry link."""
    query = load_query(IncidentQuerySchema())
    with reading() as session:
        found = list_incidents(session, runtime.rt.tz, flow=query.get("flow"), version=query.get("version"),
                               limit=query["limit"], offset=query["offset"])
    return IncidentListSchema().dump(found)
