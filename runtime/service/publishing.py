"""Live events: what the runtime announces after each commit, and where.

An event is ``{"event": name, "room": room, "data": {...}}``:

| event | rooms | data |
|---|---|---|
| ``order.step`` | ``order:<id>`` | order_id, instance_id, flow, version, stage, step (the published step shape) |
| ``order.status`` | ``order:<id>`` | order_id, status, previous, stage, reason, actor, at |
| ``instance.status`` | ``order:<id>``, ``flow:<key>`` | the instance (id, order_id, flow, version, status, …) |
| ``task.created`` / ``task.updated`` | ``group:<name>``, ``order:<id>`` | the task as ``list_tasks`` shows it |

The runtime calls :meth:`Publisher.publish` once per committed unit of work, after the commit,
with that unit's events in order; a publisher must not raise (the runtime logs and drops errors).
"""

from __future__ import annotations

import threading
from typing import Any, Protocol


class Publisher(Protocol):
    """Where committed changes are announced (Socket.IO / Redis in production). A publisher may also have a
    ``listening`` property: while it is false the runtime does not build the events at all."""

    def publish(self, events: list[dict[str, Any]]) -> None: ...


class NullPublisher:
    """Announces nothing."""

    def publish(self, events: list[dict[str, Any]]) -> None:
        return None


class MemoryPublisher:
    """Keeps every published event in :attr:`events` (tests)."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.batches = 0
        self._lock = threading.Lock()

    def publish(self, events: list[dict[str, Any]]) -> None:
        with self._lock:
            self.events.extend(events)
            self.batches += 1

    def of(self, event: str | None = None, room: str | None = None) -> list[dict[str, Any]]:
        """The events named ``event`` (and/or sent to ``room``), in order."""
        with self._lock:
            return [e for e in self.events if (event is None or e["event"] == event)
                    and (room is None or e["room"] == room)]

    def clear(self) -> None:
        with self._lock:
            self.events.clear()
