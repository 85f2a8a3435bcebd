"""Versions over HTTP: drafts saved while invalid (JSON or DSL) with their problems, optimistic locking, submit
freezes, review never by the author, a rejected version stays rejected, the reviewer's queue, the diff."""

from __future__ import annotations

import pytest

from tests.designer.flow_support import People, approve, audit_actions, create_from_template, edit, etag_of, ok

KEY = "routing-v"
URL = f"/api/flows/{KEY}/versions"


@pytest.fixture
def people(app) -> People:
    return People(app)


@pytest.fixture
def draft(people) -> dict:
    """Version 1 of a routing flow made from the S5 template, as a draft of editor zhang."""
    return create_from_template(people.editor, KEY, "multi-factor-routing", "routing")["version"]


def _set_weight(weight):
    def change(document):
        document["nodes"][0]["config"]["factors"][1]["weight"] = weight
    return change


def test_an_invalid_draft_is_saved_with_its_problems_as_json_or_dsl(people, draft, problem_of):
    response = people.editor.get(f"{URL}/1")
    document = ok(response)["document"]
    document["nodes"][0]["config"]["factors"][1]["weight"] = "heavy"
    saved = people.editor.put(f"{URL}/1", json={"document": document}, headers={"If-Match": etag_of(response)})
    body = ok(saved)
    assert body["valid"] is False and body["source"] == "document"
    assert any(p["path"].startswith("nodes[0].config.factors[1].weight") for p in body["problems"])
    assert ok(people.editor.get(f"{URL}/1"))["document"]["nodes"][0]["config"]["factors"][1]["weight"] == "heavy"

    broken = body["dsl"].replace("weight: 0.2", "weight: ", 1)[:-3]  # a half-typed value, the brace gone
    text = ok(people.editor.put(f"{URL}/1", json={"dsl": broken}, headers={"If-Match": etag_of(saved)}))
    assert text["dsl"] == broken and text["source"] == "dsl" and not text["valid"]
    assert all(p["line"] for p in text["problems"])
    again = ok(people.editor.get(f"{URL}/1"))
    assert again["dsl"] == broken, "the text is kept as typed"
    problem_of(people.editor.post(f"{URL}/1/submit"), 422)
    copy = ok(people.editor.post(URL, json={"based_on": 1}), 201)
    assert (copy["dsl"], copy["source"], copy["problems"]) == (broken, "dsl", text["problems"])


def test_two_editors_save_the_same_draft_the_stale_save_gets_412_and_loses_nothing(people, draft, app,
                                                                                      problem_of):
    read_by_zhang = people.editor.get(f"{URL}/1")
    read_by_li = people.editor2.get(f"{URL}/1")
    assert etag_of(read_by_zhang) == etag_of(read_by_li)
    zhang_doc, li_doc = ok(read_by_zhang)["document"], ok(read_by_li)["document"]
    zhang_doc["nodes"][0]["config"]["factors"][1]["weight"] = 0.75
    li_doc["nodes"][0]["config"]["factors"][1]["weight"] = 0.1
    ok(people.editor.put(f"{URL}/1", json={"document": zhang_doc}, headers={"If-Match": etag_of(read_by_zhang)}))
    stale = people.editor2.put(f"{URL}/1", json={"document": li_doc}, headers={"If-Match": etag_of(read_by_li)})
    problem_of(stale, 412, "API_VERSION_STALE")
    now = ok(people.editor.get(f"{URL}/1"))
    assert now["document"]["nodes"][0]["config"]["factors"][1]["weight"] == 0.75, "zhang's save is intact"
    problem_of(people.editor2.put(f"{URL}/1", json={"document": li_doc}), 428, "API_IF_MATCH_REQUIRED")
    assert ("li", "PUT /api/flows/<key>/versions/<n>", "conflict") in audit_actions(app)


