"""Shape checks: the document against the flow schema, each node's config against its type."""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from jsonschema import Draft202012Validator

from dsl.catalog import get_node_type, suggest_node_type
from dsl.document import build_flow_schema
from dsl.problems import Problem, format_path, problem
from dsl.suggest import hint
from dsl.validation.schema_errors import schema_problems


@cache
def _document_validator() -> Draft202012Validator:
    """The flow schema with node ``type`` and ``config`` left open: those get their own,
    better-worded checks below (unknown type with "did you mean", config per type)."""
    schema = copy.deepcopy(build_flow_schema())
    node = schema["$defs"]["node"]
    node.pop("allOf", None)
    node["properties"]["type"] = {"type": "string"}
    return Draft202012Validator(schema)


@cache
def _config_validator(type_name: str) -> Draft202012Validator:
    return Draft202012Validator(get_node_type(type_name).config_schema)


def document_problems(doc: dict[str, Any]) -> list[Problem]:
    """Shape problems of the document and of every node's config, plus duplicate node ids."""
    found = schema_problems(_document_validator(), doc, [])
    nodes = doc.get("nodes")
    if not isinstance(nodes, list):
        return found
    seen: set[str] = set()
    for index, node in enumerate(nodes):
        if not isinstance(node, dict):
            continue
        node_id = node.get("id")
        if isinstance(node_id, str):
            if node_id in seen:
                found.append(problem("NODE_DUPLICATE_ID", format_path(["nodes", index, "id"]), id=node_id))
            seen.add(node_id)
        found.extend(_config_problems(node, index))
    return found


def _config_problems(node: dict[str, Any], index: int) -> list[Problem]:
    type_name = node.get("type")
    if not isinstance(type_name, str):
        return []
    node_type = get_node_type(type_name)
    if node_type is None:
        return [problem("NODE_UNKNOWN_TYPE", format_path(["nodes", index, "type"]), type=type_name[:60],
                        **hint(suggest_node_type(type_name)))]
    config = node.get("config")
    if not isinstance(config, dict):
        return []
    found = schema_problems(_config_validator(type_name), config, ["nodes", index, "config"])
    if type_name == "decision_table" and not found:
        found = _table_shape_problems(config, index)
    return found


def _table_shape_problems(config: dict[str, Any], index: int) -> list[Problem]:
    """Each decision-table row needs one test per input column and one value per output column."""
    found = []
    widths = {"when": (len(config["inputs"]), "条件", "tests"), "then": (len(config["outputs"]), "取值", "values")}
    for row_index, row in enumerate(config["rules"]):
        for part, (expected, what_zh, what_en) in widths.items():
            if len(row[part]) != expected:
                where = format_path(["nodes", index, "config", "rules", row_index, part])
                found.append(problem("TABLE_ROW_SHAPE", where, row=row_index + 1, got=len(row[part]), expected=expected,
                                     what_zh=what_zh, what_en=what_en))
    return found
