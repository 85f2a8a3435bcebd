"""The impact preview reads recorded orders alike from SQLite and PostgreSQL (compact ``same_as_instance``
snapshots followed): a small world, the hz filter's answer checked against the recorded winners."""

from __future__ import annotations

from runtime.preview.jobs import ask_preview, execute_preview, get_preview
from runtime.service import MemoryPublisher, Runtime
from tests.runtime.preview import world

ROUTING = "multi-factor-routing"


def test_the_hz_filter_moves_the_orders_hz_won_on_either_database(db):
    world.build(db, 40)
    rt = Runtime(db, publisher=MemoryPublisher())
    draft = world.add_version(db, ROUTING, world.routing_without("hz"))

    asked = ask_preview(rt, ROUTING, draft, {}, "reviewer-1", start=False)
    assert execute_preview(rt, asked["id"]) == "done"
    report = get_preview(rt, asked["id"])["report"]

    won_by_hz = {order_id for order_id, winner in world.recorded_winners(db).items() if winner == "hz"}
    assert report["orders"] == 40 and won_by_hz
    assert {c["order_id"] for c in report["changed_orders"]} == won_by_hz
    approval = ask_preview(rt, "high-value-approval", 1, {}, "reviewer-1", start=False)
    execute_preview(rt, approval["id"])
    assert get_preview(rt, approval["id"])["report"]["orders"] == 40
