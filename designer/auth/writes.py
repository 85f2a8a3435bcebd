"""Every successful write through the API leaves an audit entry, even when its view records none itself.

Views that know what they change record a precise entry (``runtime.store.audit.record``: versions,
releases, users, …). For the others the entry is generic — who, ``<METHOD> <route>``, the path:

- a view writing through ``designer.api.support.transaction()`` gets it in that same transaction
  (connections, carriers, context feeds, dead letters, stock, …);
- a write the runtime commits in its own transaction (deciding a task, closing a warehouse, releasing
  a hold, …) gets it right after the answer, in a transaction of its own; the runtime's rows already carry
  the actor (the step's, the status change's), this entry puts the action in the one log.

A request that recorded any entry gets no generic one. Not audited: requests that change nothing (checks,
dry runs, sign out) and order ingestion, whose own log is the inbound event table.
"""

from __future__ import annotations

import logging

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import Session

from designer.auth.guard import UNSAFE_METHODS
from designer.auth.identity import current_user
from designer.auth.policy import permission_of
from designer.extensions import db
from runtime.store.audit import record
from runtime.store.models import AuditEntry

log = logging.getLogger(__name__)

NOT_AUDITED = frozenset({"validation.validate_flow", "dry_runs.dry_run", "auth.logout", "demo_receiver.receive"})
#: ingestion (and anything guarded like it) is logged by the inbound event table, one row per event
NOT_AUDITED_PERMISSIONS = frozenset({"order.ingest"})
_RECORDED = "orderloom_audit_recorded"


def init_app(app: Flask) -> None:
    app.after_request(audit_committed_write)


def audit_in_transaction(session: Session) -> None:
    """The generic entry of this request's write, in ``session`` (the write's own transaction)."""
    if _needs_entry():
        record(session, **_generic_entry())


def audit_committed_write(response: Response) -> Response:
    """After a successful write that recorded nothing: the generic entry, in its own transaction."""
    if 200 <= response.status_code < 300 and _needs_entry():
        try:
            with db.database.transaction() as session:
                record(session, **_generic_entry())
        except Exception:  # noqa: BLE001 - the write stands; the log says why its entry is missing
            log.exception("could not audit %s %s", request.method, request.path)
    return response


def _needs_entry() -> bool:
    return (has_request_context() and request.method in UNSAFE_METHODS and request.endpoint is not None
            and request.endpoint not in NOT_AUDITED and permission_of(request.endpoint) not in NOT_AUDITED_PERMISSIONS
            and not g.get(_RECORDED, False))


def _generic_entry() -> dict:
    user = current_user()
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    return {"actor": user.username if user else None, "action": f"{request.method} {rule}",
            "target_type": request.blueprint or "endpoint", "target_id": request.path,
            "details": {"endpoint": request.endpoint, "role": user.role if user else None}}


@event.listens_for(AuditEntry, "after_insert")
@event.listens_for(AuditEntry, "after_update")
def _mark_recorded(*_: object) -> None:
    """Any audit entry written while handling a request (by whatever code) stands for its write."""
    if has_request_context():
        setattr(g, _RECORDED, True)
