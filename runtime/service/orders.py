"""Order-level changes shared by effects, inbound events and operators: cancel, hold, release."""

from __future__ import annotations

from runtime.engine import events
from runtime.service.work import Work
from runtime.store.order_states import allowed


def cancel_order(work: Work, reason: str, actor: str | None, *, but: int | None = None) -> bool:
    """Cancel the order: status ``cancelled`` (with its reason), every active reservation released, and a
    ``cancel`` event queued for each of its live instances (except ``but``, the one asking). ``False`` if it
    was already cancelled."""
    order = work.order
    if order.status == "cancelled":
        return False
    work.transition("cancelled", reason, actor)
    work.batch.release(order.id, f"cancelled: {reason}", work.clock)
    for inst in work.instances(live=True):
        if inst.id != but:
            work.queue.append((inst.id, events.cancel(reason, actor)))
    return True


def hold(work: Work, reason: str, actor: str | None) -> None:
    """Hold (freeze) the order; holding a held order only records the newer reason."""
    if work.order.status == "held":
        if reason and reason not in (work.order.hold_reason or ""):
            work.order.hold_reason = f"{work.order.hold_reason}；{reason}" if work.order.hold_reason else reason
        return
    work.transition("held", reason, actor)


def status_before_hold(work: Work) -> str:
    """Where a release returns to: the status the order was held from (paid or approved), else approved."""
    for change in reversed(work.order.status_changes):
        if change.to_status == "held":
            return change.from_status if allowed("held", change.from_status) else "approved"
    return "paid"


def release(work: Work, reason: str, actor: str | None) -> bool:
    """Release a held order back to where it was held from; ``False`` if it is not held."""
    if work.order.status != "held":
        return False
    work.transition(status_before_hold(work), reason, actor)
    return True
