"""``/api/flows/<key>/versions``: read, save a draft (optimistic locking), copy, submit, review, publish,
retire; and the diff between two versions.

A draft saves whatever it is given — an invalid flow is work in progress, answered with its problems —
but only with the ETag it was read with (``If-Match``: 428 without, 412 when someone saved meanwhile,
nothing written). Submitted versions never change: every write here refuses them but state changes.
"""

from __future__ import annotations

from flask import Blueprint, request

from designer.api.release_support import (
    clock,
    created,
    etag_header,
    governed,
    if_match_tags,
    load,
    release_view,
    version_summary,
    version_view,
    who,
)
from designer.api.support import int_id, load_query, not_found, reading
from designer.errors import ApiError
from designer.http import load_json
from designer.openapi import operation
from designer.schemas.releases import PublishSchema, ReleaseSchema
from designer.schemas.versions import (
    DiffQuerySchema,
    DiffSchema,
    NewDraftSchema,
    ReviewSchema,
    SaveDraftSchema,
    VersionListSchema,
    VersionSchema,
)
from dsl.diff import diff_documents
from runtime.release import review as reviews
from runtime.release.segments import segment_problems
from runtime.store import releases
from runtime.store.models import FlowVersion
from runtime.store.versions import new_draft, save_draft

bp = Blueprint("versions", __name__)
MAX_NUMBER = 2**31 - 1

_IF_MATCH = {"name": "If-Match", "in": "header", "required": True, "schema": {"type": "string"},
             "description": "The ETag the draft was read with"}
_DIFF_PARAMS = tuple({"name": name, "in": "query", "required": True, "schema": {"type": "integer", "minimum": 1},
                      "description": text} for name, text in (("from", "The older version"), ("to", "The newer")))


def _number(n: str) -> int:
    """A version number from the URL (numbers are 32-bit: a larger one is simply unknown, 404)."""
    number = int_id(n, "API_VERSION_NOT_FOUND")
    if number > MAX_NUMBER:
        raise not_found("API_VERSION_NOT_FOUND", n)
    return number


@bp.get("/flows/<key>/versions")
@operation(tags=["versions"], response=VersionListSchema, errors=(404,))
def list_versions(key: str):
    """Every version of the flow, newest first."""
    with reading() as session:
        flow, _ = load(session, key)
        versions = list(session.query(FlowVersion).filter(FlowVersion.flow_id == flow.id)
                        .order_by(FlowVersion.number.desc()))
        numbers = {v.id: v.number for v in versions}
        return VersionListSchema().dump({"versions": [version_summary(v, numbers) for v in versions]})


@bp.get("/flows/<key>/versions/<n>")
@operation(tags=["versions"], response=VersionSchema, errors=(404,))
def get_version(key: str, n: str):
    """One version with its document, DSL, problems now and who did what; the ETag to save a draft with."""
    with reading() as session:
        flow, version = load(session, key, _number(n))
        return VersionSchema().dump(version_view(session, flow, version)), 200, etag_header(session, version)


@bp.put("/flows/<key>/versions/<n>")
@operation(tags=["versions"], request=SaveDraftSchema, response=VersionSchema, parameters=(_IF_MATCH,),
           errors=(400, 404, 409, 412, 413, 415, 422, 428))
def save_version(key: str, n: str):
    """Save a draft as JSON `document` or DSL `dsl` — invalid content is saved too, with its problems.

    `If-Match` must carry the ETag the draft was read with: without it 428, after someone else's save
    412 (nothing is written; reload and apply the change again). `editing_session` makes the saves of
    one editing session one audit entry."""
    number = _number(n)
    body = load_json(SaveDraftSchema())
    with governed() as session:
        flow, version = load(session, key, number, lock=True)
        save_draft(session, flow, version, if_match=if_match_tags(request.headers.get("If-Match")), actor=who(),
                   now=clock(), document=body.get("document"), dsl=body.get("dsl"),
                   editing_session=body.get("editing_session"))
        return VersionSchema().dump(version_view(session, flow, version)), 200, etag_header(session, version)


