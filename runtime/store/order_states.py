"""The one order state machine: the allowed transitions are data here, enforced by :func:`transition`.

Nothing else assigns ``Order.status``. The table is documented in ``docs/data-model.md``; a
test checks the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from runtime.store.types import as_utc, utcnow

if TYPE_CHECKING:
    from runtime.store.models import Order


@dataclass(frozen=True)
class OrderState:
    """One state with its labels, and whether the order can still change after it."""

    name: str
    label_zh: str
    label_en: str
    terminal: bool = False


STATES: MappingProxyType[str, OrderState] = MappingProxyType({s.name: s for s in (
    OrderState("created", "已下单", "created"),
    OrderState("paid", "已支付", "paid"),
    OrderState("held", "已冻结", "held"),
    OrderState("approved", "待分仓", "approved"),
    OrderState("routed", "已分仓", "routed"),
    OrderState("backordered", "缺货待发", "backordered"),
    OrderState("shipped", "已发货", "shipped"),
    OrderState("delivered", "已签收", "delivered"),
    OrderState("return_requested", "退货申请中", "return requested"),
    OrderState("returned", "已退货", "returned"),
    OrderState("cancelled", "已取消", "cancelled", terminal=True),
)})

#: from state → the states it may move to. ``held`` returns to ``paid`` (released during intake)
#: or ``approved`` (released by an approval); ``routed``/``backordered`` → ``approved`` is a reroute.
TRANSITIONS: MappingProxyType[str, frozenset[str]] = MappingProxyType({
    "created": frozenset({"paid", "held", "cancelled"}),
    "paid": frozenset({"held", "approved", "cancelled"}),
    "held": frozenset({"paid", "approved", "cancelled"}),
    "approved": frozenset({"held", "routed", "backordered", "cancelled"}),
    "routed": frozenset({"approved", "backordered", "shipped", "held", "cancelled"}),
    "backordered": frozenset({"approved", "routed", "cancelled"}),
    "shipped": frozenset({"delivered", "return_requested"}),
    "delivered": frozenset({"return_requested"}),
    "return_requested": frozenset({"returned", "delivered", "shipped"}),
    "returned": frozenset({"return_requested"}),
    "cancelled": frozenset(),
})


class IllegalTransition(ValueError):
    """A status change the state machine does not allow; carries both states and a zh/en message."""

    code = "ORDER_ILLEGAL_TRANSITION"

    def __init__(self, from_state: str, to_state: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_en)
        self.from_state = from_state
        self.to_state = to_state
        self.message_zh = message_zh
        self.message_en = message_en

    def to_dict(self) -> dict[str, str]:
        """The JSON shape for the API's problem details."""
        return {"code": self.code, "from": self.from_state, "to": self.to_state,
                "message_zh": self.message_zh, "message_en": self.message_en}


def allowed(from_state: str, to_state: str) -> bool:
    """Whether an order in ``from_state`` may move to ``to_state``."""
    return to_state in TRANSITIONS.get(from_state, frozenset())


def check_transition(from_state: str, to_state: str) -> None:
    """Raise :class:`IllegalTransition` unless ``from_state`` → ``to_state`` is in the table."""
    if allowed(from_state, to_state):
        return
    if to_state not in STATES:
        raise IllegalTransition(
            from_state, to_state, f"未知的订单状态“{to_state}”",
            f"unknown order status {to_state!r} (known: {', '.join(STATES)})")
    if from_state not in STATES:
        raise IllegalTransition(
            from_state, to_state, f"订单处于未知状态“{from_state}”，不能变更",
            f"the order is in an unknown status {from_state!r} and cannot change")
    src, dst = STATES[from_state], STATES[to_state]
    nexts = sorted(TRANSITIONS[from_state])
    next_en = ", ".join(nexts) or "none: it is final"
    next_zh = "、".join(STATES[n].label_zh for n in nexts) or "无（终态）"
    raise IllegalTransition(
        from_state, to_state,
        f"订单状态不能从“{src.label_zh}”变为“{dst.label_zh}”；可变为：{next_zh}",
        f"an order cannot go from {from_state!r} to {to_state!r}; allowed next: {next_en}")


def transition(order: Order, to_state: str, reason: str, *, actor: str | None = None,
               at: datetime | None = None) -> None:
    """Move ``order`` to ``to_state`` or raise :class:`IllegalTransition`; records the change in its history.

    Holding sets ``hold_reason`` and leaving ``held`` clears it; cancelling sets ``cancel_reason``.
    The caller's transaction commits it (with the order's row-version check).
    """
    from runtime.store.models import OrderStatusChange

    from_state = order.status
    check_transition(from_state, to_state)
    when = as_utc(at) if at is not None else utcnow()
    order.status = to_state
    if to_state == "held":
        order.hold_reason = reason
    elif from_state == "held":
        order.hold_reason = None
    if to_state == "cancelled":
        order.cancel_reason = reason
    order.status_changes.append(OrderStatusChange(
        from_status=from_state, to_status=to_state, reason=reason, actor=actor, at=when))
