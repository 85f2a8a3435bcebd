"""The palette's data: node types, the flow and order-model schemas, the problem-code catalogue."""

import pytest
from jsonschema import Draft202012Validator
from marshmallow import RAISE

from designer.schemas.node_types import NodeTypeSchema
from dsl.catalog import all_node_types
from dsl.problems import CATALOGUE

DESIGN_NODE_TYPES = {
    "logic": {"condition", "switch", "decision_table", "assign"},
    "order": {"route", "reserve_stock", "split_shipment", "merge_window", "order_action",
              "return_disposition"},
    "people": {"approval"},
    "time_structure": {"timer", "wait_event", "parallel", "join", "subflow", "end"},
    "outside": {"notify", "call_service"},
}


def test_the_palette_lists_every_node_type_of_the_design(client):
    response = client.get("/api/node-types")
    assert response.status_code == 200
    node_types = response.get_json()["node_types"]
    by_category: dict[str, set[str]] = {}
    for nt in node_types:
        by_category.setdefault(nt["category"], set()).add(nt["name"])
    assert by_category == DESIGN_NODE_TYPES
    assert [nt["name"] for nt in node_types] == [nt.name for nt in all_node_types()], "palette order kept"


def test_the_api_shape_matches_the_catalog_exactly(client):
    """If the catalog grows a field, the marshmallow schema (and so the OpenAPI doc) must follow."""
    for nt in all_node_types():
        NodeTypeSchema(unknown=RAISE).load(nt.to_dict())
        served = client.get(f"/api/node-types/{nt.name}").get_json()
        assert served == nt.to_dict()


def test_every_config_schema_is_a_valid_json_schema(client):
    for nt in client.get("/api/node-types").get_json()["node_types"]:
        Draft202012Validator.check_schema(nt["config_schema"])


def test_one_node_type_keeps_its_chinese_labels(client):
    body = client.get("/api/node-types/approval").get_json()
    assert body["label_zh"] == "人工审批"
    assert {p["name"] for p in body["ports"]} >= {"approved", "rejected"}
    assert "人工审批".encode() in client.get("/api/node-types/approval").data, "not \\u-escaped"


def test_a_misspelt_node_type_is_a_404_with_a_suggestion(client, problem_of):
    body = problem_of(client.get("/api/node-types/aproval"), 404, "API_NODE_TYPE_NOT_FOUND")
    assert "approval" in body["problems"][0]["message_en"]
    assert "approval" in body["problems"][0]["message_zh"]


@pytest.mark.parametrize("url", ["/api/schemas/flow", "/api/schemas/order-model"])
def test_published_schemas_are_json_schema_documents(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    schema = response.get_json(force=True)
    Draft202012Validator.check_schema(schema)
    again = client.get(url, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304, "the canvas can revalidate without downloading it again"


def test_the_flow_schema_accepts_the_design_example(client, sample_flow):
    schema = client.get("/api/schemas/flow").get_json(force=True)
    assert list(Draft202012Validator(schema).iter_errors(sample_flow)) == []
    assert "subflow" in schema["properties"]["kind"]["enum"]


def test_the_problem_catalogue_serves_flow_and_request_codes(client):
    codes = client.get("/api/problem-codes").get_json()["codes"]
    names = [c["code"] for c in codes]
    assert names == sorted(set(names)), "sorted, each code once"
    assert set(CATALOGUE) <= set(names)
    assert {"API_NOT_FOUND", "API_JSON_SYNTAX", "API_FIELD_UNKNOWN"} <= set(names)
    for entry in codes:
        assert entry["message_zh"] and entry["message_en"]
        assert entry["severity"] in ("error", "warning", "info")
