"""Compiling a flow document into a Plan: validated, every expression compiled, edges resolved.

A plan is built once per version and shared by every run in every thread; nothing in it changes
after :func:`compile_plan` returns. Each node's behaviour is found through the catalog's handler
slot (``runtime.handlers.<type>:run``); the handler module may also offer ``compile(config, c)``
(precompile the config into a spec), ``resume(ctx, node, token, event)`` (wake a waiting token) and
``explain(spec, detail)`` (turn a step's compact detail into its JSON explanation).
"""

from __future__ import annotations

import copy
import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from types import MappingProxyType, ModuleType
from typing import Any

from dsl.catalog import get_node_type
from dsl.document import behaviour_hash
from dsl.expr import ExpressionError
from dsl.problems import Problem, format_path
from dsl.text import parse_flow
from dsl.validation import validate_document
from runtime.engine.compiling import Condition, NodeCompiler
from runtime.engine.errors import PlanError, SpecError


@dataclass(frozen=True, slots=True, eq=False)
class PlanNode:
    """A node as the engine runs it: its compiled spec, its handler functions and its exits."""

    id: str
    type: str
    label: str
    spec: Any
    run: Callable[..., Any] | None
    resume: Callable[..., Any] | None
    explain: Callable[[Any, Any], dict[str, Any]]
    exits: Mapping[str, str]            # port → target node id
    incoming: tuple[str, ...] = ()      # "from.port" of every edge into this node (joins count them)
    links: Mapping[str, tuple[str, str]] = field(default_factory=dict)  # port → (target, "node.port")


@dataclass(frozen=True, slots=True, eq=False)
class Plan:
    """One flow version, compiled. ``hash`` is the document's behaviour hash."""

    key: str
    name: str
    kind: str
    hash: str
    start: str
    trigger: PlanNode | None            # pseudo-node for trigger.when (its step explains not_applicable)
    nodes: Mapping[str, PlanNode]


@cache
def handler_for(type_name: str) -> tuple[ModuleType, Callable[..., Any]]:
    """The handler module and its ``run`` named by the catalog's handler slot for ``type_name``."""
    node_type = get_node_type(type_name)
    if node_type is None or not node_type.handler:
        raise LookupError(f"node type {type_name!r} has no runtime handler in the catalog")
    module_name, _, func = node_type.handler.partition(":")
    module = importlib.import_module(module_name)
    return module, getattr(module, func or "run")


def compile_source(text: str, known_flows: set[str] | None = None) -> Plan:
    """Parse flow DSL text and compile it (see :func:`compile_plan`)."""
    return compile_plan(parse_flow(text), known_flows)


def compile_plan(doc: dict[str, Any], known_flows: set[str] | None = None) -> Plan:
    """Validate ``doc`` and compile it; raises PlanError carrying every validation error."""
    result = validate_document(doc, known_flows)
    errors = [p for p in result.problems if p.severity == "error"]
    if errors:
        raise PlanError(errors)
    doc = copy.deepcopy(doc)  # the plan must not change when the caller later edits its document
    compiler = NodeCompiler()
    exits: dict[str, dict[str, str]] = {n["id"]: {} for n in doc["nodes"]}
    incoming: dict[str, list[str]] = {n["id"]: [] for n in doc["nodes"]}
    for edge in doc["edges"]:
        exits[edge["from"]][edge["port"]] = edge["to"]
        incoming[edge["to"]].append(f"{edge['from']}.{edge['port']}")
    nodes = {}
    for index, node in enumerate(doc["nodes"]):
        module, run = handler_for(node["type"])
        try:
            spec = module.compile(node["config"], compiler) if hasattr(module, "compile") else node["config"]
        except ExpressionError as err:
            where = format_path(["nodes", index, "config"])
            raise PlanError([p.inside_expression(where) for p in err.problems]) from err
        except SpecError as err:
            where = format_path(["nodes", index, "config"]) + (f".{err.path}" if err.path else "")
            raise PlanError([Problem("ENGINE_BAD_CONFIG", where, err.message_zh, err.message_en)]) from err
        nodes[node["id"]] = PlanNode(
            node["id"], node["type"], node.get("label", ""), spec, run, getattr(module, "resume", None),
            getattr(module, "explain", _plain_explain), MappingProxyType(exits[node["id"]]),
            tuple(incoming[node["id"]]),
            MappingProxyType({port: (to, f"{node['id']}.{port}") for port, to in exits[node["id"]].items()}))
    trigger = doc["trigger"]
    when = trigger.get("when")
    trigger_node = None
    if when:
        trigger_node = PlanNode("trigger", "trigger", "触发条件", compiler.condition(when), None, None,
                                explain_trigger, MappingProxyType({}))
    return Plan(doc["key"], doc["name"], doc["kind"], behaviour_hash(doc), trigger["start"], trigger_node,
                MappingProxyType(nodes))


def explain_trigger(spec: Condition, detail: tuple[bool, Any, Any]) -> dict[str, Any]:
    """trigger.when: the expression, the values it compared and whether the flow applies."""
    from runtime.engine.explain import condition_explanation

    return {**condition_explanation(spec, detail), "applicable": detail[0]}


def _plain_explain(spec: Any, detail: Any) -> dict[str, Any]:
    return detail if isinstance(detail, dict) else {"detail": detail}
