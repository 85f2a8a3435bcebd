"""The order state machine: legal paths, refused transitions with zh/en messages, history, and its docs."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select
from store_seed import T0, make_order, seed_master

from runtime.store.models import Order, OrderStatusChange
from runtime.store.order_states import STATES, TRANSITIONS, IllegalTransition, check_transition, transition

DATA_MODEL_DOC = Path(__file__).resolve().parents[3] / "docs" / "data-model.md"

HAPPY_PATH = ["paid", "held", "paid", "approved", "routed", "approved", "routed", "shipped", "delivered",
              "return_requested", "returned"]


@pytest.mark.parametrize("path", [
    HAPPY_PATH,
    ["paid", "approved", "backordered", "routed", "shipped"],
    ["paid", "held", "approved", "held", "cancelled"],
    ["cancelled"],
    ["paid", "approved", "routed", "shipped", "delivered", "return_requested", "delivered"],
])
def test_legal_paths(path):
    status = "created"
    for nxt in path:
        check_transition(status, nxt)
        status = nxt


@pytest.mark.parametrize(("src", "dst"), [
    ("created", "shipped"), ("paid", "routed"), ("shipped", "cancelled"), ("delivered", "paid"),
    ("cancelled", "paid"), ("returned", "delivered"), ("paid", "paid"),
])
def test_illegal_transitions_are_refused_with_a_clear_error(src, dst):
    with pytest.raises(IllegalTransition) as refused:
        check_transition(src, dst)
    err = refused.value
    assert (err.from_state, err.to_state) == (src, dst)
    assert src in err.message_en and dst in err.message_en and "allowed next" in err.message_en
    assert STATES[src].label_zh in err.message_zh and STATES[dst].label_zh in err.message_zh
    assert err.to_dict()["code"] == "ORDER_ILLEGAL_TRANSITION"


def test_unknown_states_are_refused():
    with pytest.raises(IllegalTransition, match="unknown order status 'lost'"):
        check_transition("paid", "lost")
    with pytest.raises(IllegalTransition, match="unknown status"):
        check_transition("limbo", "paid")


def test_cancelled_is_final_and_every_state_is_reachable():
    assert STATES["cancelled"].terminal and TRANSITIONS["cancelled"] == frozenset()
    assert set(TRANSITIONS) == set(STATES)
    seen, todo = {"created"}, ["created"]
    while todo:
        for nxt in TRANSITIONS[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    assert seen == set(STATES)


def test_transition_records_history_and_reasons(db):
    with db.transaction() as s:
        seed_master(s)
        order = make_order(s, 1)
        transition(order, "paid", "order.paid", at=T0)
        transition(order, "held", "同一账号 24 小时内 3 个地址", actor="flow:brushing-risk")
        assert order.hold_reason == "同一账号 24 小时内 3 个地址"
        transition(order, "approved", "risk released", actor="risk:li")
        assert order.hold_reason is None
        with pytest.raises(IllegalTransition):
            transition(order, "delivered", "skip ahead")
        assert order.status == "approved"  # a refused transition changes nothing
        transition(order, "cancelled", "customer asked")
    with db.read() as s:
        order = s.scalars(select(Order)).one()
        assert (order.status, order.cancel_reason) == ("cancelled", "customer asked")
        history = s.execute(select(OrderStatusChange.from_status, OrderStatusChange.to_status,
                                   OrderStatusChange.actor).order_by(OrderStatusChange.id)).all()
        assert [tuple(h) for h in history] == [
            ("created", "paid", None), ("paid", "held", "flow:brushing-risk"),
            ("held", "approved", "risk:li"), ("approved", "cancelled", None)]


def test_the_documented_table_is_the_code_table():
    """docs/data-model.md lists the transitions as `| from | to, to |` rows; they must match TRANSITIONS."""
    text = DATA_MODEL_DOC.read_text(encoding="utf-8")
    section = text.split("<!-- order-transitions -->")[1].split("\n\n")[0]  # the table after the marker
    documented = {}
    for src, dsts in re.findall(r"^\| `(\w+)` \| ([^|]*) \|", section, flags=re.M):
        documented[src] = frozenset(re.findall(r"`(\w+)`", dsts))
    assert documented == dict(TRANSITIONS)
