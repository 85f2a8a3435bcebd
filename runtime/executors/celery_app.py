"""The Celery executor: workers run the same ``Runtime`` as the embedded default, on Redis + PostgreSQL.

    celery -A runtime.executors.celery_app worker --concurrency=2     # executes orders, delivers the outbox
    celery -A runtime.executors.celery_app beat                       # timers, sweeper, outbox (one beat only)

Configured from :meth:`runtime.config.Settings.from_env` (``ORDERLOOM_REDIS_URL`` is the broker and
result backend; ``ORDERLOOM_DATABASE_URL`` the database). The module attribute ``app`` is built on
first access, so importing this module for :func:`create_app` or :class:`CeleryExecutor` reads no
environment.

Tasks (names are the contract; clients may ``send_task`` them by name):

| task | queue | what |
|---|---|---|
| ``orderloom.process_orders(order_ids)`` | ``orderloom`` | ``Runtime.process_orders`` on a BATCH of orders |
| ``orderloom.fire_due_timers()`` | ``orderloom.maintenance`` | beat, every 1 s: ``Runtime.fire_due_timers`` |
| ``orderloom.sweep()`` | ``orderloom.maintenance`` | beat, every 2 s: expired leases re-enqueued, ``process_pending`` |
| ``orderloom.deliver_outbox()`` | ``orderloom.maintenance`` | beat, every 1 s, and nudged after commits |
| ``orderloom.ping()`` | ``orderloom`` | trivial: the bench's baseline round trip |

The database is the truth and messages are nudges: a lost, duplicated or late message only delays
work. A SIGKILLed worker loses at most its in-flight transactions (rolled back) and its prefetched
messages; the sweeper finds their orders again (unprocessed events, expired leases) and timers
are claimed in the database, so two beats or a restarted beat never fire one twice.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from celery import Celery, signals
from kombu import Queue

from runtime.config import ConfigError, Settings
from runtime.executors.celery_executor import (
    DELIVER_OUTBOX,
    FIRE_DUE_TIMERS,
    MAINTENANCE_QUEUE,
    ORDERS_QUEUE,
    PING,
    PROCESS_ORDERS,
    SWEEP,
    CeleryExecutor,
)
from runtime.executors.celery_worker import worker_state
from runtime.release.guard import check_releases

log = logging.getLogger(__name__)

TIMER_INTERVAL_S = 1.0
OUTBOX_INTERVAL_S = 1.0
SWEEP_INTERVAL_S = 2.0
OUTBOX_ROUND_BUDGET_S = 5.0  # one deliver_outbox task stops claiming after this long (the next beat goes on)
NUDGE_EVERY_S = 0.25  # at most one deliver_outbox nudge per worker process per this many seconds

__all__ = ["CeleryExecutor", "create_app"]


def create_app(settings: Settings | None = None, *, broker_url: str | None = None) -> Celery:
    """A Celery app with Orderloom's tasks, queues and beat schedule.

    ``settings`` default to :meth:`Settings.from_env`; ``broker_url`` overrides its ``redis_url``
    (a client that only sends tasks needs nothing else).
    """
    if settings is None and broker_url is None:
        settings = Settings.from_env()
    url = broker_url or (settings.redis_url if settings else None)
    if not url:
        raise ConfigError("ORDERLOOM_REDIS_URL is not set: the Celery executor needs Redis "
                          "(e.g. ORDERLOOM_REDIS_URL=redis://127.0.0.1:6379/0)")
    app = Celery("orderloom", broker=url, backend=url, set_as_current=False)
    app.conf.update(
        task_serializer="json", result_serializer="json", accept_content=["json"],
        task_default_queue=ORDERS_QUEUE,
        task_queues=[Queue(ORDERS_QUEUE), Queue(MAINTENANCE_QUEUE)],
        task_routes={name: {"queue": MAINTENANCE_QUEUE} for name in (FIRE_DUE_TIMERS, SWEEP, DELIVER_OUTBOX)},
        # a worker that dies mid-task gives the message back (a pool child's death: at once; the whole
        # worker: after the visibility timeout) — harmless, as every task is idempotent on the database
        task_acks_late=True, task_reject_on_worker_lost=True,
        broker_transport_options={"visibility_timeout": 600},
        broker_connection_retry_on_startup=True,
        # a submit while Redis is down gives up after about a second (logged; the sweeper runs the order)
        task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.3, "interval_max": 0.5},
        result_expires=300,
        # a process_orders message carries up to 200 orders: each pool process reserves one message beyond the
        # one it runs, so another worker host gets the next batch instead of a backlog queued here
        worker_prefetch_multiplier=1,
        worker_hijack_root_logger=False,
        # the schedule is static and every periodic task is an idempotent poll: an in-memory scheduler
        # (no schedule file to corrupt when beat is SIGKILLed; a restarted beat simply runs everything now)
        beat_scheduler="celery.beat:Scheduler",
        beat_schedule={
            "fire-due-timers": {"task": FIRE_DUE_TIMERS, "schedule": timedelta(seconds=TIMER_INTERVAL_S),
                                "options": {"expires": 10 * TIMER_INTERVAL_S}},
            "deliver-outbox": {"task": DELIVER_OUTBOX, "schedule": timedelta(seconds=OUTBOX_INTERVAL_S),
                               "options": {"expires": 10 * OUTBOX_INTERVAL_S}},
            "sweep": {"task": SWEEP, "schedule": timedelta(seconds=SWEEP_INTERVAL_S),
                      "options": {"expires": 5 * SWEEP_INTERVAL_S}},
        },
    )
    app.orderloom_settings = settings  # type: ignore[attr-defined]
    _register_tasks(app)
    return app


def _register_tasks(app: Celery) -> None:
    nudges = _Nudger(app)

    # shared=False: each app keeps its own tasks (closures over that app), never another app's
    @app.task(name=PROCESS_ORDERS, ignore_result=False, shared=False)
    def process_orders(order_ids: list[int]) -> dict[str, Any]:
        """Run the orders' unprocessed events (one batch) under leases; returns what this delivery claimed."""
        done = worker_state(app).runner.run(order_ids)
        if done["events"]:
            nudges.deliver_outbox()
        return done

    @app.task(name=FIRE_DUE_TIMERS, ignore_result=True, shared=False)
    def fire_due_timers() -> int:
        """Fire due timers (claimed in the database: never twice), up to 10 rounds of 100."""
        runtime = worker_state(app).runtime
        fired = 0
        for _ in range(10):
            n = runtime.fire_due_timers(limit=100)
            fired += n
            if n < 100:
                break
        check_releases(runtime.db, runtime.now())  # the release guardrail (automatic rollback), every beat
        if fired:
            nudges.deliver_outbox()
        return fired

    @app.task(name=SWEEP, ignore_result=True, shared=False)
    def sweep() -> list[int]:
        """Recover work lost in crashes: orders whose lease lapsed or whose message was lost, re-enqueued."""
        return worker_state(app).sweep()

    @app.task(name=DELIVER_OUTBOX, ignore_result=True, shared=False)
    def deliver_outbox() -> int:
        """Deliver due outbox effects until none is due or the round's time budget is spent."""
        return worker_state(app).deliver_outbox(budget_s=OUTBOX_ROUND_BUDGET_S)

    @app.task(name=PING, shared=False)
    def ping() -> str:
        return "pong"

    from runtime.executors.preview_tasks import register as register_preview_tasks

    register_preview_tasks(app)


