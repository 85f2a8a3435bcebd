"""Signing in and who may do what: password login with a session cookie and CSRF, API tokens, users, groups,
tokens over the API and the CLI, masked customer data, live room joins by session."""

from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from designer.cli import main
from designer.extensions import db
from runtime.store.models import ApiToken, User
from tests.auth_support import client_as, create_user, login, token_for
from tests.designer.runtime_world import ingest, paid_order, seeded_app  # noqa: F401 (fixture)

PASSWORD = "correct horse"


@pytest.fixture
def browser(app):
    """A browser-like client: ``li`` (an editor) exists with a password; nobody is signed in yet."""
    create_user(app, "li", "editor", password=PASSWORD, groups=("finance",))
    return app.test_client()


# ---- the browser: password, cookie, CSRF ----

def test_login_sets_an_httponly_lax_cookie_and_answers_the_user_and_a_csrf_token(browser):
    response = browser.post("/api/auth/login", json={"username": "li", "password": PASSWORD})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["user"] == {"username": "li", "role": "editor", "groups": ["finance"], "display_name": "li"}
    assert len(body["csrf_token"]) >= 32
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("orderloom_session=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    me = browser.get("/api/auth/me").get_json()
    assert me["user"]["username"] == "li" and me["csrf_token"] == body["csrf_token"]


def test_a_wrong_password_or_unknown_user_is_the_same_401(browser, problem_of):
    for username, password in (("li", "wrong password"), ("nobody", PASSWORD)):
        problem_of(browser.post("/api/auth/login", json={"username": username, "password": password}), 401,
                   "API_AUTH_FAILED")
    problem_of(browser.get("/api/auth/me"), 401, "API_AUTH_REQUIRED")
    problem_of(browser.post("/api/auth/login", json={"username": "li"}), 422, "API_FIELD_REQUIRED")


def test_unsafe_cookie_requests_need_the_csrf_header(browser, problem_of):
    csrf = login(browser, "li", PASSWORD)
    doc = {"document": {"format": "orderloom.flow/1"}}
    problem_of(browser.post("/api/dry-runs", json=doc), 403, "API_CSRF_REQUIRED")
    problem_of(browser.post("/api/dry-runs", json=doc, headers={"X-CSRF-Token": "forged"}), 403, "API_CSRF_INVALID")
    passed = browser.post("/api/dry-runs", json=doc, headers={"X-CSRF-Token": csrf})
    assert passed.status_code == 422, "past the guard: the dry run itself refuses the half document"
    assert browser.get("/api/flows").status_code == 200, "reading needs no CSRF token"


def test_logout_ends_the_session(browser, problem_of):
    csrf = login(browser, "li", PASSWORD)
    assert browser.post("/api/auth/logout", headers={"X-CSRF-Token": csrf}).get_json() == {"signed_out": True}
    problem_of(browser.get("/api/auth/me"), 401, "API_AUTH_REQUIRED")


def test_a_deactivated_user_is_signed_out_everywhere(app, browser, client, problem_of):
    login(browser, "li", PASSWORD)
    assert client.patch("/api/users/li", json={"active": False}).status_code == 200
    problem_of(browser.get("/api/auth/me"), 401, "API_AUTH_REQUIRED")
    problem_of(browser.post("/api/auth/login", json={"username": "li", "password": PASSWORD}), 401, "API_AUTH_FAILED")


def test_passwords_are_hashed_and_tokens_stored_as_sha256(app, browser):
    raw = token_for(app, "operator", "bot")
    with app.app_context(), db.database.read() as session:
        stored = session.scalars(select(User.password_hash).where(User.username == "li")).one()
        hashes = set(session.scalars(select(ApiToken.token_hash)))
    assert stored.startswith(("scrypt:", "pbkdf2:")) and PASSWORD not in stored
    assert hashlib.sha256(raw.encode()).hexdigest() in hashes and raw not in hashes


# ---- API tokens ----

def test_a_token_needs_no_csrf_and_a_bad_or_revoked_one_is_401(app, client, problem_of):
    ops = client_as(app, "operator", username="ops")
    assert ops.post("/api/stock", json={"sku": "T-1", "warehouse": "zz", "delta": 1, "reason": "x"}).status_code \
        == 422, "past the guard without any CSRF header"
    for header in ("Bearer olt_nope", "Basic abc", "Bearer "):
        response = app.test_client().get("/api/flows", headers={"Authorization": header})
        problem_of(response, 401, "API_AUTH_INVALID")
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    [token] = client.get("/api/tokens?username=ops").get_json()["tokens"]
    assert client.delete(f"/api/tokens/{token['id']}").get_json()["revoked_at"]
    problem_of(ops.get("/api/flows"), 401, "API_AUTH_INVALID")


def test_tokens_over_the_api_are_shown_once_and_scoped_to_a_role(app, client, problem_of):
    assert client.post("/api/users", json={"username": "tmall-adapter", "role": "operator"}).status_code == 201
    created = client.post("/api/tokens", json={"username": "tmall-adapter", "name": "天猫"})
    assert created.status_code == 201
    body = created.get_json()
    assert body["role"] == "operator" and body["token"].startswith(body["prefix"]) and body["created_by"] == "admin"
    listed = client.get("/api/tokens").get_data(as_text=True)
    assert body["token"] not in listed and body["prefix"] in listed
    adapter = app.test_client()
    adapter.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {body['token']}"
    assert adapter.get("/api/auth/me").get_json() == {
        "user": {"username": "tmall-adapter", "role": "operator", "groups": [], "display_name": "tmall-adapter"},
        "csrf_token": None}
    problem_of(client.post("/api/tokens", json={"username": "tmall-adapter", "role": "admin"}), 422, "API_TOKEN_ROLE")
    problem_of(client.post("/api/tokens", json={"username": "ghost"}), 422, "API_USER_NOT_FOUND")
    narrower = client.post("/api/tokens", json={"username": "admin", "role": "reviewer"}).get_json()
    assert narrower["role"] == "reviewer", "an admin may mint a narrower token for a system"
    problem_of(client.delete("/api/tokens/999999"), 404, "API_TOKEN_NOT_FOUND")


# ---- users and groups ----

def test_users_and_groups_are_managed_by_admins(app, client, problem_of):
    assert client.post("/api/groups", json={"name": "finance", "description": "财务"}).status_code == 201
    problem_of(client.post("/api/groups", json={"name": "finance"}), 409, "API_GROUP_EXISTS")
    problem_of(client.post("/api/groups", json={"name": "Finance Team"}), 422, "API_FIELD_INVALID")
    made = client.post("/api/users", json={"username": "zhang", "role": "operator", "password": "s3cret-pass",
                                           "groups": ["finance"], "display_name": "张会计"})
    assert made.status_code == 201
    assert made.get_json() | {"created_at": None, "updated_at": None} == {
        "username": "zhang", "role": "operator", "groups": ["finance"], "display_name": "张会计", "active": True,
        "has_password": True, "created_at": None, "updated_at": None}
    problem_of(client.post("/api/users", json={"username": "zhang", "role": "operator"}), 409, "API_USER_EXISTS")
    problem_of(client.post("/api/users", json={"username": "wu", "role": "operator", "groups": ["nope"]}), 422,
               "API_GROUP_UNKNOWN")
    problem_of(client.post("/api/users", json={"username": "wu", "role": "boss"}), 422, "API_FIELD_INVALID")
    problem_of(client.post("/api/users", json={"username": "wu", "role": "editor", "password": "short"}), 422,
               "API_FIELD_INVALID")
    assert client.patch("/api/users/zhang", json={"role": "reviewer", "groups": []}).get_json()["role"] == "reviewer"
    problem_of(client.patch("/api/users/ghost", json={"role": "editor"}), 404, "API_USER_NOT_FOUND")
    client.post("/api/users", json={"username": "wu", "role": "operator", "groups": ["finance"]})
    assert client.get("/api/groups").get_json()["groups"] == [{"name": "finance", "description": "财务",
                                                                "members": ["wu"]}], "zhang left finance"
    assert "zhang" in [u["username"] for u in client.get("/api/users").get_json()["users"]]
    assert app.test_client().post("/api/auth/login", json={"username": "zhang", "password": "s3cret-pass"}) \
        .status_code == 200


def test_the_cli_creates_users_and_tokens(app, problem_of):
    runner = CliRunner()
    made = runner.invoke(main, ["user", "create", "chen", "--role", "operator", "--group", "risk",
                                "--password-stdin"], input="a long password\n")
    assert made.exit_code == 0, made.output
    minted = runner.invoke(main, ["token", "create", "--user", "chen", "--name", "风控脚本"])
    assert minted.exit_code == 0, minted.output
    token = minted.stdout.strip().splitlines()[0]
    chen = app.test_client()
    chen.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    assert chen.get("/api/auth/me").get_json()["user"]["groups"] == ["risk"]
    assert runner.invoke(main, ["user", "create", "chen", "--role", "editor"]).exit_code == 2
    assert runner.invoke(main, ["token", "create", "--user", "chen", "--role", "admin"]).exit_code == 2
    assert runner.invoke(main, ["token", "create", "--user", "ghost"]).exit_code == 2


# ---- customer data ----

def test_phone_and_address_are_masked_for_all_but_operators_and_admins(seeded_app):  # noqa: F811
    operator = client_as(seeded_app, "operator")
    order_id = ingest(operator, paid_order(3)).get_json()["order_id"]
    full = operator.get(f"/api/orders/{order_id}").get_json()
    phone = full["phone"]
    assert len(phone) == 11 and full["address"]["detail"], "operators see everything"
    for role in ("editor", "reviewer"):
        viewer = client_as(seeded_app, role)
        order = viewer.get(f"/api/orders/{order_id}").get_json()
        masked = f"{phone[:3]}****{phone[-4:]}"
        assert order["phone"] == masked and order["customer"]["phone"] == masked
        assert order["address"] == {k: full["address"][k] for k in ("country", "province", "city", "region")}
        listed = viewer.get("/api/orders").get_json()["orders"]
        timeline = viewer.get(f"/api/orders/{order_id}/timeline").get_data(as_text=True)
        assert phone not in viewer.get("/api/orders").get_data(as_text=True) and phone not in timeline
        assert all("****" in o["phone"] for o in listed)
        assert full["address"]["detail"] not in viewer.get(f"/api/orders/{order_id}").get_data(as_text=True)


# ---- live rooms, by the browser's session ----

def test_live_room_joins_follow_the_signed_in_users_groups(app, browser):
    from runtime.live.socket_server import register_socketio

    sio = register_socketio(app)
    anonymous = sio.test_client(app, flask_test_client=app.test_client())
    assert anonymous.emit("join", {"room": "order:1"}, callback=True)["error"]["code"] == "ROOM_FORBIDDEN"
    login(browser, "li", PASSWORD)
    li = sio.test_client(app, flask_test_client=browser)
    assert li.emit("join", {"room": "order:1"}, callback=True)["ok"]
    assert li.emit("join", {"room": "group:finance"}, callback=True)["ok"], "li is in finance"
    assert li.emit("join", {"room": "group:risk"}, callback=True)["error"]["code"] == "ROOM_FORBIDDEN"


def test_a_token_stops_working_when_its_user_loses_the_role(app, client, problem_of):
    boss = client_as(app, "admin", username="boss")
    assert client.patch("/api/users/boss", json={"role": "editor"}).status_code == 200
    problem_of(boss.get("/api/users"), 401, "API_AUTH_INVALID")


def test_the_last_active_admin_stays_one(app, client, problem_of):
    problem_of(client.patch("/api/users/admin", json={"role": "editor"}), 409, "API_LAST_ADMIN")
    problem_of(client.patch("/api/users/admin", json={"active": False}), 409, "API_LAST_ADMIN")
    client_as(app, "admin", username="second-admin")
    assert client.patch("/api/users/admin", json={"role": "reviewer"}).status_code == 200
