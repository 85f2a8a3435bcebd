"""``/api/flows/<key>/release``: what serves the flow's orders — the active version and at most one
candidate (a percentage or a segment) — with promote, roll back (one call) and the automatic-rollback
guardrail's settings. Orders keep the version they were given; changes apply to new choices."""

from __future__ import annotations

from flask import Blueprint

from designer.api.release_support import clock, governed, load, release_view, who
from designer.api.support import reading
from designer.api.versions import check_segment
from designer.http import load_json
from designer.openapi import operation
from designer.schemas.releases import GuardSettingsSchema, ReleaseSchema, RollbackSchema, ShareSchema
from runtime.store import releases

bp = Blueprint("releases", __name__)


@bp.get("/flows/<key>/release")
@operation(tags=["release"], response=ReleaseSchema, errors=(404,))
def get_release(key: str):
    """The active version, the candidate and its share, the guardrail's settings and reading, the history."""
    with reading() as session:
        flow, _ = load(session, key)
        return ReleaseSchema().dump(release_view(session, flow))


@bp.put("/flows/<key>/release/candidate")
@operation(tags=["release"], request=ShareSchema, response=ReleaseSchema, errors=(400, 404, 409, 415, 422))
def put_candidate_share(key: str):
    """Serve the candidate to another `percent` of orders (growing keeps the earlier ones) or `segment`."""
    body = load_json(ShareSchema())
    check_segment(body.get("segment"))
    with governed() as session:
        flow, _ = load(session, key, lock=True)
        releases.change_share(session, flow, percent=body.get("percent"), segment=body.get("segment"),
                              actor=who(), now=clock())
        return ReleaseSchema().dump(release_view(session, flow))


@bp.post("/flows/<key>/release/promote")
@operation(tags=["release"], response=ReleaseSchema, errors=(404, 409))
def promote_candidate(key: str):
    """The candidate becomes the active version for every new order."""
    with governed() as session:
        flow, _ = load(session, key, lock=True)
        releases.promote(session, flow, actor=who(), now=clock())
        return ReleaseSchema().dump(release_view(session, flow))


@bp.post("/flows/<key>/release/rollback")
@operation(tags=["release"], request=RollbackSchema, response=ReleaseSchema, errors=(400, 404, 409, 415, 422))
def rollback_release(key: str):
    """Back to safety in one call: withdraw the candidate, or (without one) re-activate the previous version.

    The answer's `done` says which. Running instances finish on the version they started on."""
    body = load_json(RollbackSchema())
    with governed() as session:
        flow, _ = load(session, key, lock=True)
        done = releases.rollback(session, flow, actor=who(), now=clock(), comment=body.get("comment"))
        return ReleaseSchema().dump({**release_view(session, flow), "done": done})


@bp.put("/flows/<key>/release/auto-rollback")
@operation(tags=["release"], request=GuardSettingsSchema, response=ReleaseSchema, errors=(400, 404, 415, 422))
def put_auto_rollback(key: str):
    """Set the automatic rollback: on/off, the minimum sample, the incident and SLA margins (points)."""
    body = load_json(GuardSettingsSchema())
    with governed() as session:
        flow, _ = load(session, key, lock=True)
        releases.set_guard(session, flow, body, actor=who(), now=clock())
        return ReleaseSchema().dump(release_view(session, flow))