@bp.post("/flows/<key>/versions")
@created
@operation(tags=["versions"], request=NewDraftSchema, response=VersionSchema, errors=(400, 404, 415, 422))
def create_version(key: str):
    """A new draft copied from version `based_on` (any state: start over from a rejected version)."""
    body = load_json(NewDraftSchema())
    with governed() as session:
        flow, based_on = load(session, key, body["based_on"], lock=True)
        version = new_draft(session, flow, based_on, actor=who(), now=clock())
        return VersionSchema().dump(version_view(session, flow, version)), 201, etag_header(session, version)


@bp.post("/flows/<key>/versions/<n>/submit")
@operation(tags=["versions"], response=VersionSchema, errors=(404, 409, 422))
def submit_version(key: str, n: str):
    """Submit a draft for review: it must be a valid flow (422 with its problems); it never changes again."""
    with governed() as session:
        flow, version = load(session, key, _number(n), lock=True)
        reviews.submit(session, flow, version, actor=who(), now=clock())
        return VersionSchema().dump(version_view(session, flow, version)), 200, etag_header(session, version)


@bp.post("/flows/<key>/versions/<n>/review")
@operation(tags=["versions"], request=ReviewSchema, response=VersionSchema, errors=(400, 403, 404, 409, 415, 422))
def review_version(key: str, n: str):
    """Approve or reject a version in review (a rejection says why); never by its author (403)."""
    number = _number(n)
    body = load_json(ReviewSchema())
    with governed() as session:
        flow, version = load(session, key, number, lock=True)
        reviews.review(session, flow, version, decision=body["decision"], comment=body.get("comment"),
                       actor=who(), now=clock())
        return VersionSchema().dump(version_view(session, flow, version))


@bp.post("/flows/<key>/versions/<n>/publish")
@operation(tags=["versions"], request=PublishSchema, response=ReleaseSchema, errors=(400, 404, 409, 415, 422))
def publish_version(key: str, n: str):
    """Put an approved version into service: `active`, or `candidate` for `percent` of orders or a `segment`."""
    number = _number(n)
    body = load_json(PublishSchema())
    check_segment(body.get("segment"))
    with governed() as session:
        flow, version = load(session, key, number, lock=True)
        releases.publish(session, flow, version, mode=body["mode"], percent=body.get("percent"),
                         segment=body.get("segment"), actor=who(), now=clock())
        return ReleaseSchema().dump(release_view(session, flow))


@bp.post("/flows/<key>/versions/<n>/retire")
@operation(tags=["versions"], response=VersionSchema, errors=(404, 409))
def retire_version(key: str, n: str):
    """Retire an approved or published version that serves no order."""
    with governed() as session:
        flow, version = load(session, key, _number(n), lock=True)
        releases.retire(session, flow, version, actor=who(), now=clock())
        return VersionSchema().dump(version_view(session, flow, version))


@bp.get("/flows/<key>/diff")
@operation(tags=["versions"], response=DiffSchema, errors=(404, 422), parameters=_DIFF_PARAMS)
def diff_versions(key: str):
    """What changed from version `from` to version `to`: nodes, config paths, edges, trigger, kind, the DSL."""
    query = load_query(DiffQuerySchema())
    with reading() as session:
        flow, old = load(session, key, query["from_"])
        _, new = load(session, key, query["to"])
        result = diff_documents(old.document, new.document, old_text=old.dsl, new_text=new.dsl,
                                old_label=f"{key} v{old.number}", new_label=f"{key} v{new.number}")
        return DiffSchema().dump({"key": flow.key, "from_": old.number, "to": new.number, **result})


def check_segment(segment: str | None) -> None:
    """A segment expression must be a valid boolean over the order model (422 at ``body.segment``)."""
    if segment is None:
        return
    problems = segment_problems(segment)
    if problems:
        raise ApiError(422, [p.under("body.segment") for p in problems])
