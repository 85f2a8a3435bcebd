"""Small builders for node config schemas, so each node file reads like a form description.

Custom keywords the UI and the checker read:
- ``x-expression``: the field holds an expression; the value is the expected result type.
- ``x-bindings``: extra names the expression may read (e.g. ``candidate`` in route factors).
- ``x-unary-test``: a decision-table cell (``< 5000``, ``contains "尺码"``, ``-``).
- ``x-ui``: widget hint (duration, group, connection, flow, slider, textarea, sku, tags).
- ``x-title-zh``: the Chinese label; ``title`` is the English one.
"""

from __future__ import annotations

from typing import Any

DURATION_PATTERN = r"^[1-9][0-9]{0,5}(s|m|h|d|w)$"
IDENT_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
GROUP_PATTERN = r"^[a-z][a-z0-9_-]{0,62}$"


def labelled(schema: dict[str, Any], zh: str, en: str, **extra: Any) -> dict[str, Any]:
    return {**schema, "title": en, "x-title-zh": zh, **extra}


def text(zh: str, en: str, *, max_length: int = 200, min_length: int = 0, **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "maxLength": max_length}
    if min_length:
        schema["minLength"] = min_length
    return labelled(schema, zh, en, **extra)


def ident(zh: str, en: str, **extra: Any) -> dict[str, Any]:
    """A machine name: lower-case letters, digits and underscores."""
    return labelled({"type": "string", "pattern": IDENT_PATTERN}, zh, en, **extra)


def group(zh: str, en: str) -> dict[str, Any]:
    """A business group name such as ``finance-manager`` (picked from the groups list)."""
    return labelled({"type": "string", "pattern": GROUP_PATTERN, "x-ui": "group"}, zh, en)


def expr(result_type: str, zh: str, en: str, *, bindings: dict[str, str] | None = None,
         **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": 4000, "x-expression": result_type}
    if bindings:
        schema["x-bindings"] = bindings
    return labelled(schema, zh, en, **extra)


def unary_test(zh: str, en: str) -> dict[str, Any]:
    return labelled({"type": "string", "minLength": 1, "maxLength": 1000, "x-unary-test": True}, zh, en)


def duration(zh: str, en: str, **extra: Any) -> dict[str, Any]:
    return labelled({"type": "string", "pattern": DURATION_PATTERN, "x-ui": "duration"}, zh, en, **extra)


def number(zh: str, en: str, *, minimum: float | None = None, maximum: float | None = None,
           **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "number"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return labelled(schema, zh, en, **extra)


def integer(zh: str, en: str, *, minimum: int | None = None, maximum: int | None = None,
            **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer"}
    if minimum is not None:
        schema["minimum"] = minimum
    if maximum is not None:
        schema["maximum"] = maximum
    return labelled(schema, zh, en, **extra)


def boolean(zh: str, en: str, **extra: Any) -> dict[str, Any]:
    return labelled({"type": "boolean"}, zh, en, **extra)


def choice(values: list[str], zh: str, en: str, *, labels: dict[str, tuple[str, str]] | None = None,
           **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "enum": values}
    if labels:
        schema["x-enum-labels"] = {v: {"zh": z, "en": e} for v, (z, e) in labels.items()}
    return labelled(schema, zh, en, **extra)


def list_of(items: dict[str, Any], zh: str, en: str, *, min_items: int = 0, max_items: int = 200,
            **extra: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "array", "items": items, "maxItems": max_items}
    if min_items:
        schema["minItems"] = min_items
    return labelled(schema, zh, en, **extra)


def obj(properties: dict[str, Any], required: list[str] | tuple[str, ...] = (), *,
        zh: str = "", en: str = "", **extra: Any) -> dict[str, Any]:
    """A closed object: unknown fields are an error, so typos are caught."""
    schema: dict[str, Any] = {"type": "object", "properties": properties, "additionalProperties": False}
    if required:
        schema["required"] = list(required)
    if zh or en:
        schema = labelled(schema, zh, en)
    return {**schema, **extra}


def config_schema(properties: dict[str, Any], required: list[str] | tuple[str, ...] = (),
                  **extra: Any) -> dict[str, Any]:
    """The root schema of a node's config (draft 2020-12, closed)."""
    return obj(properties, required, **extra)
