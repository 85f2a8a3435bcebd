"""Read a flow from bytes or text, as JSON or DSL, into a document plus where its parts came from."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from dsl.problems import Problem, problem

MAX_SOURCE_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 64


@dataclass
class Loaded:
    """A parsed source: the document (None when unreadable), problems, and DSL positions by path."""

    document: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)
    positions: dict[str, tuple[int, int]] = field(default_factory=dict)
    syntax: str = "json"


def load_source(source: str | bytes, syntax: str | None = None) -> Loaded:
    """Decode, detect JSON vs DSL, and parse; every failure becomes a located problem."""
    if isinstance(source, bytes):
        if len(source) > MAX_SOURCE_BYTES:
            return Loaded(None, [problem("DOC_TOO_LARGE", size=len(source), limit=MAX_SOURCE_BYTES)])
        try:
            source = source.decode("utf-8")
        except UnicodeDecodeError as exc:
            line, column = _line_col_of_byte(source, exc.start)
            return Loaded(None, [problem("DOC_ENCODING", offset=exc.start, line=line, column=column)])
    if len(source.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        return Loaded(None, [problem("DOC_TOO_LARGE", size=len(source), limit=MAX_SOURCE_BYTES)])
    syntax = syntax or detect_syntax(source)
    if syntax == "json":
        return _load_json(source)
    return _load_dsl(source)


def detect_syntax(text: str) -> str:
    """JSON when the first non-blank character opens an object, else DSL."""
    stripped = text.lstrip("\ufeff \t\r\n")
    return "json" if stripped.startswith("{") else "dsl"


def _load_json(text: str) -> Loaded:
    depth_problem = _json_depth_problem(text)
    if depth_problem:
        return Loaded(None, [depth_problem], syntax="json")
    try:
        doc = json.loads(text.lstrip("\ufeff"), parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return Loaded(None, [problem("DOC_JSON_SYNTAX", detail=exc.msg, line=exc.lineno, column=exc.colno)],
                      syntax="json")
    except ValueError as exc:
        return Loaded(None, [problem("DOC_JSON_SYNTAX", detail=str(exc), line=1, column=1)], syntax="json")
    if not isinstance(doc, dict):
        return Loaded(None, [problem("DOC_NOT_OBJECT", line=1, column=1)], syntax="json")
    return Loaded(doc, syntax="json")


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in a flow document")


def _json_depth_problem(text: str) -> Problem | None:
    """Refuse deeply nested JSON before parsing it (the parser would recurse)."""
    depth, in_string, escaped, line, column = 0, False, False, 1, 0
    for ch in text:
        column += 1
        if ch == "\n":
            line, column = line + 1, 0
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return problem("DOC_TOO_DEEP", limit=MAX_JSON_DEPTH, line=line, column=column)
        elif ch in "]}":
            depth -= 1
    return None


def _load_dsl(text: str) -> Loaded:
    from dsl.text import FlowSyntaxError, parse_flow_with_positions

    try:
        doc, positions = parse_flow_with_positions(text)
    except FlowSyntaxError as exc:
        return Loaded(None, list(exc.problems), syntax="dsl")
    return Loaded(doc, positions=positions, syntax="dsl")


def _line_col_of_byte(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column
