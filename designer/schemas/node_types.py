"""Node types as the palette and the property forms read them (see :mod:`dsl.catalog`)."""

from marshmallow import Schema, fields


class PortSchema(Schema):
    """A named exit of a node."""

    name = fields.String(required=True)
    label_zh = fields.String(required=True)
    label_en = fields.String(required=True)
    optional = fields.Boolean(required=True)


class DynamicPortsSchema(Schema):
    """Ports named by the node's config: one per item of ``config[list_key]``."""

    list_key = fields.String(required=True)
    item_key = fields.String(required=True, allow_none=True)


class NodeTypeSchema(Schema):
    """One node type: labels, ports, and the JSON Schema of its config (with UI hints)."""

    name = fields.String(required=True)
    category = fields.String(required=True)
    keyword = fields.String(required=True, metadata={"description": "The DSL keyword"})
    label_zh = fields.String(required=True)
    label_en = fields.String(required=True)
    description_zh = fields.String(required=True)
    description_en = fields.String(required=True)
    icon = fields.String(required=True)
    ports = fields.List(fields.Nested(PortSchema), required=True)
    dynamic_ports = fields.Nested(DynamicPortsSchema, required=True, allow_none=True)
    config_schema = fields.Dict(required=True, metadata={"description": "JSON Schema (2020-12) of `config`"})
    waits = fields.Boolean(required=True,
                           metadata={"description": "Pauses the instance (approval, timer, ...)"})
    terminal = fields.Boolean(required=True)
    version = fields.Integer(required=True)
    stability = fields.String(required=True)
    handler = fields.String(required=True, metadata={"description": "Runtime handler, `module:function`"})
    example_config = fields.Dict(required=True)


class NodeTypeListSchema(Schema):
    """The whole catalog, in palette order."""

    node_types = fields.List(fields.Nested(NodeTypeSchema), required=True)
