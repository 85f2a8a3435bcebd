"""``/api/groups``: the business groups human tasks are routed to (finance, risk, after-sales, …)."""

from __future__ import annotations

from flask import Blueprint

from designer.api.support import reading, transaction
from designer.api.users import audit, user_store_error
from designer.http import load_json
from designer.openapi import operation
from designer.schemas.auth import GroupCreateSchema, GroupListSchema, GroupSchema
from runtime.store import users as store

bp = Blueprint("groups", __name__)


@bp.get("/groups")
@operation(tags=["users"], response=GroupListSchema)
def list_groups():
    """Every group with its members (the canvas's group picker, reassigning a task)."""
    with reading() as session:
        members = store.members_by_group(session)
        return GroupListSchema().dump({"groups": [
            {"name": g.name, "description": g.description, "members": members.get(g.id, [])}
            for g in store.list_groups(session)]})


@bp.post("/groups")
@operation(tags=["users"], request=GroupCreateSchema, response=GroupSchema, errors=(400, 409, 415, 422))
def create_group():
    """Create a group; 201 (409 if the name is taken)."""
    body = load_json(GroupCreateSchema())
    with transaction() as session:
        try:
            group = store.create_group(session, body["name"], body["description"])
        except store.UserStoreError as exc:
            raise user_store_error(exc) from None
        view = {"name": group.name, "description": group.description, "members": []}
        audit(session, "group.create", group.name, None, view, target_type="group")
        return GroupSchema().dump(view), 201
