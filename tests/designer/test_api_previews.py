"""Impact previews over HTTP: a reviewer asks for one on a version (202), follows it until done and reads the
report; the version lists its previews latest first; refusals are problem details; operators may not preview."""

from __future__ import annotations

import time

from designer.extensions import db
from tests.auth_support import client_as
from tests.designer import runtime_world
from tests.designer.runtime_world import ingest, paid_order
from tests.designer.test_api_openapi_runtime import check_against
from tests.runtime.preview import world

seeded_app, api = runtime_world.seeded_app, runtime_world.api  # fixtures

ROUTING = "multi-factor-routing"


def wait_done(client, url: str, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        body = client.get(url).get_json()
        if body["status"] in ("done", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def run_orders(client, count: int) -> None:
    for n in range(count):
        assert ingest(client, paid_order(n), event_id=f"pv-{n}").status_code == 202


def test_a_reviewer_previews_an_unchanged_copy_and_reads_its_report(seeded_app, api):
    run_orders(api, 12)
    with seeded_app.app_context():
        copy = world.add_version(db.database, ROUTING, world.template("s5-multi-factor-routing"))
    reviewer = client_as(seeded_app, "reviewer")

    asked = reviewer.post(f"/api/flows/{ROUTING}/versions/{copy}/previews", json={"limit": 100})

    assert asked.status_code == 202, asked.get_data(as_text=True)
    body = asked.get_json()
    assert body["version"] == copy and body["baseline_version"] == 1 and body["status"] in ("queued", "running", "done")
    assert asked.headers["Location"] == body["url"] == f"/api/previews/{body['id']}"
    done = wait_done(reviewer, body["url"])
    assert done["status"] == "done", done
    report = done["report"]
    assert report["orders"] > 0 and report["changed"] == 0
    assert done["progress"] == {"done": report["orders"], "total": report["orders"], "ratio": 1.0}
    listed = reviewer.get(f"/api/flows/{ROUTING}/versions/{copy}/previews").get_json()
    assert [p["id"] for p in listed["previews"]] == [body["id"]] and "report" not in listed["previews"][0]
    openapi = reviewer.get("/api/openapi.json").get_json()
    check_against(openapi, "/api/flows/{key}/versions/{number}/previews", "post", "202", body)
    check_against(openapi, "/api/previews/{preview_id}", "get", "200", done)
    check_against(openapi, "/api/flows/{key}/versions/{number}/previews", "get", "200", listed)


def test_a_what_if_overlay_over_http_moves_the_orders_of_a_closed_warehouse(seeded_app, api):
    run_orders(api, 12)
    editor = client_as(seeded_app, "editor")
    winners = world.recorded_winners_of(seeded_app)

    asked = editor.post(f"/api/flows/{ROUTING}/versions/1/previews",
                        json={"overlay": {"warehouses": {code: {"status": "closed"} for code in winners}}})

    report = wait_done(editor, asked.get_json()["url"])["report"]
    assert report["changed"] == report["orders"] > 0
    assert all(c["proposed"]["routes"]["warehouse"] not in winners for c in report["changed_orders"])


def test_refusals_are_problem_details(seeded_app, problem_of):
    editor = client_as(seeded_app, "editor")

    problem_of(editor.post("/api/flows/nope/versions/1/previews", json={}), 404, "API_FLOW_NOT_FOUND")
    problem_of(editor.post(f"/api/flows/{ROUTING}/versions/9/previews", json={}), 404, "API_VERSION_NOT_FOUND")
    problem_of(editor.post(f"/api/flows/{ROUTING}/versions/x/previews", json={}), 404, "API_VERSION_NOT_FOUND")
    problem_of(editor.get("/api/previews/12345"), 404, "API_PREVIEW_NOT_FOUND")
    limit = problem_of(editor.post(f"/api/flows/{ROUTING}/versions/1/previews", json={"limit": 0}), 422)
    assert limit["problems"][0]["path"] == "body.limit"
    overlay = problem_of(editor.post(f"/api/flows/{ROUTING}/versions/1/previews",
                                     json={"overlay": {"warehouse": {}}}), 422, "RUN_FIELD_INVALID")
    assert overlay["problems"][0]["path"] == "body.overlay.warehouse"
    problem_of(client_as(seeded_app, "operator").post(f"/api/flows/{ROUTING}/versions/1/previews", json={}), 403)
