"""``/api/node-types``: the node catalog, which the palette and property forms are built from."""

from flask import Blueprint

from designer.errors import ApiError
from designer.openapi import operation
from designer.schemas.node_types import NodeTypeListSchema, NodeTypeSchema
from dsl.catalog import all_node_types, get_node_type, suggest_node_type
from dsl.suggest import hint

bp = Blueprint("node_types", __name__)


@bp.get("/node-types")
@operation(tags=["node types"], response=NodeTypeListSchema)
def list_node_types():
    """List every node type in palette order, with ports and config JSON Schemas."""
    return NodeTypeListSchema().dump({"node_types": [nt.to_dict() for nt in all_node_types()]})


@bp.get("/node-types/<name>")
@operation(tags=["node types"], response=NodeTypeSchema, errors=(404,))
def get_one_node_type(name: str):
    """One node type by name (e.g. `approval`); 404 with a suggestion for a near miss."""
    node_type = get_node_type(name)
    if node_type is None:
        raise ApiError.of(404, "API_NODE_TYPE_NOT_FOUND", "name", name=name,
                          **hint(suggest_node_type(name)))
    return NodeTypeSchema().dump(node_type.to_dict())
