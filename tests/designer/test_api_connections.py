"""Connections: admin-managed endpoints; the secret goes in and never comes back out."""

from __future__ import annotations

from tests.auth_support import client_as


def test_connections_crud_never_returns_the_secret(app, problem_of):
    client = client_as(app, "admin", username="admin-li")
    assert client.get("/api/connections").get_json() == {"connections": []}
    put = client.put("/api/connections/erp", json={"base_url": "https://erp.example.com/api", "secret": "s3cr3t",
                                                    "timeout_ms": 2500})
    assert put.status_code == 200, put.get_data(as_text=True)
    body = put.get_json()
    assert "secret" not in body and body["has_secret"] is True and body["updated_by"] == "admin-li"
    assert (body["base_url"], body["timeout_ms"], body["demo"]) == ("https://erp.example.com/api", 2500, False)
    again = client.put("/api/connections/erp", json={"base_url": "https://erp2.example.com"}).get_json()
    assert again["has_secret"] is True, "left out on an update, the secret stays"
    assert again["timeout_ms"] == 5000
    cleared = client.put("/api/connections/erp", json={"base_url": "https://erp2.example.com", "secret": ""})
    assert cleared.get_json()["has_secret"] is False
    listed = client.get("/api/connections").get_data(as_text=True)
    assert "s3cr3t" not in listed and "erp2.example.com" in listed
    assert client.get("/api/connections/erp").get_json()["name"] == "erp"
    assert client.delete("/api/connections/erp").status_code == 200
    problem_of(client.get("/api/connections/erp"), 404, "API_CONNECTION_NOT_FOUND")
    problem_of(client.delete("/api/connections/erp"), 404, "API_CONNECTION_NOT_FOUND")


def test_connection_input_is_checked(client, problem_of):
    body = problem_of(client.put("/api/connections/x", json={"base_url": "file:///etc/passwd"}), 422)
    assert body["problems"][0]["path"] == "body.base_url"
    problem_of(client.put("/api/connections/x", json={"base_url": "http://h", "timeout_ms": 0}), 422)
    problem_of(client.put("/api/connections/x", json={}), 422, "API_FIELD_REQUIRED")
    problem_of(client.put("/api/connections/Bad Name", json={"base_url": "http://h"}), 422, "API_FIELD_INVALID")
    problem_of(client.put("/api/connections/x", data="base_url=http://h",
                          content_type="application/x-www-form-urlencoded"), 415)
