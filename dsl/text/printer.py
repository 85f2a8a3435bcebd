"""Print a flow document as its one canonical DSL text.

Canonical means: top-level statements in ``TOP_LEVEL_ORDER``, node fields id/type/label/note/
config/ui, config keys in the node type's schema order (unknown keys after, sorted), nodes
and edges in document order, and a value kept on one line while it fits in ``WIDTH``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dsl.catalog import get_node_type, is_expression_path
from dsl.document import TOP_LEVEL_ORDER, flow_schema
from dsl.text.literals import FLOW_KEY_RE, IDENT_RE, MAX_DEPTH, can_backtick, format_number, quote

WIDTH = 100
INDENT = "  "
_NODE_FIELDS = ("id", "type", "label", "note", "config", "ui")
_EDGE_FIELDS = ("from", "port", "to", "label")


@dataclass(frozen=True)
class _Ctx:
    """Where a value sits: its node type and config path (for expressions) and its schema."""

    node_type: str | None
    path: tuple[str | int, ...]
    schema: dict[str, Any]
    depth: int

    def child(self, key: str | int) -> "_Ctx":
        schema = self.schema
        if isinstance(key, int):
            sub = schema.get("items")
        else:
            sub = schema.get("properties", {}).get(key, schema.get("additionalProperties"))
        return _Ctx(self.node_type, self.path + (key,), sub if isinstance(sub, dict) else {}, self.depth + 1)


def print_flow(doc: dict[str, Any]) -> str:
    """The canonical text of ``doc``; ValueError only for documents the DSL cannot express."""
    _only(doc, TOP_LEVEL_ORDER, "the document")
    header = "flow " + _word(_text(doc, "key"), FLOW_KEY_RE)
    if "name" in doc:
        header += " " + quote(_text(doc, "name"))
    sections = [_head(doc)]
    sections += [_node(node) for node in _items(doc, "nodes")]
    sections.append([_edge(edge) for edge in _items(doc, "edges")])
    body: list[str] = []
    for section in filter(None, sections):
        if body:
            body.append("")
        body += section
    return "\n".join([header + " {", *_indent(body), "}"]) + "\n"


def _head(doc: dict[str, Any]) -> list[str]:
    lines = []
    if "format" in doc:
        lines.append("format " + quote(_text(doc, "format")))
    if "description" in doc:
        lines.append("description " + quote(_text(doc, "description")))
    if "kind" in doc:
        lines.append("kind " + _word(_text(doc, "kind"), IDENT_RE))
    if "trigger" in doc:
        trigger = doc["trigger"]
        _only(trigger, ("start", "when"), "trigger")
        if not trigger:
            raise ValueError("an empty trigger cannot be written in the DSL")
        if "start" in trigger:
            lines.append("start " + _word(_text(trigger, "start"), IDENT_RE))
        if "when" in trigger:
            when = _text(trigger, "when")
            lines.append("when " + (f"`{when}`" if can_backtick(when) else quote(when)))
    return lines


def _node(node: Any) -> list[str]:
    _only(node, _NODE_FIELDS, "a node")
    node_type = get_node_type(_text(node, "type"))
    if node_type is None:
        raise ValueError(f"unknown node type {node['type']!r}")
    header = f"{node_type.keyword} {_word(_text(node, 'id'), IDENT_RE)}"
    if "label" in node:
        header += " " + quote(_text(node, "label"))
    body = []
    if "note" in node:
        body.append("note " + quote(_text(node, "note")))
    if not isinstance(node.get("config"), dict):
        raise ValueError("a node's config must be an object")
    config = _Ctx(node_type.name, (), node_type.config_schema, 2)
    body += _entries(node["config"], config)
    if "ui" in node:
        body += _lines("ui ", node["ui"], _Ctx(None, (), flow_schema()["$defs"]["ui"], 3))
    if not body:
        return [header + " {}"]
    return [header + " {", *_indent(body), "}"]


def _edge(edge: Any) -> str:
    _only(edge, _EDGE_FIELDS, "an edge")
    source = _text(edge, "from")
    if not IDENT_RE.match(source):
        raise ValueError(f"an edge from {source!r} cannot be written: node ids are names")
    line = f"{source}.{_word(_text(edge, 'port'), IDENT_RE)} -> {_word(_text(edge, 'to'), IDENT_RE)}"
    if "label" in edge:
        line += " " + quote(_text(edge, "label"))
    return line


def _entries(mapping: dict[str, Any], ctx: _Ctx) -> list[str]:
    lines: list[str] = []
    for key in _ordered_keys(mapping, ctx.schema):
        lines += _lines(f"{_word(key, IDENT_RE)}: ", mapping[key], ctx.child(key))
    return lines


def _lines(prefix: str, value: Any, ctx: _Ctx) -> list[str]:
    """``prefix`` + value, on one line when it fits, else one entry or item per line."""
    inline = _inline(value, ctx)
    indent = len(INDENT) * (ctx.depth - 1)
    if not isinstance(value, (dict, list)) or not value or indent + len(prefix) + len(inline) <= WIDTH:
        return [prefix + inline]
    if isinstance(value, dict):
        inner = _entries(value, ctx)
        return [prefix + "{", *_indent(inner), "}"]
    inner = [line for i, item in enumerate(value) for line in _lines("", item, ctx.child(i))]
    return [prefix + "[", *_indent(inner), "]"]


def _inline(value: Any, ctx: _Ctx) -> str:
    if isinstance(value, str):
        expression = ctx.node_type is not None and is_expression_path(ctx.node_type, ctx.path)
        return f"`{value}`" if expression and can_backtick(value) else quote(value)
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, (int, float)):
        return format_number(value)
    if isinstance(value, (dict, list)) and ctx.depth > MAX_DEPTH:
        raise ValueError(f"values nested deeper than {MAX_DEPTH} brackets cannot be written")
    if isinstance(value, dict):
        keys = _ordered_keys(value, ctx.schema)
        return "{" + ", ".join(f"{_word(k, IDENT_RE)}: {_inline(value[k], ctx.child(k))}" for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(item, ctx.child(i)) for i, item in enumerate(value)) + "]"
    raise ValueError(f"{type(value).__name__} is not a JSON value")


def _ordered_keys(mapping: dict[Any, Any], schema: dict[str, Any]) -> list[str]:
    if not all(isinstance(k, str) for k in mapping):
        raise ValueError("object keys must be strings")
    declared = [k for k in schema.get("properties", {}) if k in mapping]
    return declared + sorted(k for k in mapping if k not in schema.get("properties", {}))


def _word(text: str, pattern: Any) -> str:
    """A name bare when the pattern allows it, else quoted."""
    return text if pattern.match(text) else quote(text)


def _text(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    if not isinstance(value, str):
        raise ValueError(f"{key!r} must be a string")
    return value


def _items(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"{key!r} must be a list")
    return value


def _only(obj: Any, allowed: tuple[str, ...], what: str) -> None:
    if not isinstance(obj, dict):
        raise ValueError(f"{what} must be an object")
    extra = [k for k in obj if k not in allowed]
    if extra:
        raise ValueError(f"{what} has fields the DSL cannot write: {extra}")


def _indent(lines: list[str]) -> list[str]:
    return [INDENT + line if line else line for line in lines]
