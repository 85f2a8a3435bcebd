"""Monitoring over HTTP: a version's statistics and heatmap agree with the orders that ran, the incident list
links to the retry, the dashboard counts the window's orders, and ``/metrics`` exposes per-version counters
that move when orders run."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from designer.extensions import db
from runtime.store.versions import publish_document
from tests.auth_support import client_as
from tests.designer import runtime_world
from tests.designer.runtime_world import ingest, paid_order
from tests.designer.test_api_openapi_runtime import check_against
from tests.runtime.monitoring.flows import FAILING

seeded_app, api = runtime_world.seeded_app, runtime_world.api  # fixtures

ROUTING = "multi-factor-routing"
INTAKE = "remote-freight"


def run_orders(client, count: int, first: int = 0) -> None:
    for n in range(first, first + count):
        assert ingest(client, paid_order(n), event_id=f"m-{n}").status_code == 202


def samples(client) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True)) for s in family.samples}


def test_stats_and_heatmap_of_a_version_agree_with_the_orders_that_ran(seeded_app, api):
    run_orders(api, 10)
    reader = client_as(seeded_app, "operator")

    stats = reader.get(f"/api/flows/{ROUTING}/versions/1/stats").get_json()
    heat = reader.get(f"/api/flows/{ROUTING}/versions/1/heatmap").get_json()

    routed = [o for o in api.get("/api/orders?limit=100").get_json()["orders"] if o["status"] in ("routed",
                                                                                                   "backordered")]
    instances = stats["instances"]
    assert instances["started"] == len(routed) > 0
    assert instances["started"] == (instances["completed"] + instances["waiting"] + instances["in_incident"]
                                    + instances["not_applicable"] + instances["cancelled"] + instances["running"])
    assert heat["nodes"]["choose_warehouse"] == stats["nodes"]["choose_warehouse"]["count"] == len(routed)
    left = sum(count for edge, count in heat["edges"].items() if edge.startswith("choose_warehouse|"))
    assert left == len(routed)
    assert heat["edges"]["choose_warehouse|routed|reserve"] == heat["nodes"]["reserve"]
    openapi = reader.get("/api/openapi.json").get_json()
    check_against(openapi, "/api/flows/{key}/versions/{number}/stats", "get", "200", stats)
    check_against(openapi, "/api/flows/{key}/versions/{number}/heatmap", "get", "200", heat)
    later = reader.get(f"/api/flows/{ROUTING}/versions/1/heatmap?since=2999-01-01T00:00:00%2B08:00").get_json()
    assert set(later["nodes"].values()) == {0}


def test_incidents_are_listed_with_their_retry_link(seeded_app, api, problem_of):
    with seeded_app.app_context(), db.database.transaction() as session:
        publish_document(session, FAILING, user="test")
    run_orders(api, 2)

    found = client_as(seeded_app, "reviewer").get("/api/incidents?flow=failing-intake").get_json()

    assert found["total"] == 2
    check_against(api.get("/api/openapi.json").get_json(), "/api/incidents", "get", "200", found)
    first = found["incidents"][0]
    assert first["node"] == "ratio" and first["code"]
    assert first["retry"] == f"/api/instances/{first['instance_id']}/retry"
    assert client_as(seeded_app, "reviewer").get("/api/incidents?flow=nope").get_json()["total"] == 0
    problem_of(api.get("/api/incidents?limit=0"), 422)


def test_metrics_expose_per_version_counters_that_move_when_orders_run(seeded_app, api):
    scraper = client_as(seeded_app, "reviewer")
    started = ("orderloom_instances_started_total", (("flow", INTAKE), ("version", "1")))
    before = samples(scraper)

    run_orders(api, 3)

    after = samples(scraper)
    assert after[started] - before.get(started, 0) == 3  # every paid order runs every intake flow
    steps = {key: value for key, value in after.items()
             if key[0] == "orderloom_steps_total" and ("flow", INTAKE) in key[1]}
    assert sum(steps.values()) - sum(v for k, v in before.items() if k in steps) >= 3
    ended = sum(v for k, v in after.items() if k[0] == "orderloom_instances_ended_total" and ("flow", INTAKE) in k[1])
    assert ended == after[started]

    with seeded_app.app_context(), db.database.transaction() as session:
        publish_document(session, FAILING, user="test")
    run_orders(api, 2, first=3)

    last = samples(scraper)
    assert last[("orderloom_incidents_total", (("flow", "failing-intake"), ("version", "1")))] == 2
    live = ("orderloom_instances_live", (("flow", "failing-intake"), ("status", "incident"), ("version", "1")))
    assert last[live] == 2
    assert last[started] - after[started] == 2
    assert seeded_app.test_client().get("/metrics").status_code == 401


def test_the_dashboard_counts_the_orders_of_its_window(seeded_app, api, problem_of):
    run_orders(api, 6)

    board = client_as(seeded_app, "editor").get("/api/dashboard?window=2h").get_json()

    assert board["window_seconds"] == 7200
    check_against(api.get("/api/openapi.json").get_json(), "/api/dashboard", "get", "200", board)
    assert board["orders_per_minute"]["total"] == 6
    assert sum(sum(v for k, v in point.items() if k != "minute") for point in board["orders_per_minute"]["series"]) == 6
    assert board["routing"]["orders"] == sum(1 for o in api.get("/api/orders").get_json()["orders"]
                                             if o.get("status") == "routed")
    assert board["approvals"]["open"] == len(api.get("/api/tasks?status=active").get_json()["tasks"])
    problem_of(api.get("/api/dashboard?window=forever"), 422)
