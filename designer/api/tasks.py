"""``/api/tasks``: the inbox of human tasks (by group), claim, reassign and decide."""

from __future__ import annotations

from typing import Any

from flask import Blueprint

from designer.api.support import ACTOR_PARAM, actor_of, int_id, load_query, not_found, runtime_errors
from designer.auth.guard import require_member
from designer.extensions import runtime
from designer.http import load_json
from designer.openapi import operation
from designer.schemas.tasks import (
    TASK_STATUSES,
    ClaimTaskSchema,
    DecideTaskSchema,
    ReassignTaskSchema,
    TaskListSchema,
    TaskQuerySchema,
    TaskSchema,
)

bp = Blueprint("tasks", __name__)

_LIST_PARAMS = tuple(
    {"name": name, "in": "query", "required": False, "schema": schema, "description": text}
    for name, schema, text in (
        ("group", {"type": "string"}, "A group's inbox, e.g. `finance`, `risk`"),
        ("status", {"type": "string", "enum": [*TASK_STATUSES, "active"]}, "`active` = open or claimed"),
        ("order_id", {"type": "integer"}, "Only the tasks of this order"),
    ))


@bp.get("/tasks")
@operation(tags=["tasks"], response=TaskListSchema, errors=(422,), parameters=_LIST_PARAMS)
@runtime_errors
def list_tasks():
    """The task inbox: by group and status (e.g. `?group=finance&status=open`), with the SLA clock."""
    query = load_query(TaskQuerySchema())
    tasks = runtime.rt.list_tasks(group=query.get("group"), status=query.get("status"),
                                  order_id=query.get("order_id"))
    return TaskListSchema().dump({"tasks": tasks})


@bp.get("/tasks/<task_id>")
@operation(tags=["tasks"], response=TaskSchema, errors=(404,))
@runtime_errors
def get_task(task_id: str):
    """One task with its form, SLA and decision."""
    return TaskSchema().dump(_find(int_id(task_id, "API_TASK_NOT_FOUND"), task_id))


@bp.post("/tasks/<task_id>/claim")
@operation(tags=["tasks"], request=ClaimTaskSchema, response=TaskSchema, errors=(400, 404, 409, 415, 422),
           parameters=(ACTOR_PARAM,))
@runtime_errors
def claim_task(task_id: str):
    """Claim a task: `user` (default: the actor) becomes its assignee (409 if someone else holds it)."""
    tid = int_id(task_id, "API_TASK_NOT_FOUND")
    body = load_json(ClaimTaskSchema())
    _require_member(tid, task_id)
    user = body.get("user") or actor_of(body, required=True)
    return TaskSchema().dump(runtime.rt.claim_task(tid, user))


@bp.post("/tasks/<task_id>/reassign")
@operation(tags=["tasks"], request=ReassignTaskSchema, response=TaskSchema, errors=(400, 404, 409, 415, 422),
           parameters=(ACTOR_PARAM,))
@runtime_errors
def reassign_task(task_id: str):
    """Hand a task to another group and/or user."""
    tid = int_id(task_id, "API_TASK_NOT_FOUND")
    body = load_json(ReassignTaskSchema())
    _require_member(tid, task_id)
    answer = runtime.rt.reassign_task(tid, group=body.get("group"), user=body.get("user"), actor=actor_of(body))
    return TaskSchema().dump(answer)


@bp.post("/tasks/<task_id>/decide")
@operation(tags=["tasks"], request=DecideTaskSchema, response=TaskSchema, errors=(400, 404, 409, 415, 422),
           parameters=(ACTOR_PARAM,))
@runtime_errors
def decide_task(task_id: str):
    """Decide a task (`approved` / `rejected`) with the form's fields; the flow goes on from the approval.

    The form is checked against the task's form (required fields, choices): problems are a 422 at
    `body.form.<field>`. A task already decided or cancelled is a 409. Needs an actor (`actor` or
    the X-Orderloom-User header): the timeline shows who decided.
    """
    tid = int_id(task_id, "API_TASK_NOT_FOUND")
    body = load_json(DecideTaskSchema())
    _require_member(tid, task_id)
    answer = runtime.rt.decide_task(tid, body["decision"], body["form"], actor_of(body, required=True))
    return TaskSchema().dump(answer)


def _require_member(tid: int, shown: str) -> None:
    """Operators act on the tasks of their groups (the task's group or the one it escalated to)."""
    task = _find(tid, shown)
    require_member((task.get("group"), task.get("escalated_to")))


def _find(tid: int, shown: str) -> dict[str, Any]:
    rt = runtime.rt
    get = getattr(rt, "get_task", None)
    if callable(get):
        return get(tid)
    task = next((t for t in rt.list_tasks() if t["id"] == tid), None)
    if task is None:
        raise not_found("API_TASK_NOT_FOUND", shown)
    return task
