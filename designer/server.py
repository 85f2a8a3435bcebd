"""Serving the designer in ONE process: gunicorn, one worker of the ``gthread`` class.

Why this server (measured in ``bench/http.py``, see ``docs/performance.md``):

- the embedded default — a SQLite file, the in-process executor, its timers and the outbox pump —
  needs exactly one process: ``workers = 1``. gunicorn's master only forks and watches that worker
  (restarting it if it dies); the app, with its background threads, is built in the worker, after the
  fork;
- ``gthread`` keeps HTTP/1.1 connections alive (a client posting order after order reuses its
  connection) and answers from a fixed pool of threads, where werkzeug's development server answers
  ``Connection: close`` and starts a thread per request;
- Flask-SocketIO's threading mode runs on it: ``simple-websocket`` takes over gunicorn's socket for the
  WebSocket transport (each open WebSocket holds one thread of the pool — hence the pool's size).

waitress and cheroot keep connections alive too, but neither hands the raw socket to the application,
so neither can serve Socket.IO's WebSockets in the same process.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

THREADS = 64  # request threads (and open WebSockets) of the one worker
KEEPALIVE_S = 15  # an idle client connection stays open this long
TIMEOUT_S = 120  # gunicorn restarts a worker silent for longer (a stuck process)
TRICKLE = "orderloom.demo_trickle"  # app.extensions key of the sample-order trickle


def serve(factory: Callable[[], Flask], host: str, port: int, *, threads: int = THREADS,
          on_exit: Callable[[Flask], None] | None = None, log_level: str = "warning") -> None:
    """Run the app ``factory()`` builds (in the worker) on ``host:port`` until stopped (SIGINT / SIGTERM).

    ``on_exit(app)`` runs in the worker when it stops (stop the executor, flush the live events)."""
    from gunicorn.app.base import BaseApplication

    def worker_exit(_server: Any, worker: Any) -> None:
        app = getattr(worker, "wsgi", None)
        if on_exit is not None and isinstance(app, Flask):
            on_exit(app)

    options = {"bind": f"{host}:{port}", "workers": 1, "worker_class": "gthread", "threads": threads,
               "worker_connections": threads + 1000, "keepalive": KEEPALIVE_S, "timeout": TIMEOUT_S,
               "graceful_timeout": 10, "accesslog": None, "errorlog": "-", "loglevel": log_level,
               "worker_exit": worker_exit, "preload_app": False}

    class OneWorker(BaseApplication):  # type: ignore[misc] - gunicorn has no type hints
        def load_config(self) -> None:
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self) -> Flask:
            return factory()

    OneWorker().run()


def designer_app(settings: Any, *, trickle: int = 0, trickle_interval: float = 3.0) -> Flask:
    """What ``orderloom serve`` runs in its worker: the designer with the background in-process runtime and,
    on the embedded default (no Redis), Socket.IO served by this same app; ``trickle`` sample orders sent
    through the runtime meanwhile (``orderloom serve --demo-trickle``)."""
    from designer import create_app, extensions

    app = create_app(settings, background=True)
    if not settings.redis_url:
        extensions.serve_live(app)
    if trickle:
        from runtime.demo import Trickle

        rt = app.extensions[extensions.runtime.key]
        app.extensions[TRICKLE] = Trickle(rt.ingest, count=trickle, interval=trickle_interval,
                                          timezone=settings.timezone).start()
    return app


def shutdown(app: Flask) -> None:
    """Stop what :func:`designer_app` started: the sample orders, the executor, the outbox pump, live events."""
    from designer import extensions

    trickle = app.extensions.pop(TRICKLE, None)
    if trickle is not None:
        trickle.stop()
    extensions.runtime.shutdown(app)

