"""What a handler returns: where its token goes next.

- ``(port, detail)`` — leave by ``port``; ``detail`` feeds the step's explanation (None: nothing to say);
- :class:`Wait` — park the token (approval, timer, wait_event, subflow, call_service, backorder);
- :class:`End` — finish the instance with a named outcome (other live tokens are cancelled);
- :class:`Fork` — leave by every port at once (parallel);
- :class:`Absorb` — the token is consumed here (a join still waiting for its siblings).

A handler's ``resume`` returns the same, or None when the event is not for it (no step recorded).
"""

from __future__ import annotations

from typing import Any


class Wait:
    """Park the token; ``wait`` is JSON (``kind`` + the keys events are matched by)."""

    __slots__ = ("detail", "wait")

    def __init__(self, wait: dict[str, Any], detail: Any = None):
        self.wait = wait
        self.detail = detail


class End:
    """The instance ends with ``outcome``."""

    __slots__ = ("detail", "outcome")

    def __init__(self, outcome: str, detail: Any = None):
        self.outcome = outcome
        self.detail = detail


class Fork:
    """The token leaves by each of ``ports``, in order (the first keeps the token's id)."""

    __slots__ = ("detail", "ports")

    def __init__(self, ports: tuple[str, ...], detail: Any = None):
        self.ports = ports
        self.detail = detail


class Absorb:
    """The token is consumed (its arrival is remembered by the handler)."""

    __slots__ = ("detail",)

    def __init__(self, detail: Any = None):
        self.detail = detail
