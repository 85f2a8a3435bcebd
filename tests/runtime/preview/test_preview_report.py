"""The report's arithmetic on hand-made outcomes: kinds of change, routing shifts and split rate, approvals by
group, shipping deltas, and an order whose replay failed counted as an incident of the proposed version."""

from __future__ import annotations

from decimal import Decimal

from runtime.preview.replay import NOT_RUN, Outcome
from runtime.preview.report import Report, kinds_of_change

ROUTED = Outcome(status="completed", outcome="routed", node="routed", routes=(("warehouse", "hz"),),
                 cost=Decimal("3.00"), eta=Decimal("48"))


def test_kinds_of_change_name_every_difference():
    held = Outcome(status="waiting", node="risk", approvals=("risk",), hold=True, effects=("notify@tell",))

    assert kinds_of_change(ROUTED, ROUTED) == []
    assert kinds_of_change(ROUTED, held) == ["outcome", "route.warehouse", "approval.added", "hold.added",
                                             "effects"]
    assert kinds_of_change(held, ROUTED)[-3:] == ["approval.removed", "hold.removed", "effects"]
    failed = Outcome(status="incident", node="ratio", incident="ratio:EXPR_DIVISION_BY_ZERO")
    assert "incident.added" in kinds_of_change(ROUTED, failed)
    assert kinds_of_change(NOT_RUN, ROUTED)[0] == "outcome"


def test_the_report_adds_up_shifts_splits_approvals_and_shipping():
    report = Report()
    to_gz = Outcome(status="completed", outcome="routed", node="routed", routes=(("warehouse", "gz"),),
                    cost=Decimal("7.00"), eta=Decimal("12"))
    split = Outcome(status="completed", outcome="split", node="split_done", routes=(("warehouse", "gz+hz"),),
                    approvals=("finance",))

    report.add(1, ROUTED, to_gz)
    report.add(2, ROUTED, split)
    report.add(3, ROUTED, ROUTED)
    out = report.to_dict()

    assert (out["orders"], out["changed"], out["unchanged"]) == (3, 2, 1)
    assert out["routing"]["warehouse"]["shifts"] == [{"from": "hz", "to": "gz", "count": 1},
                                                     {"from": "hz", "to": "gz+hz", "count": 1}]
    assert out["split_rate"] == {"baseline": 0.0, "proposed": 0.3333}
    assert out["approvals"]["by_group"] == {"finance": {"added": 1, "removed": 0}}
    assert out["shipping"] == {"orders": 2, "cost_baseline": "6.00", "cost_proposed": "10.00", "cost_delta": "4.00",
                               "cost_delta_mean": "2.00", "eta_hours_delta_mean": "-18.00"}
    assert [c["order_id"] for c in out["changed_orders"]] == [1, 2]
    assert out["changes"]["route.warehouse"]["examples"][1] == {"order_id": 2, "timeline": "/api/orders/2/timeline",
                                                                "url": "/orders/2"}


def test_a_replay_that_raises_is_that_orders_outcome_and_counted_as_an_incident():
    from datetime import datetime, timezone

    from runtime.engine import build_snapshot
    from runtime.preview.replay import replay

    broken = replay(None, build_snapshot({"id": "1"}), datetime(2026, 1, 1, tzinfo=timezone.utc))  # no plan at all
    report = Report()
    report.add(4, ROUTED, broken)

    assert broken.status == "error" and broken.incident == "replay:AttributeError"
    assert report.to_dict()["incidents"] == {"added": 1, "removed": 0,
                                             "proposed": [{"node": "replay", "code": "AttributeError", "count": 1}]}
