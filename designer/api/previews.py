"""Impact previews: ask for one on a version (it runs in the background), follow it, read its report."""

from __future__ import annotations

from flask import Blueprint

from designer.api.support import actor_of, int_id, not_found, runtime_errors
from designer.extensions import runtime
from designer.http import load_json
from designer.openapi import operation
from designer.schemas.previews import PreviewListSchema, PreviewRequestSchema, PreviewSchema
from runtime.preview import jobs
from runtime.service import NotFound

bp = Blueprint("previews", __name__)

_NOT_FOUND = {"flow": "API_FLOW_NOT_FOUND", "version": "API_VERSION_NOT_FOUND", "preview": "API_PREVIEW_NOT_FOUND"}


def _found(call, *args, **kwargs):
    """``call``'s answer; its NotFound as the 404 of what was missing."""
    try:
        return call(*args, **kwargs)
    except NotFound as exc:
        raise not_found(_NOT_FOUND.get(exc.what, "API_NOT_FOUND"), exc.ident) from exc


@bp.post("/flows/<key>/versions/<number>/previews")
@operation(tags=["previews"], request=PreviewRequestSchema, response=PreviewSchema,
           errors=(400, 404, 413, 415, 422))
@runtime_errors
def ask_preview(key: str, number: str):
    """Start an impact preview of this version against the flow's active version (202; it runs in the background).

    Replays the newest recorded orders that reached the flow's stage, each on its own recorded input
    snapshot; progress goes out live as `preview.progress` in the room `flow:<key>`. A version whose
    document cannot run is a 422 with its problems.
    """
    version = int_id(number, "API_VERSION_NOT_FOUND")
    body = load_json(PreviewRequestSchema())
    asked = _found(jobs.ask_preview, runtime.rt, key, version, body, actor_of())
    return PreviewSchema().dump(asked), 202, {"Location": asked["url"]}


ask_preview.success_status = 202  # type: ignore[attr-defined]  # documented as the answer's status


@bp.get("/previews/<preview_id>")
@operation(tags=["previews"], response=PreviewSchema, errors=(404,))
@runtime_errors
def get_preview(preview_id: str):
    """One impact preview: status, progress and, once done, the report."""
    return PreviewSchema().dump(_found(jobs.get_preview, runtime.rt, int_id(preview_id, "API_PREVIEW_NOT_FOUND")))


@bp.get("/flows/<key>/versions/<number>/previews")
@operation(tags=["previews"], response=PreviewListSchema, errors=(404,))
@runtime_errors
def list_previews(key: str, number: str):
    """The impact previews of a version, latest first (without their reports)."""
    version = int_id(number, "API_VERSION_NOT_FOUND")
    return PreviewListSchema().dump({"previews": _found(jobs.list_previews, runtime.rt, key, version)})
