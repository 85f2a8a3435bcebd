"""The order model schema, the Scope built from it, and the flattened field paths for autocomplete."""

from __future__ import annotations

import jsonschema
import pytest

from dsl import order_model
from dsl.expr import Scope, check_expression, field_paths


def test_order_model_is_a_valid_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(order_model.schema())
    assert set(order_model.roots()) == {"order", "customer", "return_request", "context", "vars"}


def test_every_readable_path_has_a_description(scope):
    paths = field_paths(scope.with_bindings(candidate="candidate"))
    missing = [p["path"] for p in paths if not p["description"]]
    assert missing == []


@pytest.mark.parametrize(("path", "type_"), [
    ("order.total", "money"),
    ("order.created_at", "datetime"),
    ("order.lines", "list<object>"),
    ("order.lines.qty", "list<integer>"),
    ("order.channel", "string"),
    ("customer.stats_24h.distinct_addresses", "integer"),
    ("context.weather", "map<object>"),
    ("context.weather[*].level", "integer"),
    ("context.warehouses[*].status", "string"),
    ("vars", "any"),
])
def test_field_paths_list_types_for_autocomplete(path, type_, scope):
    by_path = {p["path"]: p for p in field_paths(scope)}
    assert by_path[path]["type"] == type_


def test_enums_are_offered_to_autocomplete(scope):
    by_path = {p["path"]: p for p in field_paths(scope)}
    assert by_path["customer.tier"]["enum"] == ["VIP", "GOLD", "SILVER", "NORMAL"]
    assert by_path["order.channel"]["enum"] == ["tmall", "douyin", "pdd", "miniprogram", "pos"]


def test_candidate_is_only_readable_with_its_binding(scope):
    assert "candidate" not in scope.roots
    route = scope.with_bindings(candidate="candidate")
    assert check_expression("candidate.load < 0.8 and candidate.stock_ok", route, "boolean") == []
    assert "candidate" not in scope.roots  # the base scope is not changed


def test_bindings_may_be_primitive_kinds(scope):
    cell = scope.with_bindings(value="number", anything="any")
    assert check_expression("value * 2 > anything.x", cell, "boolean") == []
    with pytest.raises(KeyError):
        scope.with_bindings(x="no_such_type")


def test_vars_accept_any_path(scope):
    assert check_expression("vars.route.score > 3 and vars.tags[0] == \"x\"", scope, "boolean") == []


def test_order_model_scope_is_built_once():
    assert Scope.order_model() is Scope.order_model()
