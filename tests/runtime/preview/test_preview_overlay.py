"""What-if overlays on a recorded snapshot: a closed warehouse (candidate and context agree), a weather alert
merged into the context feeds, and refusals with the path of what is wrong."""

from __future__ import annotations

import pytest

from runtime.engine import build_snapshot
from runtime.preview.overlay import apply_overlay, check_overlay
from runtime.service import InputError

STORED = build_snapshot(
    {"id": "1", "total": "100.00", "lines": []}, {"tier": "NORMAL"}, None,
    {"weather": {"east": {"level": 0, "label": "无预警"}, "south": {"level": 1, "label": "蓝色"}}},
    [{"id": "hz", "region": "east", "status": "open", "load": "0.2", "cost": "3.00"},
     {"id": "gz", "region": "south", "status": "open", "load": "0.5", "cost": "7.00"}]).to_dict()


def test_closing_a_warehouse_changes_the_candidate_and_the_context_alike():
    changed = build_snapshot(**apply_overlay(STORED, {"warehouses": {"hz": {"status": "closed"}}}))

    assert [w["status"] for w in changed.warehouses] == ["closed", "open"]
    assert changed.context["warehouses"]["hz"]["status"] == "closed"
    assert changed.context["warehouses"]["gz"]["status"] == "open"
    assert STORED["warehouses"][0]["status"] == "open"  # the recorded snapshot is left as it was


def test_an_orange_weather_alert_in_the_east_is_merged_into_the_context():
    changed = apply_overlay(STORED, {"context": {"weather": {"east": {"level": 3, "label": "橙色"}}}})

    assert changed["context"]["weather"] == {"east": {"level": 3, "label": "橙色"},
                                             "south": {"level": 1, "label": "蓝色"}}


def test_a_warehouse_the_order_could_not_use_stays_absent():
    changed = apply_overlay(STORED, {"warehouses": {"bj": {"status": "closed"}}})

    assert [w["id"] for w in changed["warehouses"]] == ["hz", "gz"]


@pytest.mark.parametrize(("overlay", "path"), [
    ([], "overlay"),
    ({"weather": {}}, "overlay.weather"),
    ({"context": "orange"}, "overlay.context"),
    ({"warehouses": {"hz": "closed"}}, "overlay.warehouses.hz"),
])
def test_malformed_overlays_are_refused_at_their_path(overlay, path):
    with pytest.raises(InputError) as refused:
        check_overlay(overlay)
    assert refused.value.path == path
