"""The flow document: its format, its JSON Schema, canonical JSON and the two hashes.

A version's content hash is the SHA-256 of its canonical JSON (sorted keys, UTF-8, no
insignificant whitespace); the behaviour hash leaves out every ``ui`` and ``note`` so that
moving boxes or editing notes is visibly not a behaviour change.
"""

from __future__ import annotations

import copy
import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any

FORMAT = "orderloom.flow/1"
KINDS = ("intake", "approval", "routing", "return", "subflow")
KIND_LABELS = {"intake": ("接单", "Intake"), "approval": ("审批", "Approval"),
               "routing": ("分仓路由", "Routing"), "return": ("退货", "Return"),
               "subflow": ("子流程", "Sub-flow")}
FLOW_KEY_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"
NODE_ID_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]{0,62}$"
TOP_LEVEL_ORDER = ("format", "key", "name", "description", "kind", "trigger", "nodes", "edges")
SCHEMA_FILE = Path(__file__).with_name("flow.schema.json")
SCHEMA_ID = "https://orderloom.dev/schemas/flow/1.json"


def canonical_json(doc: Any) -> str:
    """The one JSON text of a document: sorted keys, no spaces, UTF-8 characters kept."""
    return json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def content_hash(doc: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON of the whole document."""
    return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()


def behaviour_part(doc: dict[str, Any]) -> dict[str, Any]:
    """The document without layout and notes: what the runtime's behaviour depends on."""
    stripped = copy.deepcopy(doc)
    for node in stripped.get("nodes", []) if isinstance(stripped.get("nodes"), list) else []:
        if isinstance(node, dict):
            node.pop("ui", None)
            node.pop("note", None)
    return stripped


def behaviour_hash(doc: dict[str, Any]) -> str:
    """SHA-256 (hex) of the canonical JSON without ``ui`` and ``note``."""
    return content_hash(behaviour_part(doc))


def build_flow_schema() -> dict[str, Any]:
    """The published JSON Schema (draft 2020-12), node configs included, built from the catalog."""
    from dsl.catalog import all_node_types

    node_types = all_node_types()
    defs: dict[str, Any] = {
        "node_id": {"type": "string", "pattern": NODE_ID_PATTERN},
        "expression": {"type": "string", "minLength": 1, "maxLength": 4000, "x-expression": "boolean"},
        "ui": {"type": "object", "additionalProperties": False,
               "properties": {"x": {"type": "number"}, "y": {"type": "number"},
                              "width": {"type": "number", "minimum": 0},
                              "height": {"type": "number", "minimum": 0},
                              "collapsed": {"type": "boolean"}}},
        "node": {
            "type": "object", "additionalProperties": False, "required": ["id", "type", "config"],
            "properties": {
                "id": {"$ref": "#/$defs/node_id"},
                "type": {"enum": [n.name for n in node_types]},
                "label": {"type": "string", "maxLength": 200},
                "note": {"type": "string", "maxLength": 2000},
                "config": {"type": "object"},
                "ui": {"$ref": "#/$defs/ui"},
            },
            "allOf": [{"if": {"properties": {"type": {"const": n.name}}, "required": ["type"]},
                       "then": {"properties": {"config": {"$ref": f"#/$defs/config_{n.name}"}}}}
                      for n in node_types],
        },
        "edge": {
            "type": "object", "additionalProperties": False, "required": ["from", "port", "to"],
            "properties": {"from": {"$ref": "#/$defs/node_id"},
                           "port": {"type": "string", "pattern": r"^[a-z][a-z0-9_]{0,62}$"},
                           "to": {"$ref": "#/$defs/node_id"},
                           "label": {"type": "string", "maxLength": 200}},
        },
    }
    for n in node_types:
        defs[f"config_{n.name}"] = n.config_schema
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "Orderloom flow document",
        "description": "One version of an order flow: routing, approval, return, intake or sub-flow.",
        "type": "object",
        "additionalProperties": False,
        "required": ["format", "key", "name", "kind", "trigger", "nodes", "edges"],
        "properties": {
            "format": {"const": FORMAT},
            "key": {"type": "string", "pattern": FLOW_KEY_PATTERN},
            "name": {"type": "string", "minLength": 1, "maxLength": 200},
            "description": {"type": "string", "maxLength": 2000},
            "kind": {"enum": list(KINDS)},
            "trigger": {"type": "object", "additionalProperties": False, "required": ["start"],
                        "properties": {"start": {"$ref": "#/$defs/node_id"},
                                       "when": {"$ref": "#/$defs/expression"}}},
            "nodes": {"type": "array", "maxItems": 500, "items": {"$ref": "#/$defs/node"}},
            "edges": {"type": "array", "maxItems": 2000, "items": {"$ref": "#/$defs/edge"}},
        },
        "$defs": defs,
    }


@cache
def flow_schema() -> dict[str, Any]:
    """The flow JSON Schema as shipped in ``dsl/flow.schema.json``."""
    return json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))


def write_flow_schema() -> None:
    """Regenerate ``dsl/flow.schema.json`` from the catalog (a test checks it is current)."""
    text = json.dumps(build_flow_schema(), ensure_ascii=False, indent=2, sort_keys=False)
    SCHEMA_FILE.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    write_flow_schema()
