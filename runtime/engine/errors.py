"""The engine's errors: a flow that cannot be compiled, an event that does not fit, a node that failed."""

from __future__ import annotations

from typing import Any


class PlanError(ValueError):
    """A flow document that cannot be compiled into a plan; ``problems`` holds every validation error."""

    def __init__(self, problems: list[Any]):
        self.problems = problems
        first = problems[0] if problems else None
        where = f"{first.code} at {first.path or '(document)'}: {first.message_en}" if first else "no detail"
        super().__init__(f"flow document is not valid ({len(problems)} problem(s)); first: {where}")


class EventError(ValueError):
    """An event the engine cannot apply to this state: a malformed event or the wrong instance status.

    This is the caller's bug (the adapter), never the flow author's, so it is raised, not recorded.
    """


class PlanMismatch(EventError):
    """The state was started by another version's plan: instances finish on the version they started on."""


class NodeIncident(Exception):
    """Raised by a handler when its node cannot go on; the instance goes to ``incident`` at that node.

    ``code`` is a catalogue-like code (``SERVICE_ERROR``, ``PORT_NOT_CONNECTED`` …); ``retry`` re-runs
    the node on a fresh snapshot.
    """

    def __init__(self, code: str, message_en: str, message_zh: str = "", **details: Any):
        self.code = code
        self.message_en = message_en
        self.message_zh = message_zh or message_en
        self.details = details
        super().__init__(f"{code}: {message_en}")


class SpecError(ValueError):
    """A node config the schema accepts but the engine cannot run (e.g. a table row with the wrong
    number of cells); :func:`runtime.engine.compile_plan` turns it into a located PlanError."""

    def __init__(self, path: str, message_en: str, message_zh: str):
        self.path = path
        self.message_en = message_en
        self.message_zh = message_zh
        super().__init__(f"{path}: {message_en}")
