"""Every error is application/problem+json, and no garbage makes the API answer 500."""

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]

GARBAGE = [
    (b"", None),
    (b"\x00\xff\xfe garbage", "application/octet-stream"),
    (b"not json", "application/json"),
    (b"{\"document\": {\"nodes\": [{}]}}", "application/json"),
    (b"{\"dsl\": \"" + b"\\u0000" * 50 + b"\"}", "application/json"),
    (b"{\"document\": " + b"{\"a\": " * 5000 + b"1" + b"}" * 5001, "application/json"),
    (json.dumps({"document": {"format": "orderloom.flow/1", "nodes": "x", "edges": {}}}).encode(),
     "application/json"),
    (json.dumps({"document": {"nodes": [{"id": "__class__", "type": "__import__", "config": []}]}}).encode(),
     "application/json"),
    (b"flow {{{{ ]]]] \"", "text/plain"),
    ("流程 “未闭合".encode(), "text/plain"),
    (b"a=1&b=2", "application/x-www-form-urlencoded"),
    (b"--x\r\n\r\n--x--", "multipart/form-data; boundary=x"),
]


#: a value for each URL argument, and one that names nothing
URL_ARGUMENTS = {"name": ["approval", "x" * 300], "code": ["hz", "%00"], "key": ["weather", "-1"],
                 "region": ["east", "*"]}


def api_urls(app):
    urls = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api"):
            continue
        for variant in (0, 1):
            url = rule.rule
            for argument in rule.arguments:
                value = URL_ARGUMENTS.get(argument, ["1", "abc"])[variant]
                url = re.sub(rf"<(?:[^:<>]+:)?{argument}>", value, url)
            urls.add(url)
    return sorted(urls)


def test_garbage_to_every_endpoint_never_gives_a_500(app, client):
    urls = api_urls(app) + ["/api/node-types/%00", "/api/node-types/" + "x" * 5000, "/api/nope", "/nope"]
    for url in urls:
        for method in METHODS:
            for data, content_type in GARBAGE:
                response = client.open(url, method=method, data=data, content_type=content_type)
                where = f"{method} {url} {content_type} {data[:40]!r}"
                assert response.status_code < 500 or response.status_code == 503, where
                if response.status_code >= 400:
                    assert response.mimetype == "application/problem+json", where
                    body = response.get_json(force=True)
                    assert body["status"] == response.status_code and body["problems"], where


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=30))
def test_any_json_body_to_validate_is_answered_without_a_500(client, body):
    for wrapped in (body, {"document": body}, {"dsl": body}):
        response = client.post("/api/validate", data=json.dumps(wrapped), content_type="application/json")
        assert response.status_code in (200, 422), response.get_data(as_text=True)


def test_an_unknown_api_route_is_a_404_problem(client, problem_of):
    body = problem_of(client.get("/api/flows-that-do-not-exist"), 404, "API_NOT_FOUND")
    assert body["problems"][0]["message_en"].endswith("/api/flows-that-do-not-exist")
    assert body["type"] == "/api/problem-codes#API_NOT_FOUND"
    assert body["instance"] == "/api/flows-that-do-not-exist"


def test_a_wrong_method_is_a_405_problem_with_allow(client, problem_of):
    response = client.delete("/api/health")
    problem_of(response, 405, "API_METHOD_NOT_ALLOWED")
    assert "GET" in response.headers["Allow"]
    problem_of(client.get("/api/validate"), 405, "API_METHOD_NOT_ALLOWED")


def test_a_bug_is_a_500_problem_that_leaks_nothing(app, client, problem_of, monkeypatch):
    import designer.api.node_types as view

    def boom():
        raise RuntimeError("secret internals")

    monkeypatch.setattr(view, "all_node_types", boom)
    body = problem_of(client.get("/api/node-types"), 500, "API_INTERNAL")
    assert "secret" not in json.dumps(body)


@pytest.mark.parametrize("url", ["/api/health", "/api/node-types", "/api/problem-codes"])
def test_successful_answers_are_plain_json(client, url):
    assert client.get(url).mimetype == "application/json"
