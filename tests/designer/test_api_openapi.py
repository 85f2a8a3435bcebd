"""GET /api/openapi.json: an OpenAPI 3.1 document that covers every route and tells the truth."""

import re

import pytest
from jsonschema import Draft202012Validator


@pytest.fixture
def openapi(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def check_against(openapi, ref_or_schema, instance):
    """Validate ``instance`` with a schema from the document (OpenAPI 3.1 schemas are JSON Schema)."""
    schema = dict(ref_or_schema, components=openapi["components"])
    errors = [e.message for e in Draft202012Validator(schema).iter_errors(instance)]
    assert errors == []


def test_it_is_openapi_3_1_with_every_api_route(app, openapi):
    assert openapi["openapi"] == "3.1.0"
    assert openapi["info"]["title"] == "Orderloom API"
    routes = {re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", r.rule) for r in app.url_map.iter_rules()
              if r.rule.startswith("/api")}
    assert set(openapi["paths"]) == routes


def test_every_operation_has_a_summary_and_problem_responses(openapi):
    for path, operations in openapi["paths"].items():
        for method, op in operations.items():
            assert op["summary"], f"{method} {path}: the view needs a docstring"
            assert op["operationId"]
            problem = op["responses"]["500"]["content"]["application/problem+json"]["schema"]
            assert problem == {"$ref": "#/components/schemas/ProblemDetails"}


def test_marshmallow_schemas_become_components(openapi):
    assert {"Health", "NodeType", "Port", "ValidateRequest", "ValidationResult", "Problem",
            "ProblemDetails"} <= set(openapi["components"]["schemas"])
    validate = openapi["paths"]["/api/validate"]["post"]
    assert set(validate["requestBody"]["content"]) == {"application/json", "text/plain"}
    assert {"400", "413", "415", "422"} <= set(validate["responses"])


def test_the_documented_schemas_match_real_answers(client, openapi, sample_flow):
    def schema_of(path, method="get", status="200"):
        content = openapi["paths"][path][method]["responses"][status]["content"]
        return next(iter(content.values()))["schema"]

    check_against(openapi, schema_of("/api/health"), client.get("/api/health").get_json())
    check_against(openapi, schema_of("/api/node-types"), client.get("/api/node-types").get_json())
    check_against(openapi, schema_of("/api/node-types/{name}"),
                  client.get("/api/node-types/route").get_json())
    check_against(openapi, schema_of("/api/problem-codes"), client.get("/api/problem-codes").get_json())
    answer = client.post("/api/validate", json={"document": sample_flow}).get_json()
    check_against(openapi, schema_of("/api/validate", "post"), answer)
    sample_flow["nodes"][0]["config"]["sla"] = "soon"
    answer = client.post("/api/validate", json={"document": sample_flow}).get_json()
    check_against(openapi, schema_of("/api/validate", "post"), answer)
    check_against(openapi, schema_of("/api/validate", "post", "422"),
                  client.post("/api/validate", json={}).get_json())


def test_problem_details_allow_extension_members(openapi):
    assert openapi["components"]["schemas"]["ProblemDetails"].get("additionalProperties", True) is not False
