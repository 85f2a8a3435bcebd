"""Hypothesis strategies for flow documents, driven by each node type's config schema.

Written here rather than with hypothesis-jsonschema, whose object strategy no longer works
with the installed hypothesis (``'many' object has no attribute 'more'``). Generated
documents are filtered through the real flow JSON Schema, so every one of them is valid.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

from hypothesis import assume
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from dsl.catalog import get_node_type
from dsl.document import FLOW_KEY_PATTERN, FORMAT, KINDS, NODE_ID_PATTERN, flow_schema

# Characters that stress the string syntax: quotes, escapes, brackets, comments, controls,
# bidi overrides, zero-width joiners, astral characters and Chinese.
NASTY = st.sampled_from(list('"\\\n\r\t`#{}[]:,. -_/') + [
    "\x00", "\x1f", "\x7f", "\x85", "\u202e", "\u200d", "\u2028", "\ufeff", "😀", "中", "文", "a", "Z", "9"])

def text(min_size: int = 0, max_size: int = 12) -> st.SearchStrategy[str]:
    return st.one_of(st.text(min_size=min_size, max_size=max_size),
                     st.text(NASTY, min_size=min_size, max_size=max_size))


NUMBER = st.one_of(st.integers(-10**30, 10**30), st.floats(allow_nan=False, allow_infinity=False),
                   st.sampled_from([0, 1, -1, 0.0, -0.0, 1.0, 1e-07, 1e16, 2.5e-300, 123456789.125]))


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values shaped by a (config) schema; conditional rules are left to the validity filter."""
    if "const" in schema:
        return st.just(schema["const"])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kinds = schema.get("type", ["string", "number", "boolean", "null"])
    if isinstance(kinds, list):
        return st.one_of(*[from_schema({**schema, "type": kind}) for kind in kinds])
    if kinds == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"], fullmatch=True).filter(lambda s: len(s) <= 60)
        return text(schema.get("minLength", 0), min(schema.get("maxLength", 12), 12))
    if kinds == "integer":
        return st.integers(schema.get("minimum", -10**20), schema.get("maximum", 10**20))
    if kinds == "number":
        low, high = schema.get("minimum"), schema.get("maximum")
        return st.one_of(st.integers(int(math.ceil(low)) if low is not None else -10**9,
                                     int(high) if high is not None else 10**9),
                         st.floats(low, high, allow_nan=False, allow_infinity=False))
    if kinds == "boolean":
        return st.booleans()
    if kinds == "null":
        return st.none()
    if kinds == "array":
        return st.lists(from_schema(schema.get("items", {})), min_size=schema.get("minItems", 0),
                        max_size=min(schema.get("maxItems", 3), 3))
    return _object(schema)


def _object(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    required = set(schema.get("required", []))
    properties = schema.get("properties", {})
    fields = {name: (from_schema(sub), name in required) for name, sub in properties.items()}
    extra = schema.get("additionalProperties")

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, (strategy, needed) in fields.items():
            if needed or draw(st.booleans()):
                out[name] = draw(strategy)
        if isinstance(extra, dict):
            pattern = schema.get("propertyNames", {}).get("pattern", r"^[a-z]{1,8}$")
            names = st.from_regex(pattern, fullmatch=True).filter(lambda s: len(s) <= 30)
            out.update(draw(st.dictionaries(names, from_schema(extra), max_size=3)))
        return out

    return build()


UI = st.fixed_dictionaries({}, optional={"x": NUMBER, "y": NUMBER, "width": st.integers(0, 5000),
                                         "height": st.floats(0, 1e6), "collapsed": st.booleans()})


@st.composite
def node(draw: st.DrawFn, type_name: str, node_id: str) -> dict[str, Any]:
    node_type = get_node_type(type_name)
    out: dict[str, Any] = {"id": node_id, "type": type_name}
    if draw(st.booleans()):
        out["label"] = draw(text())
    if draw(st.booleans()):
        out["note"] = draw(text())
    out["config"] = draw(from_schema(node_type.config_schema))
    if draw(st.booleans()):
        out["ui"] = draw(UI)
    return out


NODE_ID = st.from_regex(NODE_ID_PATTERN, fullmatch=True).filter(lambda s: len(s) <= 20) | st.sampled_from(
    ["kind", "start", "when", "note", "ui", "flow", "format", "description", "true", "null", "end"])
EXPRESSION = text(1, 30)


@st.composite
def document(draw: st.DrawFn, type_names: list[str]) -> dict[str, Any]:
    """A schema-valid flow document whose nodes are of the types named in ``type_names``."""
    ids = draw(st.lists(NODE_ID, unique=True, max_size=4))
    doc: dict[str, Any] = {"format": FORMAT, "key": draw(st.from_regex(FLOW_KEY_PATTERN, fullmatch=True)),
                           "name": draw(text(1))}
    if draw(st.booleans()):
        doc["description"] = draw(text())
    doc["kind"] = draw(st.sampled_from(KINDS))
    doc["trigger"] = {"start": draw(NODE_ID)}
    if draw(st.booleans()):
        doc["trigger"]["when"] = draw(EXPRESSION)
    doc["nodes"] = [draw(node(draw(st.sampled_from(type_names)), node_id)) for node_id in ids]
    port = st.from_regex(r"^[a-z][a-z0-9_]{0,10}$", fullmatch=True)
    edge = st.fixed_dictionaries({"from": NODE_ID, "port": port, "to": NODE_ID}, optional={"label": text()})
    doc["edges"] = draw(st.lists(edge, max_size=3))
    assume(is_valid(doc))
    return doc


@cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(flow_schema())


def is_valid(doc: dict[str, Any]) -> bool:
    return _validator().is_valid(doc)


def same(a: Any, b: Any) -> bool:
    """Equal and of the same JSON types all the way down (1 is not 1.0, -0.0 is not 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return repr(a) == repr(b)
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b
