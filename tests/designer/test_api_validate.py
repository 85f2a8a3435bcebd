"""POST /api/validate: a flow's problems are a 200 answer; only a malformed request is a 4xx."""

import json

import pytest

from dsl.document import behaviour_hash, content_hash
from dsl.text import print_flow


def validate(client, **body):
    return client.post("/api/validate", json=body)


def post_raw(client, data, content_type="application/json"):
    return client.post("/api/validate", data=data, content_type=content_type)


def test_a_valid_document_comes_back_valid_with_its_hashes(client, sample_flow):
    response = validate(client, document=sample_flow)
    assert response.status_code == 200
    body = response.get_json()
    assert body["valid"] is True and body["problems"] == []
    assert body["document"] == sample_flow
    assert body["content_hash"] == content_hash(sample_flow)
    assert body["behaviour_hash"] == behaviour_hash(sample_flow)


def test_moving_a_box_changes_the_content_hash_but_not_the_behaviour_hash(client, sample_flow):
    before = validate(client, document=sample_flow).get_json()
    sample_flow["nodes"][0]["ui"] = {"x": 999, "y": 1}
    sample_flow["nodes"][0]["note"] = "moved"
    after = validate(client, document=sample_flow).get_json()
    assert after["content_hash"] != before["content_hash"]
    assert after["behaviour_hash"] == before["behaviour_hash"]


def test_the_same_flow_as_dsl_text_gives_the_same_document(client, sample_flow):
    text = print_flow(sample_flow)
    as_json = validate(client, dsl=text).get_json()
    assert as_json["valid"] is True
    assert as_json["document"] == sample_flow
    plain = client.post("/api/validate", data=text.encode(), content_type="text/plain; charset=utf-8")
    assert plain.status_code == 200
    assert plain.get_json() == as_json


def test_a_flow_with_problems_is_still_a_200_with_located_problems(client, sample_flow):
    sample_flow["nodes"][0]["config"]["sla"] = "four hours"
    sample_flow["nodes"][1]["type"] = "ending"
    body = validate(client, document=sample_flow).get_json()
    assert body["valid"] is False
    paths = {p["path"]: p["code"] for p in body["problems"]}
    assert paths.get("nodes[0].config.sla") == "DOC_DURATION"
    assert paths.get("nodes[1].type") == "NODE_UNKNOWN_TYPE"
    for p in body["problems"]:
        assert p["message_zh"] and p["message_en"]


def test_dsl_syntax_errors_carry_line_and_column(client):
    body = validate(client, dsl="flow \"x\" {\n  this is not a flow\n").get_json()
    assert body["valid"] is False and body["document"] is None
    assert body["content_hash"] is None and body["behaviour_hash"] is None
    assert all("line" in p and "column" in p for p in body["problems"])


def test_a_text_plain_body_that_is_not_utf8_is_a_problem_not_an_error(client):
    response = client.post("/api/validate", data=b"flow \xff\xfe", content_type="text/plain")
    assert response.status_code == 200
    assert [p["code"] for p in response.get_json()["problems"]] == ["DOC_ENCODING"]


def test_known_flows_enables_the_sub_flow_check(client, sample_flow, call_subflow):
    call_subflow(sample_flow, "ce-check")
    unchecked = validate(client, document=sample_flow).get_json()
    missing = validate(client, document=sample_flow, known_flows=["other"]).get_json()
    present = validate(client, document=sample_flow, known_flows=["ce-check"]).get_json()

    def sub_paths(body):
        return [(p["path"], p["code"]) for p in body["problems"] if p["path"].startswith("nodes[0].config")]

    assert sub_paths(unchecked) == sub_paths(present)
    assert len(sub_paths(missing)) > len(sub_paths(present))
    text = print_flow(sample_flow)
    via_query = client.post("/api/validate?known_flows=other,x", data=text, content_type="text/plain")
    assert sub_paths(via_query.get_json()) == sub_paths(missing)


# ---- malformed requests ----

@pytest.mark.parametrize("body, path, code", [
    ({}, "body", "API_ONE_OF"),
    ({"document": {}, "dsl": "flow"}, "body", "API_ONE_OF"),
    ({"dsl": 42}, "body.dsl", "API_FIELD_TYPE"),
    ({"document": [1, 2]}, "body.document", "API_FIELD_TYPE"),
    ({"dsl": "x", "format": "json"}, "body.format", "API_FIELD_UNKNOWN"),
    ({"dsl": "x", "known_flows": "a,b"}, "body.known_flows", "API_FIELD_TYPE"),
    ({"dsl": "x", "known_flows": ["a", 3]}, "body.known_flows[1]", "API_FIELD_TYPE"),
    ({"dsl": None}, "body.dsl", "API_FIELD_TYPE"),
])
def test_a_malformed_request_is_a_422_at_the_field(client, problem_of, body, path, code):
    result = problem_of(client.post("/api/validate", json=body), 422)
    assert (path, code) in [(p["path"], p["code"]) for p in result["problems"]], result


@pytest.mark.parametrize("payload", ["[1, 2]", "42", "\"text\"", "null"])
def test_a_json_body_that_is_not_an_object_is_a_422(client, problem_of, payload):
    result = problem_of(client.post("/api/validate", data=payload, content_type="application/json"), 422)
    assert result["problems"][0]["path"] == "body"


def test_malformed_json_is_a_400_pointing_at_the_character(client, problem_of):
    response = client.post("/api/validate", data='{"dsl":\n  "x",,}', content_type="application/json")
    problem = problem_of(response, 400, "API_JSON_SYNTAX")["problems"][0]
    assert (problem["line"], problem["column"]) == (2, 7)


@pytest.mark.parametrize("data", [b'{"dsl": "\xff"}', b"\xef\xbb"])
def test_a_json_body_that_is_not_utf8_is_a_400(client, problem_of, data):
    problem_of(post_raw(client, data), 400, "API_BODY_ENCODING")


@pytest.mark.parametrize("payload", ['{"dsl": NaN}', "[" * 100_000 + "]" * 100_000])
def test_json_that_python_would_accept_but_json_does_not_is_a_400(client, problem_of, payload):
    problem_of(post_raw(client, payload), 400, "API_JSON_SYNTAX")


def test_other_media_types_are_a_415(client, problem_of):
    body = problem_of(client.post("/api/validate", data={"dsl": "x"}), 415, "API_UNSUPPORTED_MEDIA_TYPE")
    assert body["problems"][0]["path"] == "headers.Content-Type"


def test_a_body_over_2_mb_is_a_413(client, problem_of):
    huge = json.dumps({"dsl": "x" * (2 * 1024 * 1024)})
    problem_of(post_raw(client, huge), 413, "API_BODY_TOO_LARGE")


def test_a_large_but_allowed_flow_is_answered_with_problems(client):
    response = client.post("/api/validate", json={"dsl": "#" + "长" * 400_000})
    assert response.status_code == 200
