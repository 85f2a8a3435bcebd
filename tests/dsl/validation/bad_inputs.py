"""Hand-written bad inputs, each with the catalogue code and the exact place it must be reported.

Shared by the validation tests and by ``bench/validation.py`` (which times each one against
the 1 s budget), so the list lives in one place.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from typing import Any, Callable

BASE: dict[str, Any] = {
    "format": "orderloom.flow/1", "key": "high-value-approval", "name": "高金额订单审批",
    "description": "金额超过 5000 的订单需财务复核", "kind": "approval",
    "trigger": {"start": "finance", "when": "order.total > 5000"},
    "nodes": [
        {"id": "finance", "type": "approval", "label": "财务复核",
         "config": {"assignee_group": "finance", "sla": "4h",
                    "on_sla_breach": {"action": "escalate", "escalate_to": "finance-manager"}},
         "ui": {"x": 240, "y": 80}},
        {"id": "check", "type": "condition", "label": "VIP?", "config": {"when": 'customer.tier == "VIP"'}},
        {"id": "cancel", "type": "order_action", "config": {"action": "cancel", "reason": "驳回"}},
        {"id": "done", "type": "end", "config": {"outcome": "approved"}},
        {"id": "rejected", "type": "end", "config": {"outcome": "rejected"}},
    ],
    "edges": [
        {"from": "finance", "port": "approved", "to": "check"},
        {"from": "finance", "port": "rejected", "to": "cancel"},
        {"from": "check", "port": "yes", "to": "done"},
        {"from": "check", "port": "no", "to": "done"},
        {"from": "cancel", "port": "next", "to": "rejected"},
    ],
}


@dataclass(frozen=True)
class BadInput:
    """One bad input and where its problem must be reported (path, or line and column)."""

    name: str
    source: str | bytes
    code: str
    path: str | None = None
    line: int | None = None
    column: int | None = None
    expr_line: int | None = None
    expr_column: int | None = None
    syntax: str | None = None


def mutated(change: Callable[[dict[str, Any]], Any]) -> str:
    """The base document as JSON text after ``change`` edited a deep copy of it."""
    doc = copy.deepcopy(BASE)
    change(doc)
    return json.dumps(doc, ensure_ascii=False)


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        target = doc
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    return change


def _expr(text: str) -> Callable[[dict[str, Any]], None]:
    return _set(["nodes", 1, "config", "when"], text)


def _deep_json(depth: int) -> str:
    return '{"format": "orderloom.flow/1", "x": ' + "[" * depth + "]" * depth + "}"


DOCUMENT_CASES = [
    BadInput("not json at all", "{nodes: [}", "DOC_JSON_SYNTAX", line=1, column=2, syntax="json"),
    BadInput("a list, not an object", "[1, 2]", "DOC_NOT_OBJECT", syntax="json", line=1, column=1),
    BadInput("invalid utf-8", b'{"name": "\xe9\x98"}', "DOC_ENCODING", line=1, column=11),
    BadInput("10,000-deep JSON nesting", _deep_json(10_000), "DOC_TOO_DEEP", line=1, column=100),
    BadInput("NaN is not JSON", '{"format": NaN}', "DOC_JSON_SYNTAX", syntax="json"),
    BadInput("missing kind", mutated(lambda d: d.pop("kind")), "DOC_REQUIRED", path="kind"),
    BadInput("wrong format version", mutated(_set(["format"], "orderloom.flow/9")), "DOC_FORMAT", path="format"),
    BadInput("unknown kind", mutated(_set(["kind"], "shipping")), "DOC_ENUM", path="kind"),
    BadInput("unknown top-level field", mutated(_set(["descripton"], "x")), "DOC_UNKNOWN_FIELD",
             path="descripton"),
    BadInput("bad flow key", mutated(_set(["key"], "High Value!")), "DOC_PATTERN", path="key"),
    BadInput("nodes is not a list", mutated(_set(["nodes"], {"a": 1})), "DOC_TYPE", path="nodes"),
    BadInput("a 1 MB label", mutated(_set(["nodes", 0, "label"], "x" * 1_000_000)), "DOC_TOO_LONG",
             path="nodes[0].label"),
    BadInput("empty name", mutated(_set(["name"], "")), "DOC_EMPTY", path="name"),
    BadInput("unknown node type", mutated(_set(["nodes", 1, "type"], "conditon")), "NODE_UNKNOWN_TYPE",
             path="nodes[1].type"),
    BadInput("duplicate node id", mutated(_set(["nodes", 2, "id"], "check")), "NODE_DUPLICATE_ID",
             path="nodes[2].id"),
    BadInput("unknown config field", mutated(_set(["nodes", 0, "config", "asignee"], "x")), "DOC_UNKNOWN_FIELD",
             path="nodes[0].config.asignee"),
    BadInput("missing required config", mutated(lambda d: d["nodes"][0]["config"].pop("assignee_group")),
             "DOC_REQUIRED", path="nodes[0].config.assignee_group"),
    BadInput("bad SLA duration", mutated(_set(["nodes", 0, "config", "sla"], "4 hours")), "DOC_DURATION",
             path="nodes[0].config.sla"),
    BadInput("escalation without a group", mutated(_set(["nodes", 0, "config", "on_sla_breach"],
                                                         {"action": "escalate"})),
             "DOC_REQUIRED", path="nodes[0].config.on_sla_breach.escalate_to"),
    BadInput("config value of the wrong type", mutated(_set(["nodes", 0, "config", "form"], "comment")),
             "DOC_TYPE", path="nodes[0].config.form"),
    BadInput("decision-table row missing a value", mutated(lambda d: d["nodes"].insert(5, {
        "id": "table", "type": "decision_table", "config": {
            "hit_policy": "first", "inputs": [{"name": "r", "expr": "return_request.reason_text"}],
            "outputs": [{"name": "c", "type": "string"}, {"name": "d", "type": "number"}],
            "rules": [{"when": ['contains "码"'], "then": ["size"]}]}})),
             "TABLE_ROW_SHAPE", path="nodes[5].config.rules[0].then"),
    BadInput("timer with both duration and until",
             mutated(lambda d: d["nodes"].insert(5, {"id": "t", "type": "timer",
                                                     "config": {"duration": "1h", "until": "now()"}})),
             "DOC_ONE_OF", path="nodes[5].config"),
]

GRAPH_CASES = [
    BadInput("trigger starts nowhere", mutated(_set(["trigger", "start"], "financ")), "GRAPH_START_UNKNOWN",
             path="trigger.start"),
    BadInput("edge to an unknown node", mutated(_set(["edges", 0, "to"], "chek")), "GRAPH_EDGE_UNKNOWN_NODE",
             path="edges[0].to"),
    BadInput("edge from an undeclared port", mutated(_set(["edges", 0, "port"], "approve")),
             "GRAPH_EDGE_UNKNOWN_PORT", path="edges[0].port"),
    BadInput("edge out of an end node", mutated(lambda d: d["edges"].append(
        {"from": "done", "port": "next", "to": "check"})), "GRAPH_EDGE_UNKNOWN_PORT", path="edges[5].port"),
    BadInput("port connected twice", mutated(lambda d: d["edges"].append(
        {"from": "check", "port": "yes", "to": "rejected"})), "GRAPH_PORT_TWICE", path="edges[5]"),
    BadInput("required port left open", mutated(lambda d: d["edges"].pop(3)), "GRAPH_PORT_UNCONNECTED",
             path="nodes[1]"),
    BadInput("unreachable node", mutated(lambda d: d["nodes"].append(
        {"id": "orphan", "type": "end", "config": {"outcome": "x"}})), "GRAPH_UNREACHABLE", path="nodes[5]"),
    BadInput("loop without a wait", mutated(lambda d: d["edges"].__setitem__(
        3, {"from": "check", "port": "no", "to": "check"})), "GRAPH_CYCLE_WITHOUT_WAIT", path="nodes[1]"),
    BadInput("no end node", json.dumps({**BASE, "nodes": [BASE["nodes"][1]], "trigger": {"start": "check"},
                                        "edges": []}), "GRAPH_NO_END_NODE", path="nodes"),
    BadInput("sub-flow calls itself", mutated(lambda d: d["nodes"].__setitem__(1, {
        "id": "check", "type": "subflow", "config": {"flow": "high-value-approval", "binding": "active",
                                                      "outcomes": ["yes", "no"]}})),
             "SUBFLOW_SELF", path="nodes[1].config.flow"),
]

WHEN = "nodes[1].config.when"

EXPRESSION_CASES = [
    BadInput("python dunder attribute", mutated(_expr("order.__class__")), "EXPR_FORBIDDEN_NAME", path=WHEN,
             expr_line=1, expr_column=7),
    BadInput("python import", mutated(_expr('__import__("os")')), "EXPR_FORBIDDEN_NAME", path=WHEN,
             expr_line=1, expr_column=1),
    BadInput("tuple class escape", mutated(_expr("().__class__")), "EXPR_UNEXPECTED", path=WHEN,
             expr_line=1, expr_column=2),
    BadInput("lambda", mutated(_expr("lambda x: x")), "EXPR_FORBIDDEN_NAME", path=WHEN, expr_line=1, expr_column=1),
    BadInput("getattr trick", mutated(_expr('getattr(order, "__dict__")')), "EXPR_FORBIDDEN_NAME", path=WHEN,
             expr_line=1, expr_column=1),
    BadInput("power tower", mutated(_expr("10**10**10 > 1")), "EXPR_UNEXPECTED", path=WHEN,
             expr_line=1, expr_column=4),
    BadInput("misspelt field", mutated(_expr("order.totl > 5000")), "EXPR_UNKNOWN_FIELD", path=WHEN,
             expr_line=1, expr_column=7),
    BadInput("text compared with a number", mutated(_expr('order.total > "abc"')), "EXPR_NOT_COMPARABLE",
             path=WHEN, expr_line=1, expr_column=13),
    BadInput("condition that is not a yes/no", mutated(_expr("order.total + 1")), "EXPR_EXPECTED_TYPE",
             path=WHEN, expr_line=1, expr_column=1),
    BadInput("unknown function", mutated(_expr("summ(order.lines.qty) > 3")), "EXPR_UNKNOWN_FUNCTION",
             path=WHEN, expr_line=1, expr_column=1),
    BadInput("expression ends too early", mutated(_set(["trigger", "when"], "order.total >")),
             "EXPR_UNEXPECTED_END", path="trigger.when", expr_line=1, expr_column=14),
    BadInput("100-deep expression nesting", mutated(_expr("(" * 100 + "1" + ")" * 100)), "EXPR_TOO_DEEP",
             path=WHEN, expr_line=1, expr_column=65),
    BadInput("10,000-deep expression nesting", mutated(_expr("(" * 10_000 + "1" + ")" * 10_000)),
             "DOC_TOO_LONG", path=WHEN),
    BadInput("multi-line expression error", mutated(_expr("order.total > 5000\n  and customer.teir == 1")),
             "EXPR_UNKNOWN_FIELD", path=WHEN, expr_line=2, expr_column=16),
    BadInput("bad route factor", mutated(lambda d: d["nodes"].insert(5, {
        "id": "pick", "type": "route", "config": {"target": "warehouse", "factors": [
            {"name": "cost", "value": "candidate.cots", "weight": 0.5, "better": "lower"}]}})),
             "EXPR_UNKNOWN_FIELD", path="nodes[5].config.factors[0].value", expr_line=1, expr_column=11),
    BadInput("bad decision-table cell", mutated(lambda d: d["nodes"].insert(5, {
        "id": "table", "type": "decision_table", "config": {
            "hit_policy": "first", "inputs": [{"name": "r", "expr": "return_request.reason_text"}],
            "outputs": [{"name": "c", "type": "string"}], "rules": [{"when": ["contains ("], "then": ["x"]}]}})),
             "EXPR_UNEXPECTED_END", path="nodes[5].config.rules[0].when[0]"),
]



def dsl_text(old: str = "", new: str = "") -> str:
    """The base document as canonical DSL text, with ``old`` replaced by ``new`` once."""
    from dsl.text import print_flow

    text = print_flow(BASE)
    assert not old or text.count(old) == 1, f"{old!r} must occur once in the base text"
    return text.replace(old, new, 1)


def position(text: str, marker: str, offset: int = 0) -> dict[str, int]:
    """Line and column (1-based) of ``marker`` in ``text``, plus ``offset`` characters."""
    at = text.index(marker) + offset
    line = text.count("\n", 0, at) + 1
    return {"line": line, "column": at - (text.rfind("\n", 0, at) + 1) + 1}


def dsl_case(name: str, old: str, new: str, code: str, marker: str, offset: int = 0,
             path: str | None = None) -> BadInput:
    """A DSL edit whose problem must be reported at ``marker`` (+ offset) in the edited text."""
    text = dsl_text(old, new)
    return BadInput(name, text, code, path=path, syntax="dsl", **position(text, marker, offset))


DSL_CASES = [
    dsl_case("DSL: unknown config field", 'sla: "4h"', 'sla: "4h"\n    slaa: "5h"', "DOC_UNKNOWN_FIELD",
             'slaa: "5h"', 6, path="nodes[0].config.slaa"),
    dsl_case("DSL: bad duration", 'sla: "4h"', 'sla: "4 hours"', "DOC_DURATION", '"4 hours"',
             path="nodes[0].config.sla"),
    dsl_case("DSL: misspelt field inside an expression", "`order.total > 5000`", "`order.totl > 5000`",
             "EXPR_UNKNOWN_FIELD", "`order.totl", 7, path="trigger.when"),
    dsl_case("DSL: edge to an unknown node", "check.yes -> done", "check.yes -> dne",
             "GRAPH_EDGE_UNKNOWN_NODE", "dne\n", path="edges[2].to"),
    dsl_case("DSL: undeclared port", "check.no -> done", "check.maybe -> done", "GRAPH_EDGE_UNKNOWN_PORT",
             "check.maybe", 6, path="edges[3].port"),
    dsl_case("DSL: unknown node keyword", "condition check", "conditon check", "DSL_UNKNOWN_NODE", "conditon"),
    dsl_case("DSL: unterminated string", '"驳回"', '"驳回', "DSL_UNTERMINATED_STRING", '"驳回'),
    dsl_case("DSL: missing closing brace", "cancel.next -> rejected\n}", "cancel.next -> rejected\n",
             "DSL_MISSING_BRACE", "cancel.next -> rejected", 23),
    dsl_case("DSL: edge without a target", "cancel.next -> rejected", "cancel.next ->",
             "DSL_MISSING_EDGE_TARGET", "cancel.next ->", 12),
    BadInput("DSL: NUL byte", dsl_text('"驳回"', '"驳\x00回"'), "DSL_CONTROL_CHAR", syntax="dsl",
             **position(dsl_text('"驳回"', '"驳\x00回"'), "\x00")),
]

ALL_CASES = DOCUMENT_CASES + GRAPH_CASES + EXPRESSION_CASES + DSL_CASES
