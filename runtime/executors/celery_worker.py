"""Per-process state of a Celery worker: one ``Runtime`` (database, publisher, executor) and its
:class:`~runtime.executors.leased.LeasedRunner` (lease owner, heartbeat), built lazily.

Built on first use inside the process that runs tasks (a prefork child, after the fork), and
rebuilt if the process id changes, so no connection or thread crosses a fork.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from runtime.config import Settings
from runtime.executors.leased import LeasedRunner, sweep, worker_id

log = logging.getLogger(__name__)

OUTBOX_CLAIM = 10
OUTBOX_VISIBILITY = timedelta(seconds=30)
# Orders per processing transaction on PostgreSQL: a whole message (CeleryExecutor's batch) in one. The
# runtime's default cut (32 orders or 0.1 s) is for SQLite, whose single write lock others wait for; on
# PostgreSQL a transaction locks only its own orders, and its fixed cost (locking and reading ahead,
# the flush, ~14 statements) paid per 5 orders instead of per 200 tripled the CPU per order.
PG_BATCH_ORDERS = 200
PG_BATCH_SECONDS = 2.0

_state: WorkerState | None = None
_lock = threading.Lock()


@dataclass
class WorkerState:
    settings: Settings
    db: Any
    runtime: Any
    publisher: Any
    executor: Any
    runner: LeasedRunner
    pid: int

    def sweep(self, limit: int = 200) -> list[int]:
        """Re-enqueue the orders whose lease lapsed or whose message was lost (see :func:`leased.sweep`)."""
        return sweep(self.db, self.executor.submit, self.runner.ttl, limit=limit)

    def deliver_outbox(self, budget_s: float, limit: int = OUTBOX_CLAIM,
                       visibility: timedelta = OUTBOX_VISIBILITY) -> int:
        """Rounds of ``deliver_due`` until fewer than ``limit`` were due or ``budget_s`` is spent.

        Small claims with a 30 s visibility: an effect claimed by a worker that then dies is retried
        after 30 s; a claim whose requests take longer than that may be delivered twice (same key).
        """
        from runtime.outbox import deliver_due

        delivered = 0
        deadline = time.monotonic() + budget_s
        while time.monotonic() < deadline:
            report = deliver_due(self.db, responder=self.runtime, limit=limit, visibility=visibility)
            delivered += report.claimed
            if report.claimed < limit:
                break
        return delivered

    def close(self) -> None:
        self.runner.close()
        close = getattr(self.publisher, "close", None)
        if close is not None:
            close()
        self.db.dispose()


def worker_state(app: Any) -> WorkerState:
    """This process's state (built on first use, from the app's settings or the environment)."""
    global _state
    pid = os.getpid()
    state = _state
    if state is not None and state.pid == pid:
        return state
    with _lock:
        if _state is None or _state.pid != pid:
            _state = _build(app, pid)
        return _state


def close_worker_state() -> None:
    """Flush the publisher and close the database of this process (worker shutdown)."""
    global _state
    with _lock:
        state, _state = _state, None
    if state is not None and state.pid == os.getpid():
        try:
            state.close()
        except Exception:  # noqa: BLE001
            log.exception("closing the worker state failed")


def _build(app: Any, pid: int) -> WorkerState:
    from runtime.executors.celery_executor import CeleryExecutor
    from runtime.live import make_publisher
    from runtime.service import Runtime
    from runtime.store.db import Database

    settings = getattr(app, "orderloom_settings", None) or Settings.from_env()
    db = Database.open(settings.sqlalchemy_url)
    publisher = make_publisher(settings.redis_url) if settings.redis_url else None
    executor = CeleryExecutor(app)
    runtime = Runtime(db, timezone=settings.timezone, executor=executor, publisher=publisher)
    if db.dialect == "postgresql":
        runtime.batch_size, runtime.batch_seconds = PG_BATCH_ORDERS, PG_BATCH_SECONDS
    runner = LeasedRunner(runtime, worker_id(), timedelta(seconds=settings.lease_seconds))
    log.info("orderloom worker process %d (%s): database %s, live events %s, leases of %s s", pid, runner.owner,
             settings.database_kind, "on" if publisher else "off", runner.ttl.total_seconds())
    return WorkerState(settings, db, runtime, publisher, executor, runner, pid)
