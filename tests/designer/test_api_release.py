"""The release over HTTP: publish active or as a candidate, change its share, promote, roll back in one call,
retire, the guardrail's settings; every write audited; `orderloom publish` is admin-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from designer.cli import main
from tests.designer.flow_support import People, approve, audit_actions, create_from_template, edit, ok

ROOT = Path(__file__).resolve().parents[2]
KEY = "gift"


@pytest.fixture
def people(app) -> People:
    people = People(app)
    create_from_template(people.editor, KEY, "vip-gift", "intake")
    approve(people, KEY, 1)
    ok(people.reviewer.post(f"/api/flows/{KEY}/versions/1/publish", json={"mode": "active"}))
    return people


def _version_2(people: People, approved: bool = True) -> None:
    ok(people.editor.post(f"/api/flows/{KEY}/versions", json={"based_on": 1}), 201)
    edit(people.editor, KEY, 2, lambda d: d.update(description="送两件赠品"))
    if approved:
        approve(people, KEY, 2)


def test_a_candidate_at_a_percentage_then_more_then_promoted(people, app, problem_of):
    _version_2(people)
    url = f"/api/flows/{KEY}"
    release = ok(people.reviewer.post(f"{url}/versions/2/publish", json={"mode": "candidate", "percent": 10}))
    assert (release["active"]["number"], release["candidate"]["number"], release["candidate"]["percent"]) == (1, 2, 10)
    assert ok(people.editor.get(url))["candidate"] == {"number": 2, "percent": 10, "segment": None}
    raised = ok(people.reviewer.put(f"{url}/release/candidate", json={"percent": 50}))
    assert raised["candidate"]["percent"] == 50 and raised["candidate"]["since"] == release["candidate"]["since"]
    segment = ok(people.reviewer.put(f"{url}/release/candidate", json={"segment": 'customer.tier == "VIP"'}))
    assert (segment["candidate"]["percent"], segment["candidate"]["segment"]) == (None, 'customer.tier == "VIP"')
    problem_of(people.reviewer.put(f"{url}/release/candidate", json={"percent": 5, "segment": "true"}), 422)
    problem_of(people.reviewer.put(f"{url}/release/candidate", json={"percent": 0}), 422)
    problem_of(people.reviewer.put(f"{url}/release/candidate", json={"segment": "order.total +"}), 422)
    problem_of(people.editor.put(f"{url}/release/candidate", json={"percent": 20}), 403, "API_FORBIDDEN")

    promoted = ok(people.reviewer.post(f"{url}/release/promote"))
    assert promoted["active"]["number"] == 2 and promoted["candidate"] is None
    states = {v["number"]: v["state"] for v in ok(people.editor.get(f"{url}/versions"))["versions"]}
    assert states == {1: "retired", 2: "published"}
    assert [h["action"] for h in promoted["history"]] == ["promote", "candidate", "candidate", "candidate",
                                                          "activate"]
    assert [a for a in audit_actions(app, KEY) if a[1].startswith("release.")] == [
        ("wang", "release.activate", "ok"), ("wang", "release.candidate", "ok"), ("wang", "release.candidate", "ok"),
        ("wang", "release.candidate", "ok"), ("wang", "release.promote", "ok")]


def test_publishing_needs_an_approved_version_and_one_candidate_at_a_time(people, problem_of):
    url = f"/api/flows/{KEY}"
    _version_2(people, approved=False)
    problem_of(people.reviewer.post(f"{url}/versions/2/publish", json={"mode": "active"}), 409, "API_VERSION_STATE")
    approve(people, KEY, 2)
    problem_of(people.reviewer.post(f"{url}/versions/2/publish", json={"mode": "candidate"}), 422)
    problem_of(people.reviewer.post(f"{url}/versions/2/publish", json={"mode": "active", "percent": 5}), 422)
    problem_of(people.reviewer.post(f"{url}/versions/2/publish", json={"mode": "candidate",
                                                                       "segment": "customer.nope"}), 422)
    problem_of(people.editor.post(f"{url}/versions/2/publish", json={"mode": "active"}), 403, "API_FORBIDDEN")
    ok(people.reviewer.post(f"{url}/versions/2/publish", json={"mode": "candidate", "percent": 10}))
    ok(people.editor.post(f"{url}/versions", json={"based_on": 2}), 201)
    approve(people, KEY, 3)
    problem_of(people.reviewer.post(f"{url}/versions/3/publish", json={"mode": "candidate", "percent": 10}), 409,
               "API_RELEASE_STATE")
    problem_of(people.reviewer.post(f"{url}/versions/2/retire"), 409, "API_VERSION_STATE")
    retired = ok(people.reviewer.post(f"{url}/versions/3/retire"))
    assert retired["state"] == "retired" and retired["retired_at"]


def test_rollback_withdraws_the_candidate_else_reactivates_the_previous_version(people, app, problem_of):
    url = f"/api/flows/{KEY}"
    problem_of(people.reviewer.post(f"{url}/release/rollback", json={}), 409, "API_RELEASE_STATE")
    _version_2(people)
    ok(people.reviewer.post(f"{url}/versions/2/publish", json={"mode": "candidate", "percent": 10}))
    withdrew = ok(people.reviewer.post(f"{url}/release/rollback", json={"comment": "先停"}))
    assert (withdrew["done"], withdrew["candidate"], withdrew["active"]["number"]) == ("withdrew", None, 1)
    assert ok(people.editor.get(f"{url}/versions/2"))["state"] == "retired"

    ok(people.editor.post(f"{url}/versions", json={"based_on": 2}), 201)
    approve(people, KEY, 3)
    ok(people.reviewer.post(f"{url}/versions/3/publish", json={"mode": "active"}))
    back = ok(people.reviewer.post(f"{url}/release/rollback", json={"comment": "回到上一版"}))
    assert (back["done"], back["active"]["number"]) == ("reactivated", 1)
    assert ok(people.editor.get(f"{url}/versions/3"))["state"] == "retired"
    assert ("wang", "release.rollback", "ok") in audit_actions(app, KEY)
    problem_of(people.reviewer.post(f"{url}/release/rollback", json={}), 409, "API_RELEASE_STATE")
    problem_of(people.reviewer.post(f"{url}/release/promote"), 409, "API_RELEASE_STATE")


def test_the_guardrail_settings_are_per_flow(people, app, problem_of):
    url = f"/api/flows/{KEY}/release"
    assert ok(people.editor.get(url))["auto_rollback"] == {"enabled": True, "min_sample": 50,
                                                           "incident_margin": "5", "sla_margin": "5", "reading": None}
    changed = ok(people.reviewer.put(f"{url}/auto-rollback", json={"min_sample": 200, "incident_margin": "2.5"}))
    assert (changed["auto_rollback"]["min_sample"], changed["auto_rollback"]["incident_margin"]) == (200, "2.500")
    problem_of(people.reviewer.put(f"{url}/auto-rollback", json={"min_sample": 0}), 422)
    problem_of(people.editor.put(f"{url}/auto-rollback", json={"enabled": False}), 403, "API_FORBIDDEN")
    assert ("wang", "release.guard", "ok") in audit_actions(app, KEY)


def test_orderloom_publish_is_admin_only_once_users_exist(people, app):
    flow = str(ROOT / "templates" / "s2-remote-freight.flow")
    refused = CliRunner().invoke(main, ["publish", "--user", "zhang", flow])
    assert refused.exit_code == 2 and "admin-only" in refused.output
    assert ("zhang", "cli.publish", "refused") in audit_actions(app)
    done = CliRunner().invoke(main, ["publish", "--user", "root", flow])
    assert done.exit_code == 0, done.output
    assert ("root", "release.activate", "ok") in audit_actions(app, "remote-freight")
