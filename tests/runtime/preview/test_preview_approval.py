"""Impact preview of an approval rule change: S1's threshold lowered from 5000 to 3000 adds a finance approval
to exactly the recorded orders of more than 3000 and at most 5000, counted here from the orders themselves."""

from __future__ import annotations

from decimal import Decimal

from runtime.preview.jobs import ask_preview, execute_preview, get_preview
from tests.runtime.preview import world


def test_lowering_the_s1_threshold_to_3000_reports_the_added_approvals(recorded, preview_rt):
    draft = world.add_version(recorded, "high-value-approval", world.approval_over(3000))

    asked = ask_preview(preview_rt, "high-value-approval", draft, {}, "reviewer-1", start=False)
    execute_preview(preview_rt, asked["id"])
    report = get_preview(preview_rt, asked["id"])["report"]

    totals = world.totals(recorded)
    expected = {order_id for order_id, total in totals.items() if Decimal(3000) < total <= Decimal(5000)}
    assert report["orders"] == len(totals) == 1000
    assert 0 < len(expected) < 1000
    assert report["approvals"]["added"] == len(expected)
    assert report["approvals"]["removed"] == 0
    assert report["approvals"]["by_group"] == {"finance": {"added": len(expected), "removed": 0}}
    added = {c["order_id"] for c in report["changed_orders"] if "approval.added" in c["kinds"]}
    assert added == expected
    assert report["changed"] == len(expected)
    baseline = {(o["status"], o["outcome"]): o["count"] for o in report["outcomes"]["baseline"]}
    proposed = {(o["status"], o["outcome"]): o["count"] for o in report["outcomes"]["proposed"]}
    assert proposed[("not_applicable", "not_applicable")] == baseline[("not_applicable", "not_applicable")] - len(
        expected)
    assert proposed[("completed", "approved")] == baseline[("completed", "approved")] + len(expected)
