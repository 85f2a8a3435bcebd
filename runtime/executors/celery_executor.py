"""``CeleryExecutor``: ``Executor.submit(order_ids)`` as ``orderloom.process_orders`` messages (batched)."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

PROCESS_ORDERS = "orderloom.process_orders"
FIRE_DUE_TIMERS = "orderloom.fire_due_timers"
SWEEP = "orderloom.sweep"
DELIVER_OUTBOX = "orderloom.deliver_outbox"
PING = "orderloom.ping"
ORDERS_QUEUE = "orderloom"
MAINTENANCE_QUEUE = "orderloom.maintenance"


class CeleryExecutor:
    """Sends submitted order ids to the workers, ``batch`` ids per ``process_orders`` message.

    A failed send is logged, not raised: the events are committed, and the sweeper
    (``Runtime.process_pending``) runs them later. ``app`` is any Celery app on the same broker
    (tasks are sent by name).
    """

    def __init__(self, app: Any, *, batch: int = 200, queue: str = ORDERS_QUEUE):
        self.app = app
        self.batch = batch
        self.queue = queue

    def submit(self, order_ids: list[int]) -> None:
        ids = list(dict.fromkeys(int(i) for i in order_ids))
        for start in range(0, len(ids), self.batch):
            chunk = ids[start:start + self.batch]
            try:
                self.app.send_task(PROCESS_ORDERS, args=[chunk], queue=self.queue, ignore_result=True)
            except Exception:  # noqa: BLE001 - a nudge: the sweeper finds the orders anyway
                log.exception("could not send %s for orders %s; the sweeper will pick them up", PROCESS_ORDERS, chunk)

    def describe(self, timeout: float = 0.5) -> str:
        """For the health check: ``celery: N worker(s)`` answering a ping within ``timeout``, or why not."""
        try:
            replies = self.app.control.ping(timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - a report, never a crash
            return f"error: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
        if not replies:
            return "celery: no worker answered"
        return f"celery: {len(replies)} worker(s)"