def test_autosaves_of_one_editing_session_are_one_audit_entry(people, draft, app):
    etag = etag_of(people.editor.get(f"{URL}/1"))
    document = ok(people.editor.get(f"{URL}/1"))["document"]
    for weight in (0.4, 0.5, 0.6):
        document["nodes"][0]["config"]["factors"][1]["weight"] = weight
        response = people.editor.put(f"{URL}/1", json={"document": document, "editing_session": "tab-1"},
                                     headers={"If-Match": etag})
        etag = etag_of(response)
    saves = [a for a in audit_actions(app, f"{KEY}/v1") if a[1] == "version.save"]
    assert saves == [("zhang", "version.save", "ok")]


def test_submit_freezes_and_no_api_changes_a_submitted_version(people, draft, problem_of):
    before = ok(people.editor.get(f"{URL}/1"))
    submitted = ok(people.editor.post(f"{URL}/1/submit"))
    assert submitted["state"] == "in_review" and submitted["source"] is None and submitted["revision"] is None
    etag = submitted["etag"]
    document = {**before["document"], "name": "偷偷改名"}
    attempts = [
        people.editor.put(f"{URL}/1", json={"document": document}, headers={"If-Match": etag}),
        people.editor.put(f"{URL}/1", json={"dsl": before["dsl"]}, headers={"If-Match": "*"}),
        people.admin.put(f"{URL}/1", json={"document": document}, headers={"If-Match": etag}),
        people.editor.post(f"{URL}/1/submit"),
        people.reviewer.post(f"{URL}/1/publish", json={"mode": "active"}),
        people.reviewer.post(f"{URL}/1/retire"),
        people.reviewer.post(f"{URL}/1/publish", json={"mode": "candidate", "percent": 10}),
    ]
    for response in attempts:
        problem_of(response, 409, "API_VERSION_STATE")
    problem_of(people.reviewer.put(f"/api/flows/{KEY}/release/candidate", json={"percent": 50}), 409,
               "API_RELEASE_STATE")
    imported = ok(people.editor.post("/api/flows/import-dsl", data=before["dsl"].replace(
        before["document"]["name"], "偷偷改名"), content_type="text/plain"), 201)
    assert imported["number"] == 2, "an import is a new draft, never a change of version 1"
    bundle = ok(people.editor.get(f"/api/flows/{KEY}/export"))
    bundle["versions"] = [{**bundle["versions"][0], "content_hash": None,
                           "document": {**document, "description": "导入的改动"}}]
    assert ok(people.editor.post("/api/flows/import", json=bundle), 201)["created"] == [3]
    assert ok(people.editor.post(URL, json={"based_on": 1}), 201)["number"] == 4
    ok(people.editor.patch(f"/api/flows/{KEY}", json={"name": "流程改名", "description": "只改流程"}))
    ok(people.reviewer.put(f"/api/flows/{KEY}/release/auto-rollback", json={"min_sample": 10}))
    problem_of(people.reviewer.post(f"/api/flows/{KEY}/release/rollback", json={}), 409, "API_RELEASE_STATE")
    problem_of(people.reviewer.post(f"{URL}/1/review", json={"decision": "reject"}), 422, "API_FIELD_REQUIRED")
    problem_of(people.reviewer.post(f"/api/flows/{KEY}/release/promote"), 409, "API_RELEASE_STATE")
    ok(people.reviewer.post(f"{URL}/1/review", json={"decision": "approve", "comment": "好"}))
    for response in (people.editor.put(f"{URL}/1", json={"document": document}, headers={"If-Match": etag}),
                     people.reviewer.post(f"{URL}/1/review", json={"decision": "reject", "comment": "改主意"})):
        problem_of(response, 409, "API_VERSION_STATE")
    after = ok(people.editor.get(f"{URL}/1"))
    assert (after["content_hash"], after["document"]["name"]) == (submitted["content_hash"], before["document"]["name"])


