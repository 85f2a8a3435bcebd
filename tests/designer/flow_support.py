"""Helpers for the flow, version and release API tests: clients of each role, a flow carried through review."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from tests.auth_support import client_as


class People:
    """The clients of the people in these scenarios: two editors, a reviewer, an operator, an admin."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.editor = client_as(app, "editor", username="zhang")
        self.editor2 = client_as(app, "editor", username="li")
        self.reviewer = client_as(app, "reviewer", username="wang")
        self.operator = client_as(app, "operator", username="zhao")
        self.admin = client_as(app, "admin", username="root")


def ok(response, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.status_code} {response.get_data(as_text=True)[:800]}"
    return response.get_json()


def etag_of(response) -> str:
    tag = response.headers.get("ETag")
    assert tag, "no ETag"
    return tag


def create_from_template(editor: FlaskClient, key: str, template: str, kind: str) -> dict[str, Any]:
    return ok(editor.post("/api/flows", json={"key": key, "name": f"{key} 流程", "kind": kind,
                                              "template": template}), 201)


def approve(people: People, key: str, number: int, comment: str = "看过了，可以") -> dict[str, Any]:
    """Submit (as the editor) and approve (as the reviewer) version ``number``."""
    ok(people.editor.post(f"/api/flows/{key}/versions/{number}/submit"))
    return ok(people.reviewer.post(f"/api/flows/{key}/versions/{number}/review",
                                   json={"decision": "approve", "comment": comment}))


def edit(editor: FlaskClient, key: str, number: int, change) -> dict[str, Any]:
    """Read a draft, ``change(document)`` in place, save it with the ETag it was read with."""
    response = editor.get(f"/api/flows/{key}/versions/{number}")
    document = ok(response)["document"]
    change(document)
    return ok(editor.put(f"/api/flows/{key}/versions/{number}", json={"document": document},
                         headers={"If-Match": etag_of(response)}))


def audit_actions(app: Flask, target_id: str | None = None) -> list[tuple[str, str, str]]:
    """(actor, action, outcome) of the audit log, oldest first (optionally of one target)."""
    from sqlalchemy import select

    from runtime.store.models import AuditEntry

    with app.extensions["orderloom.db"].read() as session:
        query = select(AuditEntry).order_by(AuditEntry.id)
        if target_id is not None:
            query = query.where(AuditEntry.target_id == target_id)
        return [(e.actor, e.action, e.outcome) for e in session.execute(query).scalars()]