class _Nudger:
    """Sends ``deliver_outbox`` after commits, at most once per :data:`NUDGE_EVERY_S` per process."""

    def __init__(self, app: Celery):
        self.app = app
        self._last = 0.0
        self._lock = threading.Lock()

    def deliver_outbox(self) -> None:
        now = time.monotonic()
        with self._lock:
            if now - self._last < NUDGE_EVERY_S:
                return
            self._last = now
        try:
            self.app.send_task(DELIVER_OUTBOX, queue=MAINTENANCE_QUEUE, expires=30, ignore_result=True)
        except Exception:  # noqa: BLE001 - a nudge; the beat delivers anyway
            log.warning("could not nudge deliver_outbox", exc_info=True)


@signals.worker_init.connect
def _preload(**_: Any) -> None:
    """Import the runtime in the main process before the pool forks (~1.7 s saved on each child's first task).

    Only modules: connections, threads and the Runtime itself are still built per child, after the fork.
    """
    import importlib

    for name in ("runtime.service", "runtime.live.publisher", "runtime.outbox", "runtime.store.db", "flask_socketio",
                 "redis", "psycopg"):
        try:
            importlib.import_module(name)
        except ImportError:  # psycopg only matters on PostgreSQL
            pass


@signals.worker_process_shutdown.connect
def _flush_on_shutdown(**_: Any) -> None:
    from runtime.executors.celery_worker import close_worker_state

    close_worker_state()


_app: Celery | None = None
_app_lock = threading.Lock()


def __getattr__(name: str) -> Any:
    # `celery -A runtime.executors.celery_app` reads `app`: built from the environment on first access
    global _app
    if name in ("app", "celery"):
        with _app_lock:
            if _app is None:
                _app = create_app()
            return _app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
