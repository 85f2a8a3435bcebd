"""Static types of the expression language, read from the order model, and the Scope of readable names."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from dsl import order_model


@dataclass(frozen=True, eq=False)
class Type:
    """A value's static type; ``item`` for lists and maps, ``fields`` for objects."""

    kind: str  # boolean number string datetime duration null any list object map
    item: Type | None = None
    fields: dict[str, Type] = field(default_factory=dict)
    name: str = ""
    enum: tuple[Any, ...] = ()
    description: str = ""
    label: str = ""  # the schema's word when it says more than kind: integer, money

    def __repr__(self) -> str:
        return display(self)


BOOLEAN, NUMBER, STRING = Type("boolean"), Type("number"), Type("string")
DATETIME, DURATION, NULL, ANY = Type("datetime"), Type("duration"), Type("null"), Type("any")
PRIMITIVES = {t.kind: t for t in (BOOLEAN, NUMBER, STRING, DATETIME, DURATION, NULL, ANY)}
SCALARS = {"boolean", "number", "string", "datetime", "duration"}


def list_of(item: Type) -> Type:
    """The type of a list of ``item``."""
    return Type("list", item=item)


def display(t: Type) -> str:
    """A short developer name: ``integer``, ``list<number>``, ``object``."""
    if t.kind in ("list", "map"):
        return f"{t.kind}<{display(t.item or ANY)}>"
    return t.label or t.kind


_WORDS = {"boolean": ("条件（是/否）", "a true/false condition"), "number": ("数字", "a number"),
          "string": ("文本", "text"), "datetime": ("时间", "a date-time"), "duration": ("时长", "a duration"),
          "null": ("空值 null", "null"), "any": ("任意值", "any value"), "object": ("对象", "an object"),
          "map": ("映射", "a map")}
_PLURALS = {"boolean": "true/false values", "number": "numbers", "string": "texts", "datetime": "date-times",
            "duration": "durations", "object": "objects", "list": "lists", "map": "maps"}


def words(t: Type) -> tuple[str, str]:
    """How a type reads in a message, in zh and en: ``("数字列表", "a list of a number")``."""
    if t.kind == "list":
        item = (t.item or ANY).kind
        return f"{_WORDS[item][0]}列表", f"a list of {_PLURALS.get(item, 'values')}"
    return _WORDS[t.kind]


def from_schema(node: dict[str, Any], cache: dict[str, Type]) -> Type:
    """The Type of a JSON Schema node of the order model (``$ref``, object, map, array, scalars)."""
    name, target = order_model.resolve(node)
    description = node.get("description") or target.get("description", "")
    if name and name in cache:
        return replace(cache[name], description=description)
    kinds = target.get("type", "any")
    kind = next((k for k in kinds if k != "null"), "any") if isinstance(kinds, list) else kinds
    enum = tuple(v for v in target.get("enum", ()) if v is not None)
    if kind == "string" and target.get("format") == "date-time":
        return Type("datetime", description=description)
    if kind in ("number", "integer"):
        label = "money" if target.get("x-orderloom-kind") == "money" else kind
        return Type("number", description=description, label=label)
    if kind in ("string", "boolean"):
        return Type(kind, enum=enum, description=description)
    if kind == "array":
        return Type("list", item=from_schema(target.get("items", {}), cache), description=description)
    values = target.get("additionalProperties")
    if kind == "object" and "properties" not in target and isinstance(values, dict):
        return Type("map", item=from_schema(values, cache), description=description)
    if kind == "object":
        obj = Type("object", name=name, description=description)
        if name:
            cache[name] = obj  # registered before its fields so a recursive $ref resolves
        obj.fields.update({key: from_schema(sub, cache) for key, sub in target.get("properties", {}).items()})
        return obj
    return Type("any", description=description)


class Scope:
    """The names an expression may read, with their types."""

    _order_model: Scope | None = None

    def __init__(self, roots: dict[str, Type]):
        self.roots = dict(roots)

    @classmethod
    def order_model(cls) -> Scope:
        """The order model's roots: order, customer, return_request, context, vars."""
        if cls._order_model is None:
            cache: dict[str, Type] = {}
            cls._order_model = cls({k: from_schema(v, cache) for k, v in order_model.roots().items()})
        return cls._order_model

    def with_bindings(self, **types: str | Type) -> Scope:
        """A scope with extra names, each a ``$defs`` name of the order model, a primitive kind or a Type."""
        extra = {name: resolve_type(spec) for name, spec in types.items()}
        return Scope({**self.roots, **extra})


def resolve_type(spec: str | Type) -> Type:
    """A Type from a ``$defs`` name (``candidate``), a kind (``number``, ``any``) or a Type itself."""
    if isinstance(spec, Type):
        return spec
    if spec in PRIMITIVES:
        return PRIMITIVES[spec]
    if spec in order_model.definitions():
        return from_schema({"$ref": f"#/$defs/{spec}"}, {})
    raise KeyError(f"unknown type {spec!r}: not a primitive kind nor an order model $defs name")


def field_paths(scope: Scope, max_depth: int = 6) -> list[dict[str, Any]]:
    """Every readable path with its type and description, for autocomplete (maps appear as ``[*]``)."""
    out: list[dict[str, Any]] = []

    def walk(path: str, t: Type, through_list: bool, depth: int) -> None:
        shown = list_of(t) if through_list and t.kind != "list" else t
        entry: dict[str, Any] = {"path": path, "type": display(shown), "description": t.description}
        if t.enum:
            entry["enum"] = list(t.enum)
        out.append(entry)
        if depth >= max_depth:
            return
        inner, listy = (t.item or ANY, True) if t.kind == "list" else (t, through_list)
        if inner.kind == "object":
            for key, sub in inner.fields.items():
                walk(f"{path}.{key}", sub, listy, depth + 1)
        elif inner.kind == "map":
            walk(f"{path}[*]", replace(inner.item or ANY, description=inner.description), listy, depth + 1)

    for root, t in scope.roots.items():
        walk(root, t, False, 0)
    return out
