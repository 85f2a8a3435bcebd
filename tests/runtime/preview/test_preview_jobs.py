"""Previews as jobs: the stored row and its progress, live ``preview.progress`` events valid against the
published live-events contract, a background run, the previews of a version latest first, refusals."""

from __future__ import annotations

import pytest

from runtime.contracts import validator
from runtime.preview.jobs import LIVE_EVENT, ask_preview, dispatch, execute_preview, get_preview, list_previews
from runtime.service import InputError, NotFound
from tests.runtime.preview import world

ROUTING = "multi-factor-routing"


def test_a_preview_stores_its_progress_and_publishes_it_live(recorded, preview_rt):
    draft = world.add_version(recorded, ROUTING, world.routing_without("hz"))

    asked = ask_preview(preview_rt, ROUTING, draft, {"limit": 300}, "reviewer-1", start=False)
    assert asked["status"] == "queued" and asked["baseline_version"] == 1 and asked["version"] == draft
    assert execute_preview(preview_rt, asked["id"]) == "done"

    events = preview_rt.publisher.of(LIVE_EVENT, room=f"flow:{ROUTING}")
    progress = [(e["data"]["status"], e["data"]["done"]) for e in events]
    assert progress == [("running", 0), ("running", 100), ("running", 200), ("running", 300), ("running", 300),
                        ("done", 300)]
    check = validator("live-events", "published")
    for event in events:
        check.validate(event)
    stored = get_preview(preview_rt, asked["id"])
    assert stored["status"] == "done" and stored["progress"] == {"done": 300, "total": 300, "ratio": 1.0}
    assert stored["report"]["orders"] == 300 and stored["report"]["version"] == draft
    assert execute_preview(preview_rt, asked["id"]) == "done"  # a redelivered task changes nothing
    assert len(preview_rt.publisher.of(LIVE_EVENT)) == len(events)


def test_a_preview_runs_in_the_background_and_the_version_lists_its_previews_latest_first(recorded, preview_rt):
    first = ask_preview(preview_rt, ROUTING, 1, {"limit": 10}, "reviewer-1", start=False)
    second = ask_preview(preview_rt, ROUTING, 1, {"limit": 20}, "reviewer-1", start=False)

    thread = dispatch(preview_rt, second["id"])
    thread.join(timeout=60)

    assert get_preview(preview_rt, second["id"])["status"] == "done"
    listed = list_previews(preview_rt, ROUTING, 1)
    assert [p["id"] for p in listed] == [second["id"], first["id"]]
    assert [p["status"] for p in listed] == ["done", "queued"]
    assert "report" not in listed[0]


def test_refusals_name_what_is_wrong(recorded, preview_rt):
    with pytest.raises(NotFound):
        ask_preview(preview_rt, ROUTING, 99, {}, "reviewer-1", start=False)
    with pytest.raises(NotFound):
        ask_preview(preview_rt, "no-such-flow", 1, {}, "reviewer-1", start=False)
    with pytest.raises(InputError) as bad_overlay:
        ask_preview(preview_rt, ROUTING, 1, {"overlay": {"warehouse": {}}}, "reviewer-1", start=False)
    assert bad_overlay.value.path == "overlay.warehouse"
    with pytest.raises(InputError) as bad_limit:
        ask_preview(preview_rt, ROUTING, 1, {"limit": 5001}, "reviewer-1", start=False)
    assert bad_limit.value.path == "limit"
    broken = world.routing_without("hz")
    broken["edges"].append({"from": "split", "port": "next", "to": "nowhere"})
    number = world.add_version(recorded, ROUTING, broken)
    with pytest.raises(InputError) as invalid:
        ask_preview(preview_rt, ROUTING, number, {}, "reviewer-1", start=False)
    assert invalid.value.code == "RUN_DOCUMENT_INVALID" and invalid.value.problems
