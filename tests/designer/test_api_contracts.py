"""The runtime's published contracts are served as files and referenced from /api/openapi.json."""

from pathlib import Path

from jsonschema import Draft202012Validator

from runtime import contracts
from tests.designer.runtime_world import api, paid_order, seeded_app  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[2]


def test_each_contract_file_is_served_as_json_schema(client):
    for name in contracts.NAMES:
        response = client.get(f"/api/schemas/contracts/{name}")
        assert response.status_code == 200
        assert response.mimetype == "application/schema+json"
        assert response.get_json() == contracts.load(name)


def test_an_unknown_contract_is_a_located_404(client):
    response = client.get("/api/schemas/contracts/order")
    assert response.status_code == 404
    assert response.get_json()["problems"][0]["code"] == "API_CONTRACT_NOT_FOUND"


def test_the_openapi_document_carries_every_contract_as_components(client):
    schemas = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    for name, component in (("step", "StepContract"), ("live-events", "LiveEventsContract"),
                            ("stream-record", "StreamRecordContract")):
        contract = contracts.load(name)
        assert schemas[component]["x-contract-id"] == contract["$id"]
        assert schemas[component]["externalDocs"]["url"] == f"/api/schemas/contracts/{name}"
        for key in contract.get("$defs", {}):
            assert f"{component}_{key}" in schemas


def test_no_reference_in_the_document_dangles(client):
    document = client.get("/api/openapi.json").get_json()
    names = set(document["components"]["schemas"])
    refs = set()

    def walk(node):
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str):
                refs.add(ref)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert refs and all(ref.startswith("#/components/schemas/") for ref in refs)
    assert {ref.rsplit("/", 1)[1] for ref in refs} <= names


def test_real_steps_validate_against_the_step_component(api, client):  # noqa: F811
    document = client.get("/api/openapi.json").get_json()
    schema = dict(document["components"]["schemas"]["StepContract"], components=document["components"])
    text = (ROOT / "templates" / "s1-high-value-approval.flow").read_text(encoding="utf-8")
    order = paid_order(7, lines=[{"sku": "ELE-001", "name": "电视", "qty": 1, "price": "6999.00"}], total="6999.00")
    answer = api.post("/api/dry-runs", json={"dsl": text, "order": order, "human": "reject"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    steps = answer.get_json()["steps"]
    assert {s["type"] for s in steps} >= {"approval", "end"}
    for step in steps:
        assert [e.message for e in Draft202012Validator(schema).iter_errors(step)] == []
    broken = dict(steps[0], seq="first")
    assert list(Draft202012Validator(schema).iter_errors(broken)), "the component must reject a broken step"
