"""Live event names, rooms and the coalescing rule shared by the Socket.IO publisher and its tests.

An event, as the runtime's ``Publisher`` receives it after a commit::

    {"event": "order.step", "room": "order:12", "data": {...}}

Rooms: ``order:<id>`` (everything about one order), ``flow:<key>`` (instances of a flow, for the
canvas), ``group:<name>`` (human tasks of a business group, for inboxes).
"""

from __future__ import annotations

import re
from typing import Any

EVENTS = ("order.step", "order.status", "instance.status", "task.created", "task.updated")
BATCH_EVENT = "batch"
ROOM_PATTERN = re.compile(r"^(order:[0-9]+|flow:[A-Za-z0-9_.\-]{1,100}|group:[A-Za-z0-9_.\-]{1,100})$")

# events that describe a current state: a later one about the same subject in the same room and window
# supersedes an earlier one (only the last is emitted). Steps and task creations are never dropped.
# (the subject's id fields, first present wins; see runtime/service/publishing.py for the payloads)
SUPERSEDING: dict[str, tuple[str, ...]] = {
    "order.status": ("order_id", "order"),
    "instance.status": ("id", "instance_id"),
    "task.updated": ("id", "task_id", "task"),
}


def is_room(name: Any) -> bool:
    """A valid room name (``order:<digits>``, ``flow:<key>``, ``group:<name>``)."""
    return isinstance(name, str) and ROOM_PATTERN.match(name) is not None


def order_id_of(event: dict[str, Any]) -> int | None:
    """The order an event is about: from an ``order:<id>`` room, else ``data.order_id`` / ``data.order``."""
    room = event.get("room") or ""
    if room.startswith("order:") and room[6:].isdigit():
        return int(room[6:])
    data = event.get("data") or {}
    for name in ("order_id", "order"):
        value = data.get(name)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str) and value.isdigit():
            return int(value)
    return None


def subject_of(event: dict[str, Any]) -> Any:
    """What a superseding event is about (its order, instance or task id); ``None``: not superseding."""
    data = event.get("data") or {}
    for name in SUPERSEDING.get(event.get("event"), ()):
        if data.get(name) is not None:
            return str(data[name])
    return None


def coalesce(events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Group one window's events per room, in publication order, dropping superseded state events.

    Returns ``{room: [{"event", "data"}, ...]}``: every ``order.step`` and ``task.created`` (exact
    duplicates — the same step of the same instance — once), and of ``order.status``,
    ``instance.status`` and ``task.updated`` only the last per subject.
    """
    rooms: dict[str, list[dict[str, Any]]] = {}
    last: dict[tuple[str, str, Any], int] = {}
    seen_steps: set[tuple[str, Any, Any]] = set()
    for event in events:
        room, name, data = event["room"], event["event"], event.get("data") or {}
        items = rooms.setdefault(room, [])
        if name == "order.step":
            step = data.get("step") if isinstance(data.get("step"), dict) else data
            ident = (room, data.get("instance_id", data.get("instance")), step.get("seq"))
            if ident[2] is not None:
                if ident in seen_steps:
                    continue
                seen_steps.add(ident)
        else:
            subject = subject_of(event)
            if subject is not None:
                slot = (room, name, subject)
                if slot in last:
                    items[last[slot]] = None  # type: ignore[call-overload]
                last[slot] = len(items)
        items.append({"event": name, "data": data})
    return {room: [i for i in items if i is not None] for room, items in rooms.items()}
