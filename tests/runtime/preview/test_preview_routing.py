"""Impact preview of routing changes over 1,000 recorded orders: a route filter that excludes hz moves exactly
the orders hz won (to the warehouse that was their runner-up), an unchanged copy changes nothing, and the same
question asked as a what-if overlay ("hz closed") gives the same answer."""

from __future__ import annotations

from runtime.preview.jobs import ask_preview, execute_preview, get_preview
from tests.runtime.preview import world

ROUTING = "multi-factor-routing"
ACTIVE = 1


def preview(rt, number: int, **params) -> dict:
    asked = ask_preview(rt, ROUTING, number, params, "reviewer-1", start=False)
    assert execute_preview(rt, asked["id"]) == "done"
    return get_preview(rt, asked["id"])["report"]


def new_warehouses(report: dict) -> dict[int, str]:
    return {c["order_id"]: c["proposed"]["routes"]["warehouse"] for c in report["changed_orders"]}


def recorded_runners_up(db) -> dict[int, str]:
    from sqlalchemy import select

    from runtime.store.models import Step

    with db.read() as session:
        rows = session.execute(select(Step.order_id, Step.explanation).where(Step.node_type == "route")
                               .order_by(Step.id)).all()
    return {order_id: explanation.get("runner_up") for order_id, explanation in rows}


def test_a_filter_excluding_hz_moves_exactly_the_orders_hz_won_and_no_others(recorded, preview_rt):
    draft = world.add_version(recorded, ROUTING, world.routing_without("hz"))

    report = preview(preview_rt, draft)

    winners = world.recorded_winners(recorded)
    won_by_hz = {order_id for order_id, winner in winners.items() if winner == "hz"}
    assert report["orders"] == 1000 and len(winners) == 1000
    assert 0 < len(won_by_hz) < 1000
    assert set(report["changes"]) == {"route.warehouse"}
    moved = new_warehouses(report)
    assert set(moved) == won_by_hz
    runners_up = recorded_runners_up(recorded)
    assert moved == {order_id: runners_up[order_id] for order_id in won_by_hz}
    assert report["routing"]["warehouse"]["moved"] == len(won_by_hz)
    assert sum(s["count"] for s in report["routing"]["warehouse"]["shifts"] if s["from"] == "hz") == len(won_by_hz)
    assert report["changed"] == len(won_by_hz) and report["unchanged"] == 1000 - len(won_by_hz)
    example = report["changes"]["route.warehouse"]["examples"][0]
    assert example["timeline"] == f"/api/orders/{example['order_id']}/timeline"


def test_an_unchanged_copy_of_the_active_version_changes_nothing(recorded, preview_rt):
    copy = world.add_version(recorded, ROUTING, world.template("s5-multi-factor-routing"))

    report = preview(preview_rt, copy)

    assert report["orders"] == 1000
    assert report["changed"] == 0 and report["changes"] == {} and report["changed_orders"] == []
    assert report["outcomes"]["baseline"] == report["outcomes"]["proposed"]
    assert report["shipping"]["cost_delta"] == "0.00"


def test_the_what_if_overlay_hz_closed_gives_the_same_answer_as_the_filter(recorded, preview_rt):
    draft = world.add_version(recorded, ROUTING, world.routing_without("hz"))
    by_filter = preview(preview_rt, draft)

    by_overlay = preview(preview_rt, ACTIVE, overlay={"warehouses": {"hz": {"status": "closed"}}})

    assert by_overlay["orders"] == 1000
    assert new_warehouses(by_overlay) == new_warehouses(by_filter)
    assert by_overlay["routing"] == by_filter["routing"]
    assert set(by_overlay["changes"]) == {"route.warehouse"}


def test_filters_choose_which_recorded_orders_are_replayed(recorded, preview_rt):
    report = preview(preview_rt, ACTIVE, limit=50, channel="douyin")

    assert report["orders"] == 50 and report["changed"] == 0

    since = preview(preview_rt, ACTIVE, since="2026-11-11T10:00:00+08:00", until="2026-11-11T11:00:00+08:00")
    assert since["orders"] == 60  # one order a minute from 10:00
