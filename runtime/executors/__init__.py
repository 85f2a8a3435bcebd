"""Executors: who runs an order's pending events once they are committed. Same engine code everywhere.

- :class:`InProcessExecutor` (embedded default): runs :meth:`Runtime.process_orders` in the caller's
  thread, or (``background=True``) on a worker thread that batches order ids and also fires due
  timers — what the HTTP server uses so that ingest answers fast.
- The Celery executor (``runtime.executors.celery_app``) sends the ids to workers, which call the
  same :meth:`Runtime.process_orders`.

The database is the truth and a submission is only a nudge: an id submitted twice, or lost in a
crash, is harmless (``Runtime.process_pending`` finds every order with unprocessed events).
"""

from __future__ import annotations

from typing import Protocol

from runtime.executors.inprocess import InProcessExecutor


class Executor(Protocol):
    """Something that makes ``Runtime.process_orders(order_ids)`` happen, now or soon."""

    def submit(self, order_ids: list[int]) -> None: ...


__all__ = ["Executor", "InProcessExecutor"]
