"""The audit log over HTTP: writes recorded with the change, refused (403) and stale (412) attempts recorded
on their own, autosaves of one editing session as one entry, filtered and paged for reviewers and admins."""

from __future__ import annotations

from tests.auth_support import client_as, create_user, login
from tests.designer.runtime_world import ingest, paid_order, seeded_app  # noqa: F401 (fixture)

BIG_LINE = {"sku": "ELE-001", "name": "电视", "qty": 1, "price": "6999.00", "weight_kg": "12"}


def entries(client, **filters) -> list[dict]:
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    response = client.get(f"/api/audit?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["entries"]


def test_a_write_is_recorded_and_a_refused_write_leaves_only_its_refusal(app, client):
    assert client.post("/api/users", json={"username": "zhao", "role": "editor"}).status_code == 201
    assert client.post("/api/users", json={"username": "zhao", "role": "editor"}).status_code == 409
    [made] = entries(client, action="user.create")
    assert (made["actor"], made["target_type"], made["target_id"], made["outcome"]) == ("admin", "user", "zhao", "ok")
    assert made["before_hash"] is None and len(made["after_hash"]) == 64
    assert client.patch("/api/users/zhao", json={"role": "reviewer"}).status_code == 200
    [changed] = entries(client, action="user.update")
    assert changed["before_hash"] == made["after_hash"] != changed["after_hash"]
    assert changed["details"] == {"changed": ["role"], "password_changed": False}


def test_every_403_is_recorded_with_who_tried_what(app, client):
    editor = client_as(app, "editor", username="li")
    assert editor.post("/api/users", json={"username": "x", "role": "admin"}).status_code == 403
    assert editor.get("/api/audit").status_code == 403
    refused = entries(client, actor="li", outcome="refused")
    assert [(e["action"], e["target_id"]) for e in refused] == [("GET /api/audit", "/api/audit"),
                                                               ("POST /api/users", "/api/users")]
    assert refused[1]["details"] == {"status": 403, "endpoint": "users.create_user", "role": "editor",
                                     "codes": ["API_FORBIDDEN"]}
    assert entries(client, action="user.create") == [], "the refused user was not created"


def test_a_forged_csrf_token_is_a_recorded_refusal(app, client):
    create_user(app, "wang", "reviewer", password="reviewer-pass")
    browser = app.test_client()
    login(browser, "wang", "reviewer-pass")
    assert browser.post("/api/dry-runs", json={}, headers={"X-CSRF-Token": "forged"}).status_code == 403
    [entry] = entries(client, actor="wang", outcome="refused")
    assert entry["details"]["codes"] == ["API_CSRF_INVALID"]
    assert [e["outcome"] for e in entries(client, action="auth.login")] == ["ok"]


def test_a_stale_save_is_a_recorded_conflict_and_autosaves_are_one_entry(app, client):
    editor = client_as(app, "editor", username="li")
    created = editor.post("/api/flows", json={"key": "vip-gift-2", "name": "VIP 赠品", "kind": "intake"})
    assert created.status_code == 201, created.get_data(as_text=True)
    url = "/api/flows/vip-gift-2/versions/1"
    read = editor.get(url)
    document, etag = read.get_json()["document"], read.headers["ETag"]
    for n in range(3):  # one editing session, three autosaves
        document["description"] = f"第 {n + 1} 稿"
        saved = editor.put(url, json={"document": document, "editing_session": "tab-1"}, headers={"If-Match": etag})
        assert saved.status_code == 200, saved.get_data(as_text=True)
        etag = saved.headers["ETag"]
    stale = editor.put(url, json={"document": document}, headers={"If-Match": read.headers["ETag"]})
    assert stale.status_code == 412
    [saves] = entries(client, action="version.save")
    assert (saves["actor"], saves["count"], saves["target_id"]) == ("li", 3, "vip-gift-2/v1")
    [conflict] = entries(client, outcome="conflict")
    assert (conflict["actor"], conflict["action"]) == ("li", "PUT /api/flows/<key>/versions/<n>")


def test_reviewers_and_admins_read_the_log_filtered_and_paged(app, client, problem_of):
    for name in ("a1", "a2", "a3"):
        client.post("/api/groups", json={"name": name})
    reviewer = client_as(app, "reviewer")
    page = reviewer.get("/api/audit?action=group.create&limit=2").get_json()
    assert (page["total"], page["limit"], page["offset"]) == (3, 2, 0)
    assert [e["target_id"] for e in page["entries"]] == ["a3", "a2"], "newest first"
    assert [e["target_id"] for e in entries(reviewer, action="group.create", offset=2)] == ["a1"]
    assert entries(reviewer, action="group.create", since="2999-01-01T00:00:00%2B08:00") == []
    problem_of(reviewer.get("/api/audit?since=yesterday"), 422, "API_FIELD_INVALID")
    problem_of(reviewer.get("/api/audit?outcome=maybe"), 422, "API_FIELD_INVALID")
    for role in ("editor", "operator"):
        problem_of(client_as(app, role).get("/api/audit"), 403, "API_FORBIDDEN")


def test_writes_without_an_entry_of_their_own_get_the_requests_entry(seeded_app):  # noqa: F811
    admin = client_as(seeded_app, "admin", username="admin-li")
    operator = client_as(seeded_app, "operator", groups=("finance",))
    assert admin.put("/api/connections/erp", json={"base_url": "https://erp.example.com"}).status_code == 200
    assert admin.put("/api/connections/bad", json={"base_url": "ftp://x"}).status_code == 422
    order_id = ingest(operator, paid_order(5, lines=[BIG_LINE], total="6999.00")).get_json()["order_id"]
    [task] = operator.get(f"/api/tasks?order_id={order_id}").get_json()["tasks"]
    assert operator.post(f"/api/tasks/{task['id']}/decide", json={"decision": "approved"}).status_code == 200
    assert operator.post("/api/validate", json={"dsl": "flow x {"}).status_code == 200
    log = [(e["actor"], e["action"], e["target_type"], e["target_id"]) for e in entries(admin)
           if e["actor"] != "demo"]  # the seed's publications
    assert log == [("operator", "POST /api/tasks/<task_id>/decide", "tasks", f"/api/tasks/{task['id']}/decide"),
                   ("admin-li", "PUT /api/connections/<name>", "connections", "/api/connections/erp")], \
        "the refused connection, the ingest and the check left no entry"
