"""Orders, tasks, instances and dry runs over HTTP: idempotent ingest, located 422s, 404s and 409s."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from tests.auth_support import client_as
from tests.designer import runtime_world
from tests.designer.runtime_world import ingest, paid_order

seeded_app, api = runtime_world.seeded_app, runtime_world.api  # fixtures

ROOT = Path(__file__).resolve().parents[2]
BIG_LINE = {"sku": "ELE-001", "name": "电视", "qty": 1, "price": "6999.00", "weight_kg": "12"}


def test_the_same_event_twice_gives_the_same_answer_and_one_order(api):
    payload = paid_order(1)
    first = ingest(api, payload, event_id="evt-42")
    assert first.status_code == 202, first.get_data(as_text=True)
    body = first.get_json()
    assert body["duplicate"] is False and body["event_seq"] == 1
    again = ingest(api, payload, event_id="evt-42")
    assert again.status_code == 200
    assert again.get_json() == {**body, "duplicate": True, "status": again.get_json()["status"]}
    other_source = ingest(api, payload, event_id="evt-42", source="erp")
    assert other_source.get_json()["order_id"] == body["order_id"], "the same channel order number"
    assert other_source.get_json()["duplicate"] is False
    orders = api.get(f"/api/orders?q={payload['channel_order_no']}").get_json()["orders"]
    assert [o["id"] for o in orders] == [body["order_id"]]
    timeline = api.get(f"/api/orders/{body['order_id']}/timeline").get_json()
    assert len([i for s in timeline["stages"] if s["stage"] == "intake" for i in s["instances"]]) == 4, \
        "the resend started nothing"


def test_payload_problems_are_422_at_body_payload_paths(api, problem_of):
    broken = paid_order(2)
    broken["lines"][0]["qty"] = "lots"
    body = problem_of(ingest(api, broken), 422)
    assert body["problems"][0]["path"] == "body.payload.lines[0].qty"
    assert body["problems"][0]["code"] == "RUN_FIELD_TYPE" and body["runtime_code"] == "RUN_FIELD_TYPE"
    assert "RUN_FIELD_TYPE" in {c["code"] for c in api.get("/api/problem-codes").get_json()["codes"]}
    body = problem_of(ingest(api, paid_order(3), kind="order.teleported"), 422, "RUN_EVENT_KIND")
    assert body["problems"][0]["path"] == "body.kind"
    problem_of(api.post("/api/orders/events", json={"source": "x", "kind": "order.paid", "payload": {}}), 422,
               "API_FIELD_REQUIRED")
    problem_of(api.post("/api/orders/events", json={"source": "x", "event_id": "1", "kind": "order.paid",
                                                    "payload": []}), 422, "API_FIELD_TYPE")
    missing = problem_of(ingest(api, {"order_id": 424242}, kind="order.cancelled"), 422, "RUN_ORDER_UNKNOWN")
    assert missing["problems"][0]["path"] == "body.payload.order_id"


def test_list_search_get_and_404s(api, problem_of):
    ids = [ingest(api, paid_order(n), event_id=f"e{n}").get_json()["order_id"] for n in range(4)]
    listed = api.get("/api/orders?limit=2").get_json()
    assert [o["id"] for o in listed["orders"]] == ids[::-1][:2] and listed["limit"] == 2
    one = api.get(f"/api/orders/{ids[0]}").get_json()
    assert one["id"] == ids[0] and one["lines"] and one["customer"]["tier"] in ("VIP", "GOLD", "SILVER", "NORMAL")
    by_channel = api.get(f"/api/orders?channel={one['channel']}").get_json()["orders"]
    assert ids[0] in [o["id"] for o in by_channel] and {o["channel"] for o in by_channel} == {one["channel"]}
    assert api.get(f"/api/orders?q={one['phone']}").get_json()["orders"]
    problem_of(api.get("/api/orders?status=lost"), 422, "API_FIELD_INVALID")
    for url in ("/api/orders/999999", "/api/orders/abc", "/api/orders/0", "/api/orders/99999999999999999999",
                "/api/orders/999999/timeline"):
        problem_of(api.get(url), 404, "API_ORDER_NOT_FOUND")
    problem_of(api.post("/api/orders/999999/release-hold", json={"reason": "x"}), 404, "API_ORDER_NOT_FOUND")


def test_tasks_inbox_claim_reassign_decide(seeded_app, api, problem_of):
    fin_a = client_as(seeded_app, "operator", username="fin-a", groups=("finance",))
    fin_mgr = client_as(seeded_app, "operator", username="fin-mgr", groups=("finance-manager",))
    risk = client_as(seeded_app, "operator", username="risk-li", groups=("risk",))
    order_id = ingest(api, paid_order(5, lines=[BIG_LINE], total="6999.00")).get_json()["order_id"]
    [task] = fin_a.get("/api/tasks?group=finance&status=open").get_json()["tasks"]
    assert task["order_id"] == order_id and fin_a.get(f"/api/tasks/{task['id']}").get_json()["id"] == task["id"]
    problem_of(risk.post(f"/api/tasks/{task['id']}/claim", json={}), 403, "API_FORBIDDEN_GROUP")
    claimed = fin_a.post(f"/api/tasks/{task['id']}/claim", json={}).get_json()
    assert claimed["assignee"] == "fin-a", "the signed-in user claims it"
    taken = problem_of(api.post(f"/api/tasks/{task['id']}/claim", json={"user": "fin-b"}), 409, "RUN_TASK_CLAIMED")
    assert taken["runtime_code"] == "RUN_TASK_CLAIMED"
    problem_of(fin_a.post(f"/api/tasks/{task['id']}/reassign", json={}), 422, "API_FIELD_INVALID")
    moved = fin_a.post(f"/api/tasks/{task['id']}/reassign", json={"group": "finance-manager"})
    assert (moved.get_json()["group"], moved.get_json()["status"]) == ("finance-manager", "open")
    problem_of(fin_a.post(f"/api/tasks/{task['id']}/decide", json={"decision": "approved"}), 403,
               "API_FORBIDDEN_GROUP")
    problem_of(fin_mgr.post(f"/api/tasks/{task['id']}/decide", json={"decision": "maybe"}), 422, "API_FIELD_INVALID")
    decided = fin_mgr.post(f"/api/tasks/{task['id']}/decide", json={"decision": "approved", "form": {"comment": "ok"}})
    assert decided.status_code == 200 and decided.get_json()["decided_by"] == "fin-mgr"
    problem_of(api.post(f"/api/tasks/{task['id']}/decide", json={"decision": "approved"}), 409, "RUN_TASK_CLOSED")
    assert api.get("/api/tasks?status=decided").get_json()["tasks"][0]["id"] == task["id"]
    for url in ("/api/tasks/999999", "/api/tasks/x"):
        problem_of(api.get(url), 404, "API_TASK_NOT_FOUND")
    problem_of(api.post("/api/tasks/999999/decide", json={"decision": "approved"}), 404, "API_TASK_NOT_FOUND")
    problem_of(api.get("/api/tasks?status=done"), 422, "API_FIELD_INVALID")


def test_instances_get_cancel_retry(api, problem_of):
    order_id = ingest(api, paid_order(6, lines=[BIG_LINE], total="6999.00")).get_json()["order_id"]
    [task] = api.get(f"/api/tasks?order_id={order_id}").get_json()["tasks"]
    instance = api.get(f"/api/instances/{task['instance_id']}").get_json()
    assert (instance["flow"], instance["status"]) == ("high-value-approval", "waiting")
    problem_of(api.post(f"/api/instances/{task['instance_id']}/retry", json={}), 409, "RUN_INSTANCE_STATE")
    problem_of(api.post(f"/api/instances/{task['instance_id']}/cancel", json={}), 422, "API_FIELD_REQUIRED")
    cancelled = api.post(f"/api/instances/{task['instance_id']}/cancel", json={"reason": "客户撤单"})
    assert cancelled.status_code == 200 and cancelled.get_json()["status"] == "cancelled"
    assert api.get(f"/api/tasks/{task['id']}").get_json()["status"] == "cancelled"
    problem_of(api.post(f"/api/instances/{task['instance_id']}/cancel", json={"reason": "x"}), 409,
               "RUN_INSTANCE_STATE")
    problem_of(api.get("/api/instances/999999"), 404, "API_INSTANCE_NOT_FOUND")
    problem_of(api.post("/api/instances/0/retry", json={}), 404, "API_INSTANCE_NOT_FOUND")


def test_flows_list_in_pipeline_order_with_active_versions(api, problem_of):
    flows = api.get("/api/flows").get_json()["flows"]
    assert [f["kind"] for f in flows] == sorted((f["kind"] for f in flows), key=[
        "intake", "approval", "routing", "return", "subflow"].index)
    intake = [f["key"] for f in flows if f["kind"] == "intake"]
    assert intake == ["brushing-risk", "cross-border-compliance", "remote-freight", "vip-gift"]
    assert all(f["active_version"]["number"] == 1 and f["active_version"]["state"] == "published" for f in flows)
    one = api.get("/api/flows/high-value-approval").get_json()
    assert one["document"]["kind"] == "approval" and one["dsl"].startswith("flow high-value-approval")
    assert [f["key"] for f in api.get("/api/flows?kind=return").get_json()["flows"]] == ["channel-returns"]
    problem_of(api.get("/api/flows/nope"), 404, "API_FLOW_NOT_FOUND")
    problem_of(api.get("/api/flows?kind=other"), 422, "API_FIELD_INVALID")


@pytest.fixture
def approval_doc():
    from dsl.validation import validate_source

    text = (ROOT / "templates" / "s1-high-value-approval.flow").read_text(encoding="utf-8")
    return validate_source(text, syntax="dsl").document, text


def test_dry_run_of_a_document_and_of_dsl_text(api, approval_doc, problem_of):
    doc, text = approval_doc
    order = paid_order(7, lines=[BIG_LINE], total="6999.00")
    answer = api.post("/api/dry-runs", json={"document": doc, "order": order, "human": "reject"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    assert body["outcome"] == "rejected" and body["steps"]
    as_text = api.post("/api/dry-runs", json={"dsl": text, "order": order}).get_json()
    assert as_text["outcome"] == "approved"
    assert api.get("/api/orders").get_json()["orders"] == [], "a dry run stores nothing"


def test_dry_run_of_a_draft_with_problems_is_a_422_with_the_problems(api, approval_doc, problem_of):
    doc, text = approval_doc
    broken = copy.deepcopy(doc)
    broken["nodes"][0]["config"]["sla"] = "four hours"
    body = problem_of(api.post("/api/dry-runs", json={"document": broken, "order": paid_order(8)}), 422,
                      "DOC_DURATION")
    assert body["problems"][0]["path"] == "body.document.nodes[0].config.sla"
    bad_text = text.replace('sla: "4h"', 'sla: "four hours"')
    body = problem_of(api.post("/api/dry-runs", json={"dsl": bad_text, "order": paid_order(8)}), 422, "DOC_DURATION")
    assert body["problems"][0]["line"] > 1
    problem_of(api.post("/api/dry-runs", json={"order": paid_order(8)}), 422, "API_ONE_OF")
    problem_of(api.post("/api/dry-runs", json={"document": doc, "order": paid_order(8), "human": "maybe"}), 422)
