"""Publishers of live events: Socket.IO rooms through the Redis message queue, and the Redis stream.

- :class:`SocketIOPublisher` emits, through ``flask_socketio.SocketIO(message_queue=redis_url)``, one
  ``batch`` event per room per window (default 150 ms) — see :func:`runtime.live.events.coalesce`;
- :class:`StreamPublisher` appends every event to the stream ``orderloom:events``
  (``XADD … MAXLEN ~ 100000``), one pipelined round trip per window;
- :class:`CompositePublisher` fans out; :func:`make_publisher` builds both on one URL.

``publish(events)`` only appends to an in-memory buffer; a daemon thread flushes it every window
(``flush()`` does it at once, ``close()`` flushes and stops). A failing sink is logged and never
reaches the runtime: the database is the truth, and live updates are best effort (events still in
the buffer when a process is SIGKILLed are lost; the timeline in the database is complete).
Build a publisher after a fork (the Celery worker builds one lazily per process).
"""

from __future__ import annotations

import atexit
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from typing import Any

from runtime.live.events import BATCH_EVENT, coalesce, order_id_of

log = logging.getLogger(__name__)

STREAM = "orderloom:events"
STREAM_MAXLEN = 100_000
WINDOW_S = 0.15
SOCKETIO_CHANNEL = "flask-socketio"


class BatchWindow:
    """Buffers events and hands them to ``sink`` at most once per ``window`` seconds, from one thread.

    ``window <= 0`` calls the sink at once in the publishing thread (no thread is started).
    """

    def __init__(self, sink: Callable[[list[dict[str, Any]]], None], window: float = WINDOW_S, name: str = "live"):
        self._sink = sink
        self._window = window
        self._buffer: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._wake = threading.Event()
        self._closed = False
        self._thread: threading.Thread | None = None
        self._name = name
        if window > 0:
            atexit.register(self.close)

    def publish(self, events: Iterable[dict[str, Any]]) -> None:
        events = list(events)
        if not events or self._closed:
            return
        if self._window <= 0:
            self._deliver(events)
            return
        with self._lock:
            self._buffer.extend(events)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name=f"orderloom-{self._name}-flush", daemon=True)
                self._thread.start()
        self._wake.set()

    def flush(self) -> None:
        """Hand everything buffered to the sink now (in the caller's thread)."""
        with self._flush_lock:
            with self._lock:
                events, self._buffer = self._buffer, []
            if events:
                self._deliver(events)

    def close(self) -> None:
        """Flush and stop the thread; later publishes are dropped."""
        if self._closed:
            return
        self._closed = True
        self._wake.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5)
        self.flush()

    def _loop(self) -> None:
        while not self._closed:
            self._wake.wait()
            if self._closed:
                break
            self._wake.clear()
            # wait out the window so that what arrives meanwhile goes out in the same batch
            time.sleep(self._window)
            self.flush()

    def _deliver(self, events: list[dict[str, Any]]) -> None:
        try:
            self._sink(events)
        except Exception:  # noqa: BLE001 - live updates never break the runtime
            log.exception("live: dropping %d %s events", len(events), self._name)


class SocketIOPublisher:
    """Emits to Socket.IO rooms, one ``batch`` per room per window: through the Redis message queue
    (``redis_url``, distributed mode), or straight to ``server``, the ``SocketIO`` of this process (the
    embedded default, one process). ``listening()`` says whether anyone could receive them (default: always);
    while it is false the runtime does not build its live events at all (see :attr:`listening`).

    The payload of a ``batch``: ``{"room": "order:12", "events": [{"event": "order.step", "data": {...}}, ...]}``
    (see ``runtime/contracts/live-events.schema.json``).
    """

    def __init__(self, redis_url: str | None = None, *, server: Any = None,
                 listening: Callable[[], bool] | None = None, window: float = WINDOW_S,
                 channel: str = SOCKETIO_CHANNEL):
        if server is None:
            from flask_socketio import SocketIO

            server = SocketIO(message_queue=redis_url, channel=channel)
        self._sio = server
        self._listening = listening
        self._batches = BatchWindow(self._emit, window, "socketio")

    @property
    def listening(self) -> bool:
        """False while no client is connected to the local server: nothing would reach anyone."""
        return self._listening is None or self._listening()

    def publish(self, events: list[dict[str, Any]]) -> None:
        self._batches.publish(events)

    def flush(self) -> None:
        self._batches.flush()

    def close(self) -> None:
        self._batches.close()

    def _emit(self, events: list[dict[str, Any]]) -> None:
        for room, items in coalesce(events).items():
            self._sio.emit(BATCH_EVENT, {"room": room, "events": items}, to=room, namespace="/")


def stream_record(event: dict[str, Any], ts: str | None = None) -> dict[str, str]:
    """The fields of one ``orderloom:events`` entry (all strings; see ``stream-record.schema.json``)."""
    order_id = order_id_of(event)
    return {"event": event["event"], "room": event["room"], "order_id": "" if order_id is None else str(order_id),
            "data": json.dumps(event.get("data") or {}, ensure_ascii=False, separators=(",", ":"), default=str),
            "ts": ts or utc_timestamp()}


def utc_timestamp() -> str:
    """Now as ISO 8601 UTC with milliseconds, e.g. ``2026-11-21T02:00:00.123Z``."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class StreamPublisher:
    """Appends every event to the Redis stream ``orderloom:events`` (``MAXLEN ~ 100000``), pipelined per window."""

    def __init__(self, redis_url: str | None = None, *, client: Any = None, stream: str = STREAM,
                 maxlen: int = STREAM_MAXLEN, window: float = WINDOW_S):
        if client is None:
            import redis

            client = redis.Redis.from_url(redis_url)
        self._redis = client
        self.stream = stream
        self.maxlen = maxlen
        self._batches = BatchWindow(self._append, window, "stream")

    def publish(self, events: list[dict[str, Any]]) -> None:
        # the time of publication (just after the commit), not of the flush
        ts = utc_timestamp()
        self._batches.publish([{**e, "_ts": ts} for e in events])

    def flush(self) -> None:
        self._batches.flush()

    def close(self) -> None:
        self._batches.close()

    def _append(self, events: list[dict[str, Any]]) -> None:
        pipe = self._redis.pipeline(transaction=False)
        for event in events:
            pipe.xadd(self.stream, stream_record(event, event.get("_ts")), maxlen=self.maxlen, approximate=True)
        pipe.execute()


class CompositePublisher:
    """Publishes to every given publisher; one failing never stops the others."""

    def __init__(self, *publishers: Any):
        self.publishers = publishers

    def publish(self, events: list[dict[str, Any]]) -> None:
        for publisher in self.publishers:
            try:
                publisher.publish(events)
            except Exception:  # noqa: BLE001
                log.exception("live: %s failed", type(publisher).__name__)

    def flush(self) -> None:
        for publisher in self.publishers:
            getattr(publisher, "flush", lambda: None)()

    def close(self) -> None:
        for publisher in self.publishers:
            getattr(publisher, "close", lambda: None)()


def make_publisher(redis_url: str, *, window: float = WINDOW_S) -> CompositePublisher:
    """Socket.IO rooms + the Redis stream, both on ``redis_url``: what a distributed process publishes to."""
    return CompositePublisher(SocketIOPublisher(redis_url, window=window), StreamPublisher(redis_url, window=window))
