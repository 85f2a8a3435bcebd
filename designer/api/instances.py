"""``/api/instances``: cancel a flow instance, or retry one in incident from its failed node."""

from __future__ import annotations

from flask import Blueprint

from designer.api.support import ACTOR_PARAM, actor_of, int_id, runtime_errors
from designer.extensions import runtime
from designer.http import load_json
from designer.openapi import operation
from designer.schemas.instances import CancelInstanceSchema, InstanceSchema, RetryInstanceSchema

bp = Blueprint("instances", __name__)


@bp.get("/instances/<instance_id>")
@operation(tags=["instances"], response=InstanceSchema, errors=(404,))
@runtime_errors
def get_instance(instance_id: str):
    """One flow instance: flow and version, stage, status, outcome, incident, what it waits for."""
    return InstanceSchema().dump(runtime.rt.get_instance(int_id(instance_id, "API_INSTANCE_NOT_FOUND")))


@bp.post("/instances/<instance_id>/cancel")
@operation(tags=["instances"], request=CancelInstanceSchema, response=InstanceSchema,
           errors=(400, 404, 409, 415, 422), parameters=(ACTOR_PARAM,))
@runtime_errors
def cancel_instance(instance_id: str):
    """Cancel a waiting or failed instance; its tasks and timers end with it (409 if it already ended)."""
    iid = int_id(instance_id, "API_INSTANCE_NOT_FOUND")
    body = load_json(CancelInstanceSchema())
    return InstanceSchema().dump(runtime.rt.cancel_instance(iid, body["reason"], actor_of(body)))


@bp.post("/instances/<instance_id>/retry")
@operation(tags=["instances"], request=RetryInstanceSchema, response=InstanceSchema,
           errors=(400, 404, 409, 415, 422), parameters=(ACTOR_PARAM,))
@runtime_errors
def retry_instance(instance_id: str):
    """Retry an instance in incident: its failed node runs again on fresh data (409 if not in incident)."""
    iid = int_id(instance_id, "API_INSTANCE_NOT_FOUND")
    body = load_json(RetryInstanceSchema())
    return InstanceSchema().dump(runtime.rt.retry_instance(iid, actor_of(body)))

