"""``/api/audit``: the audit log, filtered and paged, for reviewers and admins."""

from __future__ import annotations

from flask import Blueprint

from designer.api.support import load_query, reading
from designer.openapi import operation
from designer.schemas.audit import AuditListSchema, AuditQuerySchema
from runtime.store.audit import OUTCOMES, AuditQuery, entry_view, search

bp = Blueprint("audit", __name__)

_FILTERS = (("actor", {"type": "string"}, "Who acted (a username)"),
            ("action", {"type": "string"}, "e.g. `version.submit`, `user.create`, `PUT /api/flows/<key>`"),
            ("target_type", {"type": "string"}, "e.g. `flow`, `version`, `user`, `endpoint`"),
            ("target_id", {"type": "string"}, "The target's id or key"),
            ("outcome", {"type": "string", "enum": list(OUTCOMES)}, "`refused`: 403s, `conflict`: 412s"),
            ("since", {"type": "string", "format": "date-time"}, "From this time on (with its zone)"),
            ("until", {"type": "string", "format": "date-time"}, "Before this time (with its zone)"),
            ("limit", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}, "Page size"),
            ("offset", {"type": "integer", "minimum": 0, "default": 0}, "Entries to skip"))
_PARAMS = tuple({"name": name, "in": "query", "required": False, "schema": schema, "description": text}
                for name, schema, text in _FILTERS)


@bp.get("/audit")
@operation(tags=["audit"], response=AuditListSchema, errors=(422,), parameters=_PARAMS)
def list_audit():
    """Audit entries, newest first: every write and every refused (403) or stale (412) attempt."""
    query = load_query(AuditQuerySchema())
    with reading() as session:
        rows, total = search(session, AuditQuery(**query))
        return AuditListSchema().dump({"entries": [entry_view(r) for r in rows], "total": total,
                                       "limit": query["limit"], "offset": query["offset"]})
