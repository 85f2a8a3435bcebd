"""Published contracts: JSON Schema (draft 2020-12) files of what the runtime shows the other parts.

- ``step`` (``step.schema.json``): a step — node, port, times, actor, explanation per node type;
- ``live-events`` (``live-events.schema.json``): Socket.IO client events, rooms, the ``batch`` payload
  and each event's data;
- ``stream-record`` (``stream-record.schema.json``): an entry of the Redis stream ``orderloom:events``
  (fields, retention).

``load(name)`` returns a fresh copy of a schema (``"step"`` or ``"step.schema.json"``); the designer's
OpenAPI document references them by their ``$id``. See ``docs/contracts.md``.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NAMES = ("step", "live-events", "stream-record")


def path_of(name: str) -> Path:
    """The file of contract ``name`` (with or without ``.schema.json``)."""
    base = name.removesuffix(".json").removesuffix(".schema")
    if base not in NAMES:
        raise KeyError(f"no published contract {name!r}; known: {', '.join(NAMES)}")
    return HERE / f"{base}.schema.json"


@cache
def _read(name: str) -> dict[str, Any]:
    return json.loads(path_of(name).read_text(encoding="utf-8"))


def load(name: str) -> dict[str, Any]:
    """The JSON Schema of contract ``name`` as a dict (a copy the caller may change)."""
    return copy.deepcopy(_read(name.removesuffix(".json").removesuffix(".schema")))


def all_contracts() -> dict[str, dict[str, Any]]:
    """Every contract by name."""
    return {name: load(name) for name in NAMES}


def validator(name: str, definition: str | None = None) -> Any:
    """A ``jsonschema`` draft 2020-12 validator of contract ``name`` (date-time formats checked).

    ``definition``: validate against ``$defs/<definition>`` of the contract instead of its root
    (e.g. ``validator("live-events", "published")``).
    """
    import jsonschema
    from referencing import Registry, Resource

    registry = Registry().with_resources(
        (_read(n)["$id"], Resource.from_contents(_read(n))) for n in NAMES)  # $refs between the contracts
    root = _read(name.removesuffix(".json").removesuffix(".schema"))
    schema = root if definition is None else {"$ref": f"{root['$id']}#/$defs/{definition}"}
    return jsonschema.Draft202012Validator(schema, registry=registry, format_checker=format_checker())


def format_checker() -> Any:
    """A format checker that checks ``date-time`` with the standard library (ISO 8601 with an offset)."""
    from datetime import datetime

    import jsonschema

    checker = jsonschema.FormatChecker(formats=())

    @checker.checks("date-time", raises=ValueError)
    def _date_time(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            raise ValueError("a date-time needs an offset")
        return "T" in value

    return checker