def test_an_author_approving_their_own_version_gets_403(people, app, problem_of):
    own = People(app)
    mine = create_from_template(own.admin, "own-flow", "vip-gift", "intake")["version"]
    assert mine["created_by"] == "root"
    ok(own.admin.post("/api/flows/own-flow/versions/1/submit"))
    problem_of(own.admin.post("/api/flows/own-flow/versions/1/review", json={"decision": "approve"}), 403,
               "API_OWN_VERSION")
    assert ("root", "POST /api/flows/<key>/versions/<n>/review", "refused") in audit_actions(app)
    assert "own-flow" not in [r["key"] for r in ok(own.admin.get("/api/reviews"))["reviews"]]
    assert "own-flow" in [r["key"] for r in ok(own.reviewer.get("/api/reviews"))["reviews"]]
    problem_of(own.editor.post("/api/flows/own-flow/versions/1/review", json={"decision": "approve"}), 403,
               "API_FORBIDDEN")


def test_a_rejected_version_stays_rejected_and_its_author_starts_a_new_draft_from_it(people, draft, problem_of):
    ok(people.editor.post(f"{URL}/1/submit"))
    rejected = ok(people.reviewer.post(f"{URL}/1/review", json={"decision": "reject", "comment": "权重不对"}))
    assert (rejected["state"], rejected["review_comment"], rejected["reviewed_by"]) == ("rejected", "权重不对", "wang")
    problem_of(people.editor.post(f"{URL}/1/submit"), 409, "API_VERSION_STATE")
    problem_of(people.reviewer.post(f"{URL}/1/publish", json={"mode": "active"}), 409, "API_VERSION_STATE")
    copy = ok(people.editor.post(URL, json={"based_on": 1}), 201)
    assert (copy["number"], copy["state"], copy["based_on"]) == (2, "draft", 1)
    assert copy["content_hash"] == rejected["content_hash"]
    assert edit(people.editor, KEY, 2, _set_weight(0.75))["valid"]
    assert ok(people.editor.get(f"{URL}/1"))["state"] == "rejected"
    listed = ok(people.editor.get(URL))["versions"]
    assert [(v["number"], v["state"]) for v in listed] == [(2, "draft"), (1, "rejected")]


def test_the_diff_between_two_versions(people, draft, problem_of):
    approve(people, KEY, 1)
    ok(people.editor.post(URL, json={"based_on": 1}), 201)
    edit(people.editor, KEY, 2, _set_weight(0.75))
    diff = ok(people.reviewer.get(f"/api/flows/{KEY}/diff?from=1&to=2"))
    assert diff["structural"]["nodes_changed"] == [{"id": "choose_warehouse", "paths": ["config.factors[1].weight"]}]
    assert "-        weight: 0.3" in diff["text_diff"] and "+        weight: 0.75" in diff["text_diff"]
    assert not diff["layout_only"]

    def move(document):
        document["nodes"][1]["ui"] = {"x": 1, "y": 2}
    ok(people.editor.post(URL, json={"based_on": 2}), 201)
    edit(people.editor, KEY, 3, move)
    assert ok(people.reviewer.get(f"/api/flows/{KEY}/diff?from=2&to=3"))["layout_only"] is True
    problem_of(people.reviewer.get(f"/api/flows/{KEY}/diff?from=1&to=9"), 404, "API_VERSION_NOT_FOUND")
    problem_of(people.reviewer.get(f"/api/flows/{KEY}/diff?from=1"), 422, "API_FIELD_REQUIRED")


def test_unknown_flows_and_versions_are_404(people, draft, problem_of):
    problem_of(people.editor.get("/api/flows/nope/versions/1"), 404, "API_FLOW_NOT_FOUND")
    problem_of(people.editor.get(f"{URL}/7"), 404, "API_VERSION_NOT_FOUND")
    problem_of(people.editor.get(f"{URL}/abc"), 404, "API_VERSION_NOT_FOUND")
    problem_of(people.editor.put(f"{URL}/1", json={"document": {}, "dsl": ""}, headers={"If-Match": "*"}), 422)
    problem_of(people.operator.put(f"{URL}/1", json={"document": {}}, headers={"If-Match": "*"}), 403,
               "API_FORBIDDEN")
