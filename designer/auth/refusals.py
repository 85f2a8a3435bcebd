"""Every refused attempt (403) and stale write (412) the API answers goes to the audit log.

Written after the answer is built, in a transaction of its own: the refused request changed
nothing, so there is no change for the entry to share a transaction with. A failure to write the
entry is logged and never turns the answer into a 500.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, request

from designer.auth.identity import current_user
from designer.extensions import db
from runtime.store.audit import record

log = logging.getLogger(__name__)

#: HTTP status → the audit entry's outcome
AUDITED_STATUSES = {403: "refused", 412: "conflict"}


def init_app(app: Flask) -> None:
    app.after_request(audit_refusal)


def audit_refusal(response: Response) -> Response:
    outcome = AUDITED_STATUSES.get(response.status_code)
    if outcome is not None:
        try:
            with db.database.transaction() as session:
                record(session, **refusal_entry(response, outcome))
        except Exception:  # noqa: BLE001 - the answer stands; the log says why the entry is missing
            log.exception("could not audit the refused %s %s", request.method, request.path)
    return response


def refusal_entry(response: Response, outcome: str) -> dict[str, Any]:
    """The audit fields of a refused request: who, which route, and the problem codes of the answer."""
    user = current_user()
    body = response.get_json(silent=True) if response.is_json else None
    problems = body.get("problems", []) if isinstance(body, dict) else []
    rule = request.url_rule.rule if request.url_rule is not None else request.path
    return {"actor": user.username if user else None, "action": f"{request.method} {rule}",
            "target_type": "endpoint", "target_id": request.path, "outcome": outcome,
            "details": {"status": response.status_code, "endpoint": request.endpoint,
                        "role": user.role if user else None,
                        "codes": [p.get("code") for p in problems if isinstance(p, dict)]}}
