"""Flows over HTTP: create one blank or from a template, list and filter, change name and priority, the
template gallery, export a bundle and import it (drafts only), a DSL file as a new draft."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.document import KINDS
from tests.designer.flow_support import People, approve, audit_actions, create_from_template, ok

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def people(app) -> People:
    return People(app)


@pytest.mark.parametrize("kind", KINDS)
def test_a_blank_flow_of_every_kind_starts_as_a_valid_draft(people, kind):
    created = ok(people.editor.post("/api/flows", json={"key": f"blank-{kind}", "name": "空白", "kind": kind}), 201)
    version = created["version"]
    assert (version["number"], version["state"], version["valid"]) == (1, "draft", True)
    assert version["document"]["kind"] == kind and version["document"]["key"] == f"blank-{kind}"
    assert created["flow"]["latest_version"]["state"] == "draft" and created["flow"]["active_version"] is None


def test_a_flow_from_a_template_takes_the_new_key_and_name(people, app, problem_of):
    created = create_from_template(people.editor, "my-routing", "multi-factor-routing", "routing")
    document = created["version"]["document"]
    assert (document["key"], document["name"], document["nodes"][0]["id"]) == (
        "my-routing", "my-routing 流程", "choose_warehouse")
    assert created["version"]["dsl"].startswith('flow my-routing "my-routing 流程"')
    assert ("zhang", "flow.create", "ok") in audit_actions(app, "my-routing")
    problem_of(people.editor.post("/api/flows", json={"key": "my-routing", "name": "x", "kind": "routing"}), 409,
               "API_FLOW_EXISTS")
    problem_of(people.editor.post("/api/flows", json={"key": "t2", "name": "x", "kind": "routing",
                                                      "template": "nope"}), 404, "API_TEMPLATE_NOT_FOUND")
    problem_of(people.editor.post("/api/flows", json={"key": "t3", "name": "x", "kind": "intake",
                                                      "template": "multi-factor-routing"}), 422, "API_FIELD_INVALID")
    problem_of(people.editor.post("/api/flows", json={"key": "Bad Key", "name": "x", "kind": "intake"}), 422)
    problem_of(people.reviewer.post("/api/flows", json={"key": "t4", "name": "x", "kind": "intake"}), 403,
               "API_FORBIDDEN")


def test_the_template_gallery_lists_every_starter_flow(people):
    templates = ok(people.operator.get("/api/templates"))
    assert {t["file"] for t in templates} == {p.name for p in (ROOT / "templates").glob("*.flow")}
    gift = next(t for t in templates if t["key"] == "vip-gift")
    assert gift["kind"] == "intake" and gift["name"] == "VIP 赠品" and gift["description"]


def test_the_list_filters_by_kind_state_and_text_and_one_flow_shows_versions_and_release(people):
    create_from_template(people.editor, "gift-a", "vip-gift", "intake")
    create_from_template(people.editor, "route-b", "multi-factor-routing", "routing")
    approve(people, "route-b", 1)
    ok(people.reviewer.post("/api/flows/route-b/versions/1/publish", json={"mode": "active"}))
    keys = lambda query: [f["key"] for f in ok(people.editor.get(f"/api/flows{query}"))["flows"]]  # noqa: E731
    assert keys("") == ["gift-a", "route-b"]
    assert keys("?kind=routing") == ["route-b"]
    assert keys("?state=draft") == ["gift-a"] and keys("?state=published") == ["route-b"]
    assert keys("?q=GIFT") == ["gift-a"]
    one = ok(people.editor.get("/api/flows/route-b"))
    assert one["active_version"]["number"] == 1 and one["dsl"].startswith("flow route-b")
    assert [(v["number"], v["state"], v["created_by"], v["reviewed_by"]) for v in one["versions"]] == [
        (1, "published", "zhang", "wang")]
    assert one["release"]["active"]["number"] == 1 and one["release"]["history"][0]["action"] == "activate"


def test_editors_rename_a_flow_and_its_priority_also_needs_the_review_permission(people, problem_of):
    create_from_template(people.editor, "gift-a", "vip-gift", "intake")
    renamed = ok(people.editor.patch("/api/flows/gift-a", json={"name": "新名字", "description": "说明"}))
    assert (renamed["name"], renamed["description"]) == ("新名字", "说明")
    problem_of(people.editor.patch("/api/flows/gift-a", json={"priority": 5}), 403, "API_FORBIDDEN")
    problem_of(people.reviewer.patch("/api/flows/gift-a", json={"priority": 5}), 403, "API_FORBIDDEN")
    assert ok(people.admin.patch("/api/flows/gift-a", json={"priority": 5}))["priority"] == 5
    problem_of(people.editor.patch("/api/flows/gift-a", json={"key": "other"}), 422, "API_FIELD_UNKNOWN")


def test_export_and_import_a_bundle_creates_drafts_only(people, app, problem_of):
    create_from_template(people.editor, "route-b", "multi-factor-routing", "routing")
    approve(people, "route-b", 1)
    ok(people.reviewer.post("/api/flows/route-b/versions/1/publish", json={"mode": "active"}))
    ok(people.editor.post("/api/flows/route-b/versions", json={"based_on": 1}), 201)
    bundle = ok(people.editor.get("/api/flows/route-b/export"))
    assert bundle["format"] == "orderloom.bundle/1" and [v["state"] for v in bundle["versions"]] == [
        "published", "draft"]
    assert ok(people.editor.post("/api/flows/import", json=bundle), 201) == {
        "flow": "route-b", "created": [], "skipped": [1, 2]}, "nothing new: the flow has that content"

    moved = {**bundle, "flow": {**bundle["flow"], "key": "route-c"}}
    moved["versions"] = [{**v, "content_hash": None, "document": {**v["document"], "key": "route-c"}}
                         for v in bundle["versions"]]
    assert ok(people.editor.post("/api/flows/import", json=moved), 201) == {
        "flow": "route-c", "created": [1], "skipped": [2]}
    imported = ok(people.editor.get("/api/flows/route-c"))
    assert imported["active_version"] is None and [v["state"] for v in imported["versions"]] == ["draft"]
    assert ("zhang", "version.import", "ok") in audit_actions(app, "route-c/v1")

    tampered = {**bundle, "versions": [{**bundle["versions"][0], "content_hash": "0" * 64}]}
    problem_of(people.editor.post("/api/flows/import", json=tampered), 422, "API_BUNDLE_INVALID")
    problem_of(people.editor.post("/api/flows/import", json={**bundle, "format": "x"}), 422)


def test_a_dsl_file_becomes_a_new_draft(people, problem_of):
    text = (ROOT / "templates" / "s3-vip-gift.flow").read_text(encoding="utf-8")
    first = ok(people.editor.post("/api/flows/import-dsl", data=text.encode(), content_type="text/plain"), 201)
    assert (first["key"], first["number"], first["state"], first["valid"]) == ("vip-gift", 1, "draft", True)
    second = ok(people.editor.post("/api/flows/import-dsl", json={"dsl": text.replace("VIP 赠品", "VIP 礼品")}), 201)
    assert second["number"] == 2 and second["document"]["name"] == "VIP 礼品"
    broken = problem_of(people.editor.post("/api/flows/import-dsl", data=b"flow x {\n  kind",
                                           content_type="text/plain"), 422)
    assert broken["problems"][0]["line"] >= 1
    problem_of(people.editor.post("/api/flows/import-dsl", data=b"\xff", content_type="text/plain"), 400,
               "API_BODY_ENCODING")
