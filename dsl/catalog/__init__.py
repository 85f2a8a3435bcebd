"""The node catalog: every node type, declared once, looked up by name.

The palette, the property forms (via the API), the DSL printer and parser, the validator
and the runtime all read these declarations; nothing else lists node types.
"""

from __future__ import annotations

from functools import cache
from typing import Any, Iterator

from dsl.catalog.nodes import ALL
from dsl.catalog.types import CATEGORIES, CATEGORY_LABELS, DynamicPorts, NodeType, Port
from dsl.suggest import did_you_mean

__all__ = ["NodeType", "Port", "DynamicPorts", "CATEGORIES", "CATEGORY_LABELS", "all_node_types",
           "get_node_type", "node_type_names", "suggest_node_type", "ExpressionField",
           "expression_fields", "is_expression_path"]

_BY_NAME: dict[str, NodeType] = {node.name: node for node in ALL}
_BY_KEYWORD: dict[str, NodeType] = {node.keyword: node for node in ALL}
assert len(_BY_NAME) == len(ALL) and len(_BY_KEYWORD) == len(ALL), "node names and keywords must be unique"


def all_node_types() -> list[NodeType]:
    """Every node type in palette order."""
    return list(ALL)


def get_node_type(name: str) -> NodeType | None:
    """The node type called ``name``, or None."""
    return _BY_NAME.get(name)


def get_by_keyword(keyword: str) -> NodeType | None:
    """The node type whose DSL keyword is ``keyword``, or None."""
    return _BY_KEYWORD.get(keyword)


def node_type_names() -> list[str]:
    return list(_BY_NAME)


def suggest_node_type(name: str) -> str | None:
    """The closest known node type name, for "did you mean" hints."""
    return did_you_mean(name, _BY_NAME)


class ExpressionField:
    """Where a node type's config holds an expression (or a decision-table cell test).

    ``pattern`` is a path through the config where ``*`` stands for any list index or any
    key of an open map, e.g. ``("factors", "*", "value")``.
    """

    __slots__ = ("pattern", "result_type", "bindings", "unary_test")

    def __init__(self, pattern: tuple[str, ...], result_type: str, bindings: dict[str, str],
                 unary_test: bool) -> None:
        self.pattern = pattern
        self.result_type = result_type
        self.bindings = bindings
        self.unary_test = unary_test

    def __repr__(self) -> str:
        return f"ExpressionField({'.'.join(self.pattern)}: {self.result_type})"


@cache
def _expression_patterns(type_name: str) -> tuple[ExpressionField, ...]:
    node = _BY_NAME[type_name]
    return tuple(_walk_schema(node.config_schema, ()))


def _walk_schema(schema: Any, prefix: tuple[str, ...]) -> Iterator[ExpressionField]:
    if not isinstance(schema, dict):
        return
    if "x-expression" in schema:
        yield ExpressionField(prefix, schema["x-expression"], schema.get("x-bindings", {}), False)
        return
    if schema.get("x-unary-test"):
        yield ExpressionField(prefix, "boolean", {}, True)
        return
    for name, sub in schema.get("properties", {}).items():
        yield from _walk_schema(sub, prefix + (name,))
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _walk_schema(schema["additionalProperties"], prefix + ("*",))
    if "items" in schema:
        yield from _walk_schema(schema["items"], prefix + ("*",))


def expression_fields(type_name: str, config: Any) -> Iterator[tuple[tuple[str | int, ...], str, ExpressionField]]:
    """Each expression present in ``config``: (path inside config, text, its field declaration)."""
    if type_name not in _BY_NAME:
        return
    for field in _expression_patterns(type_name):
        yield from _match(config, field.pattern, (), field)


def _match(value: Any, pattern: tuple[str, ...], at: tuple[str | int, ...], field: ExpressionField):
    if not pattern:
        if isinstance(value, str):
            yield at, value, field
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(value, list):
            for i, item in enumerate(value):
                yield from _match(item, rest, at + (i,), field)
        elif isinstance(value, dict):
            for key, item in value.items():
                yield from _match(item, rest, at + (key,), field)
    elif isinstance(value, dict) and head in value:
        yield from _match(value[head], rest, at + (head,), field)


def is_expression_path(type_name: str, path: tuple[str | int, ...]) -> bool:
    """Whether the value at ``path`` inside a config of this type is an expression or cell test.

    The DSL printer uses this to print expressions in their own quoting.
    """
    if type_name not in _BY_NAME:
        return False
    for field in _expression_patterns(type_name):
        if len(field.pattern) == len(path) and all(p == "*" or p == q for p, q in zip(field.pattern, path)):
            return True
    return False
