"""Export a flow as a JSON bundle; import a bundle or a DSL file — as drafts only, never published."""

from __future__ import annotations

import re

from flask import Blueprint

from designer.api.release_support import clock, created, etag_header, governed, load, version_view, who
from designer.api.support import reading
from designer.errors import ApiError
from designer.http import load_json, raw_body, require_media_type
from designer.openapi import operation
from designer.problem_codes import api_problem
from designer.schemas.versions import BundleSchema, ImportDslSchema, ImportResultSchema, VersionSchema
from dsl.document import FLOW_KEY_PATTERN, KINDS
from dsl.validation import validate_source
from runtime.release.bundles import export_bundle, import_bundle, import_document

bp = Blueprint("bundles", __name__)


@bp.get("/flows/<key>/export")
@operation(tags=["flows"], response=BundleSchema, errors=(404,))
def export_flow(key: str):
    """The flow and all its versions as one JSON bundle (`orderloom.bundle/1`)."""
    with reading() as session:
        flow, _ = load(session, key)
        headers = {"Content-Disposition": f'attachment; filename="{flow.key}.bundle.json"'}
        return export_bundle(session, flow, clock()), 200, headers


@bp.post("/flows/import")
@created
@operation(tags=["flows"], request=BundleSchema, response=ImportResultSchema, errors=(400, 409, 413, 415, 422))
def import_flow():
    """Import a bundle: each version whose content the flow lacks becomes a new draft (none is published)."""
    bundle = load_json(BundleSchema())
    with governed() as session:
        return ImportResultSchema().dump(import_bundle(session, bundle, actor=who(), now=clock())), 201


@bp.post("/flows/import-dsl")
@created
@operation(tags=["flows"], request=ImportDslSchema, response=VersionSchema,
           request_media_types=("application/json", "text/plain"), errors=(400, 409, 413, 415, 422))
def import_dsl():
    """A DSL file (`text/plain`, or JSON `{dsl}`) as a new draft of its flow (created if missing).

    The text must parse (422 with line and column otherwise); a flow with other problems is saved as a
    draft with them, like any work in progress."""
    if require_media_type("json", "text/plain") == "text/plain":
        text = _text_body()
    else:
        text = load_json(ImportDslSchema())["dsl"]
    result = validate_source(text, syntax="dsl")
    document = result.document
    if document is None or not _names_its_flow(document):
        located = [p for p in result.problems if document is None or p.path in ("key", "kind")]
        raise ApiError(422, [p.under("body") for p in located]
                       or [api_problem("API_FIELD_INVALID", "body", detail="the flow needs a valid key and kind")])
    with governed() as session:
        version = import_document(session, document, actor=who(), now=clock())
        flow, _ = load(session, document["key"])
        return VersionSchema().dump(version_view(session, flow, version)), 201, etag_header(session, version)


def _names_its_flow(document: dict) -> bool:
    """Whether a parsed DSL file has the key and kind a flow is created or found by."""
    return bool(re.match(FLOW_KEY_PATTERN, str(document.get("key")))) and document.get("kind") in KINDS


def _text_body() -> str:
    try:
        return raw_body().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ApiError.of(400, "API_BODY_ENCODING", "body", offset=exc.start) from None
