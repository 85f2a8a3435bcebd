"""The node catalog is the one list of node types, and it matches DESIGN's table exactly."""

import pytest
from jsonschema import Draft202012Validator

from dsl.catalog import all_node_types, get_node_type, is_expression_path, suggest_node_type
from dsl.validation import validate_document

DESIGN_TABLE = {
    "logic": {"condition", "switch", "decision_table", "assign"},
    "order": {"route", "reserve_stock", "split_shipment", "merge_window", "order_action", "return_disposition"},
    "people": {"approval"},
    "time_structure": {"timer", "wait_event", "parallel", "join", "subflow", "end"},
    "outside": {"notify", "call_service"},
}


def test_catalog_is_exactly_the_design_list():
    by_category: dict[str, set[str]] = {}
    for node_type in all_node_types():
        by_category.setdefault(node_type.category, set()).add(node_type.name)
    assert by_category == DESIGN_TABLE


@pytest.mark.parametrize("node_type", all_node_types(), ids=lambda n: n.name)
def test_every_declaration_is_complete(node_type):
    assert node_type.label_zh and node_type.label_en
    assert node_type.description_zh and node_type.description_en
    assert node_type.keyword and node_type.icon
    assert node_type.handler.startswith("runtime.handlers.")
    Draft202012Validator.check_schema(node_type.config_schema)
    assert node_type.config_schema.get("additionalProperties") is False, "configs are closed to catch typos"
    assert node_type.terminal or node_type.ports or node_type.dynamic_ports


@pytest.mark.parametrize("node_type", all_node_types(), ids=lambda n: n.name)
def test_example_config_satisfies_its_own_schema(node_type):
    errors = list(Draft202012Validator(node_type.config_schema).iter_errors(node_type.example_config))
    assert errors == []


@pytest.mark.parametrize("node_type", all_node_types(), ids=lambda n: n.name)
def test_declaration_serialises_for_the_palette(node_type):
    data = node_type.to_dict()
    assert data["name"] == node_type.name
    assert all({"name", "label_zh", "label_en", "optional"} <= set(p) for p in data["ports"])


def test_dynamic_ports_come_from_the_config():
    switch = get_node_type("switch")
    config = {"cases": [{"port": "east", "when": "true"}, {"port": "west", "when": "true"}]}
    assert switch.port_names(config) == ["default", "east", "west"]
    assert get_node_type("parallel").port_names({"branches": ["a", "b"]}) == ["a", "b"]
    assert get_node_type("subflow").required_ports({"outcomes": ["passed", "failed"]}) == ["passed", "failed"]


def test_optional_ports_need_not_be_connected():
    assert get_node_type("approval").required_ports({}) == ["approved", "rejected"]


def test_expression_fields_are_marked_in_the_schema():
    assert is_expression_path("condition", ("when",))
    assert is_expression_path("route", ("factors", 2, "value"))
    assert is_expression_path("call_service", ("body", "order_id"))
    assert is_expression_path("decision_table", ("rules", 0, "when", 1))
    assert not is_expression_path("route", ("factors", 2, "name"))
    assert not is_expression_path("approval", ("sla",))


def test_unknown_type_gets_a_suggestion():
    assert suggest_node_type("aproval") == "approval"
    assert suggest_node_type("zzzz") is None


def test_a_flow_using_every_node_type_validates():
    """One document that places every node type with its example config, chained to an end."""
    nodes, edges = [], []
    chain = [n for n in all_node_types() if not n.terminal]
    for i, node_type in enumerate(chain):
        nodes.append({"id": f"n{i}", "type": node_type.name, "config": node_type.example_config})
    nodes.append({"id": "finish", "type": "end", "config": {"outcome": "done"}})
    for i, node_type in enumerate(chain):
        target = f"n{i + 1}" if i + 1 < len(chain) else "finish"
        for port in node_type.required_ports(node_type.example_config):
            edges.append({"from": f"n{i}", "port": port, "to": target})
    doc = {"format": "orderloom.flow/1", "key": "every-node", "name": "all", "kind": "intake",
           "trigger": {"start": "n0"}, "nodes": nodes, "edges": edges}
    problems = [p for p in validate_document(doc, known_flows={"ce-certificate-check"}).problems
                if p.severity == "error"]
    assert problems == []
