"""The permission matrix: every route of the app × every role and anonymous, against DESIGN's role table.

The routes come from ``app.url_map`` (whatever is registered when the test runs), so an endpoint missing
from ``designer/auth/policy.RULES`` fails here. Each request carries dummy ids and an empty body: a role
that holds the permission gets past the guard (any answer but 401 and the guard's 403), one that does not
gets 403 ``API_FORBIDDEN``, and anonymous callers 401 ``API_AUTH_REQUIRED`` (public endpoints excepted).
"""

from __future__ import annotations

import re

import pytest

from designer.auth.policy import PERMISSIONS, RULES
from tests.auth_support import client_as

ROLES = ("editor", "reviewer", "operator", "admin")
#: DESIGN "Users, roles, groups", written out again here: who holds each permission
DESIGN_TABLE = {
    "public": set(),
    "read": {"editor", "reviewer", "operator", "admin"},
    "flow.edit": {"editor", "admin"},  # create and edit drafts, submit
    "dry_run": {"editor", "reviewer", "admin"},  # test runs and previews while designing and reviewing
    "flow.review": {"reviewer", "admin"},  # approve / reject, publish, canary, promote, roll back
    "audit.read": {"reviewer", "admin"},
    "order.ingest": {"operator", "admin"},
    "ops": {"operator", "admin"},  # tasks, holds, incidents, warehouses, stock
    "admin": {"admin"},  # users, groups, tokens, connections
}
SKIPPED_METHODS = {"HEAD", "OPTIONS"}
_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


def routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url with dummy arguments) for every route of the app."""
    found = []
    for rule in app.url_map.iter_rules():
        url = _ARG.sub("999999", rule.rule)  # an id nobody has: nothing real is changed
        for method in sorted((rule.methods or set()) - SKIPPED_METHODS):
            found.append((rule.endpoint, method, url))
    return sorted(found)


def call(client, method: str, url: str):
    return client.open(url, method=method, json={} if method in ("POST", "PUT", "PATCH", "DELETE") else None)


def test_the_permissions_are_designs_role_table():
    assert {name: set(roles) for name, roles in PERMISSIONS.items()} == DESIGN_TABLE


def test_every_endpoint_has_a_rule_and_every_rule_an_endpoint(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert sorted(endpoints - RULES.keys()) == [], "add these endpoints to designer/auth/policy.py RULES"
    assert sorted(RULES.keys() - endpoints) == [], "RULES names endpoints that no longer exist"
    assert set(RULES.values()) <= PERMISSIONS.keys()


def test_every_route_answers_every_role_as_the_table_says(app):
    clients = {role: client_as(app, role, username=f"matrix-{role}") for role in ROLES}
    clients[None] = app.test_client()
    wrong = []
    for endpoint, method, url in routes(app):
        permission = RULES[endpoint]
        for role, client in clients.items():
            response = call(client, method, url)
            got = (response.status_code, _codes(response))
            if permission == "public":
                expected_ok = response.status_code not in (401,) and "API_FORBIDDEN" not in got[1]
            elif role is None:
                expected_ok = got[0] == 401 and "API_AUTH_REQUIRED" in got[1]
            elif role in DESIGN_TABLE[permission]:
                expected_ok = got[0] != 401 and "API_FORBIDDEN" not in got[1] and got[0] < 500
            else:
                expected_ok = got[0] == 403 and "API_FORBIDDEN" in got[1]
            if not expected_ok:
                wrong.append(f"{method} {url} ({endpoint}, {permission}) as {role or 'anonymous'}: {got}")
    assert wrong == []


def test_an_endpoint_without_a_rule_is_refused_even_to_an_admin(app, client, monkeypatch, problem_of):
    monkeypatch.delitem(RULES, "warehouses.list_warehouses")
    body = problem_of(client.get("/api/warehouses"), 403, "API_FORBIDDEN")
    assert "no rule" in body["problems"][0]["message_en"]


@pytest.mark.parametrize(("role", "method", "url", "status"), [
    ("editor", "POST", "/api/tasks/1/decide", 403),  # business staff never decide tasks
    ("reviewer", "POST", "/api/orders/events", 403),  # nor do IT reviewers ingest orders
    ("operator", "POST", "/api/dry-runs", 403),  # operators work orders, not flows
    ("operator", "GET", "/api/audit", 403),
    ("reviewer", "GET", "/api/audit", 200),
    ("editor", "POST", "/api/users", 403),
    ("admin", "GET", "/api/users", 200),
])
def test_designs_sentences_one_by_one(app, role, method, url, status):
    response = call(client_as(app, role), method, url)
    assert response.status_code == status, response.get_data(as_text=True)


def _codes(response) -> list[str]:
    body = response.get_json(silent=True) if response.is_json else None
    return [p.get("code") for p in body.get("problems", [])] if isinstance(body, dict) else []
