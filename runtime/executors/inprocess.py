"""The in-process executor: synchronous by default; a batching worker thread with ``background=True``."""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import TYPE_CHECKING, Any

from runtime.release.guard import check_releases

if TYPE_CHECKING:
    from runtime.service import Runtime

log = logging.getLogger(__name__)

_STOP = object()


class InProcessExecutor:
    """Runs submitted orders with ``runtime.process_orders``.

    ``background=False`` (tests, the CLI): inside :meth:`submit`, so once ``Runtime.ingest`` returns
    the order has been processed. ``background=True`` (the HTTP server): a daemon thread drains a
    queue, taking up to ``batch`` order ids at a time, and every ``timer_interval`` seconds fires
    due timers and picks up orders with unprocessed events (crash recovery). :meth:`drain` waits
    until the queue is empty and the worker idle; :meth:`close` stops the thread.
    """

    def __init__(self, runtime: Runtime, *, background: bool = False, batch: int = 64,
                 timer_interval: float | None = 1.0) -> None:
        self.runtime = runtime
        self.background = background
        self.batch = batch
        self.timer_interval = timer_interval
        self._queue: queue.Queue[object] = queue.Queue()
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        if background:
            self._thread = threading.Thread(target=self._work, name="orderloom-inprocess", daemon=True)
            self._thread.start()

    def submit(self, order_ids: list[int]) -> list[dict[str, Any]] | None:
        """Process the orders now (``background=False``: returns ``process_orders``' results) or queue them."""
        if not order_ids:
            return None
        if not self.background:
            return self.runtime.process_orders(list(order_ids))
        with self._lock:
            self._pending += len(order_ids)
            self._idle.clear()
        for order_id in order_ids:
            self._queue.put(order_id)
        return None

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until every submitted order has been processed; ``False`` on timeout."""
        return self._idle.wait(timeout)

    def close(self, timeout: float = 10.0) -> None:
        """Stop the worker thread (after the work already queued)."""
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)
        self._thread = None

    def _work(self) -> None:
        last_sweep = 0.0
        while True:
            wait = self.timer_interval if self.timer_interval else None
            try:
                first = self._queue.get(timeout=wait)
            except queue.Empty:
                first = None
            if first is _STOP:
                return
            ids: list[int] = [] if first is None else [first]  # type: ignore[list-item]
            stop = False
            while len(ids) < self.batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is _STOP:
                    stop = True
                    break
                ids.append(more)  # type: ignore[arg-type]
            if ids:
                try:
                    self.runtime.process_orders(list(dict.fromkeys(ids)))
                except Exception:  # the events stay unprocessed; the sweep below retries them
                    log.exception("processing orders %s failed", ids)
                with self._lock:
                    self._pending -= len(ids)
                    if self._pending <= 0:
                        self._pending = 0
                        self._idle.set()
            now = time.monotonic()
            if self.timer_interval and now - last_sweep >= self.timer_interval:
                last_sweep = now
                try:
                    self.runtime.fire_due_timers()
                    check_releases(self.runtime.db, self.runtime.now())  # the release guardrail
                    if self._queue.empty():  # the sweep finds what no submit brought; not while work is queued
                        self.runtime.process_pending()
                except Exception:
                    log.exception("timer / sweeper round failed")
            if stop:
                return
