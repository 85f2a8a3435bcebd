"""The automatic rollback's guardrail on SLA breaches: a candidate whose approvals breach their SLA far more
often than the active version's is withdrawn by the timer loop's round — unless the guardrail is off."""

from __future__ import annotations

from sqlalchemy import select

from runtime.release.guard import GUARD_ACTOR, check_releases
from runtime.store import releases
from runtime.store.models import Flow, FlowVersion, ReleaseEvent
from tests.runtime.service.support import paid
from tests.runtime.service.test_release_canary import make_candidate

APPROVAL = "high-value-approval"
BIG = {"total": "6200.00", "payment": {"method": "alipay", "amount": "6200.00"},
       "lines": [{"sku": "TEA-01", "name": "龙井", "qty": 2, "price": "3100.00", "weight_kg": 0.5}]}


def _tight_sla(document):
    document["nodes"][0]["config"]["sla"] = "10m"


def _setup(sdb, clock, rt, *, enabled: bool):
    candidate = make_candidate(sdb, clock, percent=50, change=_tight_sla, key=APPROVAL)
    with sdb.transaction() as session:
        flow = session.execute(select(Flow).where(Flow.key == APPROVAL)).scalar_one()
        releases.set_guard(session, flow, {"min_sample": 4, "enabled": enabled}, actor="wang", now=clock())
    for n in range(16):
        paid(rt, f"SLA{n}", customer={"id": f"C-{n}", "name": "顾客", "phone": f"1380000{n:04d}", "tier": "NORMAL"},
             **BIG)
    clock.advance(minutes=30)
    rt.fire_due_timers()  # the candidate's 10-minute SLAs are breached and escalated; the active's 4 h are not
    return candidate


def test_sla_breaches_over_the_margin_withdraw_the_candidate(world, sdb, clock):
    rt, _ = world
    candidate = _setup(sdb, clock, rt, enabled=True)
    assert check_releases(sdb, rt.now()) == [APPROVAL]
    with sdb.read() as session:
        event = session.execute(select(ReleaseEvent).order_by(ReleaseEvent.id.desc()).limit(1)).scalar_one()
        assert (event.action, event.actor, event.version_id) == ("auto_rollback", GUARD_ACTOR, candidate)
        assert event.details["tripped"] == "sla" and event.details["candidate"]["sla_rate"] == "100.00"
        assert event.details["active"]["sla_rate"] == "0.00" and "sla rate" in event.reason
        assert session.get(FlowVersion, candidate).state == "retired"
    assert check_releases(sdb, rt.now()) == [], "nothing left to withdraw"


def test_a_guardrail_switched_off_never_withdraws(world, sdb, clock):
    rt, _ = world
    candidate = _setup(sdb, clock, rt, enabled=False)
    assert check_releases(sdb, rt.now()) == []
    with sdb.read() as session:
        assert session.get(FlowVersion, candidate).state == "published"


def _failing_trigger(document):
    document["trigger"]["when"] = "1 / (order.total - order.total) > 0"  # a division by zero on every order


def test_the_check_after_a_batch_withdraws_a_candidate_whose_runs_fail(world, sdb, clock, monkeypatch):
    from runtime.release import guard

    monkeypatch.setattr(guard.after_batch, "interval", 0.0)  # every batch, not once a second
    rt, _ = world
    candidate = make_candidate(sdb, clock, percent=100, change=_failing_trigger)
    with sdb.transaction() as session:
        flow = session.execute(select(Flow).where(Flow.key == "multi-factor-routing")).scalar_one()
        releases.set_guard(session, flow, {"min_sample": 3}, actor="wang", now=clock())
    orders = [paid(rt, f"INC{n}", customer={"id": f"I-{n}", "name": "顾客", "tier": "NORMAL"}) for n in range(4)]
    statuses = [rt.timeline(o)["stages"][-1]["instances"][0]["status"] for o in orders]
    assert statuses[:3] == ["incident"] * 3, "the candidate's runs fail"
    with sdb.read() as session:
        assert session.get(FlowVersion, candidate).state == "retired", "withdrawn after the third order's batch"
    assert rt.timeline(orders[3])["stages"][-1]["instances"][0]["version"] == 1
