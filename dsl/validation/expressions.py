"""Expression checks: the trigger and every expression field of every node, parsed and type-checked."""

from __future__ import annotations

from functools import cache
from typing import Any

from dsl.catalog import expression_fields, get_node_type
from dsl.problems import Problem, format_path, problem
from dsl.suggest import did_you_mean, hint

MAX_EXPRESSION_LENGTH = 4000


@cache
def _base_scope():
    from dsl.expr import Scope

    return Scope.order_model()


@cache
def _scope_with(bindings: tuple[tuple[str, str], ...]):
    return _base_scope().with_bindings(**dict(bindings)) if bindings else _base_scope()


def expression_problems(doc: dict[str, Any]) -> list[Problem]:
    """Problems inside expressions, each with the document path of the field holding it."""
    from dsl.expr import check_expression, check_unary_test

    found: list[Problem] = []
    trigger = doc.get("trigger")
    when = trigger.get("when") if isinstance(trigger, dict) else None
    if isinstance(when, str) and 0 < len(when) <= MAX_EXPRESSION_LENGTH:
        found += _relocated(check_expression(trigger["when"], _base_scope(), "boolean"), "trigger.when")
    for index, node in enumerate(_list(doc.get("nodes"))):
        if not isinstance(node, dict) or not isinstance(node.get("config"), dict):
            continue
        type_name = node.get("type")
        if not isinstance(type_name, str) or get_node_type(type_name) is None:
            continue
        for path, text, field in expression_fields(type_name, node["config"]):
            if not text or len(text) > MAX_EXPRESSION_LENGTH:
                continue  # empty or over-long expressions are reported by the schema check
            where = format_path(["nodes", index, "config", *path])
            scope = _scope_with(tuple(sorted(field.bindings.items())))
            if field.unary_test:
                found += _relocated(check_unary_test(text, "any", scope), where)
            else:
                found += _relocated(check_expression(text, scope, field.result_type), where)
    return found


def _relocated(problems: list[Problem], where: str) -> list[Problem]:
    """Expression checks report positions inside the expression; keep them as the expression
    position and give the problem its document path."""
    return [p.inside_expression(where) for p in problems]


def subflow_problems(doc: dict[str, Any], known_flows: set[str] | None) -> list[Problem]:
    """Sub-flow nodes must name an existing flow (when a registry is given) and never the flow itself."""
    found = []
    for index, node in enumerate(_list(doc.get("nodes"))):
        if not isinstance(node, dict) or node.get("type") != "subflow" or not isinstance(node.get("config"), dict):
            continue
        key = node["config"].get("flow")
        if not isinstance(key, str):
            continue
        where = format_path(["nodes", index, "config", "flow"])
        if key == doc.get("key"):
            found.append(problem("SUBFLOW_SELF", where))
        elif known_flows is not None and key not in known_flows:
            found.append(problem("SUBFLOW_UNKNOWN", where, key=key, **hint(did_you_mean(key, known_flows))))
    return found


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
