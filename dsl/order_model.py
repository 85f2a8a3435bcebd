"""The order model: what flows may read (``order``, ``customer``, ``context``, …), as a JSON Schema file.

``order_model.schema.json`` (draft 2020-12) is the one description; the expression checker,
autocomplete and the API all read it through this module. To add a field, add it to the
schema with a ``description`` (zh); nothing else needs to change.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).with_name("order_model.schema.json")


@cache
def schema() -> dict[str, Any]:
    """The order model JSON Schema, loaded once."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def roots() -> dict[str, dict[str, Any]]:
    """The root names an expression may read (``order``, ``customer``, …) with their schemas."""
    return schema()["properties"]


def definitions() -> dict[str, dict[str, Any]]:
    """The named types (``$defs``), e.g. ``candidate`` for route filter and factor expressions."""
    return schema()["$defs"]


def resolve(node: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """Follow a local ``$ref``: the definition's name ("" if none) and its schema."""
    ref = node.get("$ref")
    if not ref:
        return "", node
    name = ref.rsplit("/", 1)[-1]
    return name, definitions()[name]


def order_model_schema() -> dict[str, Any]:
    """The order model schema as served by the API (``GET /api/schemas/order-model``)."""
    return schema()
