"""``CeleryExecutor``: ``Executor.submit(order_ids)`` as ``orderloom.process_orders`` messages (batched)."""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
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

    ``linger`` (seconds, default 10 ms): ids submitted within that long of each other leave as ONE message
    — an API process submits one order per ingest, and a worker pays a claim, a release and a processing
    transaction per message, so 50 concurrent ingests cost it one of each instead of 50. A sender thread
    (started on first use, per process) sends them; ``linger=0`` sends inside :meth:`submit`. Ids still
    waiting when the process dies are found by the sweeper (a lost message). A failed send is logged, not
    raised: the events are committed and the sweeper runs them later. ``app`` is any Celery app on the
    same broker (tasks are sent by name).
    """

    def __init__(self, app: Any, *, batch: int = 200, queue: str = ORDERS_QUEUE, linger: float = 0.01):
        self.app = app
        self.batch = batch
        self.queue = queue
        self.linger = linger
        self._pending: list[int] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._sender: threading.Thread | None = None
        self._pid = 0

    def submit(self, order_ids: list[int]) -> None:
        ids = [int(i) for i in order_ids]
        if self.linger <= 0:
            self._send(ids)
            return
        with self._lock:
            self._pending.extend(ids)
            self._start_sender()
        self._wake.set()

    def flush(self) -> None:
        """Send what is waiting now (tests; process exit)."""
        with self._lock:
            ids, self._pending = self._pending, []
        self._send(ids)

    def _start_sender(self) -> None:
        if self._sender is not None and self._pid == os.getpid():
            return
        self._pid = os.getpid()  # after a fork the parent's thread is not ours
        self._sender = threading.Thread(target=self._send_forever, name="orderloom-celery-submit", daemon=True)
        self._sender.start()
        atexit.register(self.flush)

    def _send_forever(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            with self._lock:
                full = len(self._pending) >= self.batch
            if not full:
                time.sleep(self.linger)  # let the ids of concurrent submits gather
            self.flush()

    def _send(self, order_ids: list[int]) -> None:
        ids = list(dict.fromkeys(order_ids))
        for start in range(0, len(ids), self.batch):
            chunk = ids[start:start + self.batch]
            try:
                self.app.send_task(PROCESS_ORDERS, args=[chunk], queue=self.queue, ignore_result=True)
            except Exception:  # noqa: BLE001 - a nudge: the sweeper finds the orders anyway
                log.exception("could not send %s for %d order(s) %s; the sweeper will pick them up", PROCESS_ORDERS,
                              len(chunk), chunk[:5])

    def describe(self, timeout: float = 0.5) -> str:
        """For the health check: ``celery: N worker(s)`` answering a ping within ``timeout``, or why not."""
        try:
            replies = self.app.control.ping(timeout=timeout)
        except Exception as exc:  # noqa: BLE001 - a report, never a crash
            return f"error: {type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
        if not replies:
            return "celery: no worker answered"
        return f"celery: {len(replies)} worker(s)"
