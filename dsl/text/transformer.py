"""Turn the DSL's rules into a flow document plus the line/column each path came from.

It runs inside the LALR parser (as each rule is reduced), so even very deep text never
recurses; only the final unwrap recurses, and the lexer has capped nesting by then.
Problems that do not stop the parse (unknown node type, duplicate key, bad escape) are
collected in the parse's ``ParseState`` so one run reports all of them.
"""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from lark import Token, Transformer

from dsl.catalog import all_node_types, get_by_keyword
from dsl.document import TOP_LEVEL_ORDER
from dsl.problems import Problem, format_path, problem
from dsl.suggest import did_you_mean, hint
from dsl.text.literals import parse_number, unquote

Positions = dict[str, tuple[int, int]]


@dataclass
class ParseState:
    """What one parse collects: problems, and the brackets still open (for depth and errors)."""

    problems: list[Problem] = field(default_factory=list)
    open_brackets: list[Token] = field(default_factory=list)

    def report(self, code: str, at: Any, **params: Any) -> None:
        self.problems.append(problem(code, line=at.line, column=at.column, **params))


STATE: ContextVar[ParseState] = ContextVar("dsl_text_parse_state")


@dataclass(slots=True)
class Loc:
    """A value with the position of its first character; maps and lists hold Locs."""

    value: Any
    line: int
    column: int


def _loc(token: Token, value: Any) -> Loc:
    return Loc(value, token.line, token.column)


def _put(target: dict[str, Loc], key: str, value: Loc, at: Any) -> None:
    """Add ``key`` unless it is already there (then report it at ``at``, keeping the first)."""
    if key in target:
        STATE.get().report("DSL_DUPLICATE", at, what=key, first_line=target[key].line)
    else:
        target[key] = value


class FlowTransformer(Transformer):
    """One method per grammar rule; each returns a Loc or a tagged statement."""

    def string(self, children: list[Token]) -> Loc:
        token = children[0]
        if token.type == "EXPR":
            return _loc(token, token.value[1:-1])
        text, bad = unquote(token.value[1:-1])
        if bad is not None:
            escape = token.value[1 + bad:1 + bad + 2]
            at = Loc(None, token.line, token.column + 1 + bad)
            STATE.get().report("DSL_BAD_ESCAPE", at, escape=escape)
        return _loc(token, text)

    def _name(self, children: list[Any]) -> Loc:
        item = children[0]
        if isinstance(item, Loc):
            return item
        if item.type == "STRING":
            return self.string([item])
        return _loc(item, item.value)

    flow_key = config_key = map_key = ref = from_ref = word = _name

    def value(self, children: list[Any]) -> Loc:
        item = children[0]
        if isinstance(item, Loc):
            return item
        if item.type == "NUMBER":
            number = parse_number(item.value)
            if number is None:
                STATE.get().report("DSL_BAD_NUMBER", item, text=item.value[:40])
            return _loc(item, number)
        return _loc(item, {"TRUE": True, "FALSE": False, "NULL": None}[item.type])

    def map(self, children: list[Any]) -> Loc:
        entries: dict[str, Loc] = {}
        for key, value in children[1:-1]:
            _put(entries, key.value, value, key)
        return _loc(children[0], entries)

    def map_entry(self, children: list[Any]) -> tuple[Loc, Loc]:
        return children[0], children[1]

    def list(self, children: list[Any]) -> Loc:
        return _loc(children[0], children[1:-1])

    # Statements: (field, value Loc, keyword token) so the flow can spot duplicates.
    def _statement(self, children: list[Any]) -> tuple[str, Loc, Token]:
        keyword, operand = children[0], children[1]
        return keyword.value, self._name([operand]), keyword

    format_stmt = description_stmt = kind_stmt = start_stmt = when_stmt = _statement
    note_stmt = ui_stmt = _statement

    def config_entry(self, children: list[Any]) -> tuple[str, Loc, Loc]:
        return "config", children[0], children[1]

    def node(self, children: list[Any]) -> tuple[str, Loc]:
        keyword, node_id, label, lbrace, *items = children[:-1]
        node_type = get_by_keyword(keyword.value)
        state = STATE.get()
        if node_type is None:
            known = [n.keyword for n in all_node_types()]
            state.report("DSL_UNKNOWN_NODE", keyword, word=keyword.value,
                         **hint(did_you_mean(keyword.value, known)))
        fields: dict[str, Loc] = {"id": node_id, "type": _loc(keyword, node_type.name if node_type else None)}
        if label is not None:
            fields["label"] = label
        config: dict[str, Loc] = {}
        for item in items:
            if item[0] == "config":
                _put(config, item[1].value, item[2], item[1])
            else:
                _put(fields, item[0], item[1], item[2])
        fields["config"] = _loc(lbrace, config)
        ordered = {k: fields[k] for k in ("id", "type", "label", "note", "config", "ui") if k in fields}
        return "node", _loc(keyword, ordered)

    def edge(self, children: list[Any]) -> tuple[str, Loc]:
        source, port, _arrow, target, label = children
        fields = {"from": source, "port": port, "to": target}
        if label is not None:
            fields["label"] = label
        return "edge", Loc(fields, source.line, source.column)

    def flow(self, children: list[Any]) -> tuple[dict[str, Any], Positions]:
        flow_token, key, name, _lbrace, *items = children[:-1]
        top: dict[str, Loc] = {"key": key}
        if name is not None:
            top["name"] = name
        trigger: dict[str, Loc] = {}
        nodes: list[Loc] = []
        edges: list[Loc] = []
        for tag, item, *keyword in items:
            if tag == "node":
                nodes.append(item)
            elif tag == "edge":
                edges.append(item)
            elif tag in ("start", "when"):
                _put(trigger, tag, item, keyword[0])
            else:
                _put(top, tag, item, keyword[0])
        if trigger:
            first = min(trigger.values(), key=lambda loc: (loc.line, loc.column))
            top["trigger"] = Loc(trigger, first.line, first.column)
        anchor = Loc(None, flow_token.line, flow_token.column)
        top["nodes"] = Loc(nodes, *_first_pos(nodes, anchor))
        top["edges"] = Loc(edges, *_first_pos(edges, anchor))
        ordered = {k: top[k] for k in TOP_LEVEL_ORDER if k in top}
        positions: Positions = {"": (flow_token.line, flow_token.column)}
        doc = {k: unwrap(v, [k], positions) for k, v in ordered.items()}
        return doc, positions

    def start(self, children: list[Any]) -> tuple[dict[str, Any], Positions]:
        for extra in children[1:]:
            line, column = extra[1][""]
            STATE.get().report("DSL_MULTIPLE_FLOWS", Loc(None, line, column))
        return children[0]


def _first_pos(items: list[Loc], default: Loc) -> tuple[int, int]:
    first = items[0] if items else default
    return first.line, first.column


def unwrap(loc: Loc, path: list[str | int], positions: Positions) -> Any:
    """Plain JSON values from Locs, recording each path's position on the way."""
    positions[format_path(path)] = (loc.line, loc.column)
    value = loc.value
    if isinstance(value, dict):
        return {k: unwrap(v, path + [k], positions) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v, path + [i], positions) for i, v in enumerate(value)]
    return value
