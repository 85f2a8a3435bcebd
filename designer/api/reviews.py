"""``/api/reviews``: the reviewer's queue — versions waiting for review that the caller may review."""

from __future__ import annotations

from flask import Blueprint
from sqlalchemy import select

from designer.api.release_support import version_summary, who
from designer.api.support import reading
from designer.openapi import operation
from designer.schemas.versions import ReviewQueueSchema
from runtime.release.review import authors
from runtime.store.models import Flow, FlowVersion

bp = Blueprint("reviews", __name__)


@bp.get("/reviews")
@operation(tags=["versions"], response=ReviewQueueSchema)
def list_reviews():
    """Versions in review, oldest submission first, leaving out the caller's own (nobody reviews their own)."""
    me = who()
    with reading() as session:
        rows = session.execute(select(FlowVersion, Flow).join(Flow, Flow.id == FlowVersion.flow_id)
                               .where(FlowVersion.state == "in_review")
                               .order_by(FlowVersion.submitted_at, FlowVersion.id)).all()
        bases = {v.based_on_version_id for v, _ in rows if v.based_on_version_id}
        numbers = dict(session.execute(select(FlowVersion.id, FlowVersion.number)
                                       .where(FlowVersion.id.in_(bases))).all()) if bases else {}
        queue = [{**version_summary(version, numbers), "key": flow.key, "name": flow.name, "kind": flow.kind,
                  "submitted_at": version.submitted_at}
                 for version, flow in rows if me not in authors(version)]
        return ReviewQueueSchema().dump({"reviews": queue})
