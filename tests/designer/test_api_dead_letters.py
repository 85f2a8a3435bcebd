"""Dead letters: listed with their last error, redriven back to pending or discarded, once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from designer.extensions import db
from runtime.store import outbox
from runtime.store.models import OutboxEffect

NOW = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def letters(app):
    """Two dead letters and one pending effect."""
    ids = []
    with app.app_context(), db.database.transaction() as session:
        for n, status in enumerate(("dead", "dead", "pending")):
            effect_id = outbox.enqueue_effect(session, kind="notify", idempotency_key=f"i1/notify/{n}",
                                              payload={"data": {"message": f"m{n}"}}, connection_name="notify_sms",
                                              now=NOW)
            row = session.get(OutboxEffect, effect_id)
            row.status, row.attempts, row.last_error = status, 8, "HTTP 503" if status == "dead" else None
            ids.append(effect_id)
    return ids


def test_list_redrive_discard(client, letters, problem_of):
    listed = client.get("/api/dead-letters").get_json()
    assert listed["total"] == 2 and [d["id"] for d in listed["items"]] == [letters[1], letters[0]]
    assert listed["items"][0]["last_error"] == "HTTP 503" and listed["items"][0]["connection"] == "notify_sms"
    redriven = client.post(f"/api/dead-letters/{letters[0]}/redrive", json={})
    assert redriven.status_code == 200, redriven.get_data(as_text=True)
    assert (redriven.get_json()["status"], redriven.get_json()["attempts"]) == ("pending", 0)
    problem_of(client.post(f"/api/dead-letters/{letters[0]}/redrive"), 409, "API_DEAD_LETTER_STATE")
    discarded = client.post(f"/api/dead-letters/{letters[1]}/discard")
    assert discarded.get_json()["status"] == "discarded"
    problem_of(client.post(f"/api/dead-letters/{letters[1]}/discard"), 409, "API_DEAD_LETTER_STATE")
    problem_of(client.post(f"/api/dead-letters/{letters[2]}/discard"), 409, "API_DEAD_LETTER_STATE")
    assert client.get("/api/dead-letters").get_json()["total"] == 0
    assert client.get("/api/dead-letters?status=discarded").get_json()["items"][0]["id"] == letters[1]
    assert client.get(f"/api/dead-letters/{letters[1]}").get_json()["status"] == "discarded"
    problem_of(client.get("/api/dead-letters/999999"), 404, "API_DEAD_LETTER_NOT_FOUND")
    problem_of(client.post("/api/dead-letters/abc/redrive"), 404, "API_DEAD_LETTER_NOT_FOUND")
    problem_of(client.get("/api/dead-letters?status=lost"), 422, "API_FIELD_INVALID")
