"""Steps: one compact record per node visit, turned into the published JSON shape only on demand.

A step is a tuple (cheap to make: no per-field assignments) holding the plan node and the handler's
raw ``detail`` (tuples, numbers); ``to_dict`` asks the node type's ``explain`` for the explanation, so
a run pays for explanations only when someone reads them (the timeline, the dry run, the preview).
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

_ENGINE_DETAIL = frozenset({"incident", "cancelled"})  # steps whose detail the engine wrote, as JSON
_new = tuple.__new__


class Step(tuple):
    """A node visit: (seq, node, port, status, started, ended, token, detail, actor); times are ISO text.

    ``status``: done (left by ``port``, or ended, or forked), waiting, absorbed (a join still waiting
    for its siblings), incident, cancelled.
    """

    __slots__ = ()

    seq = property(itemgetter(0))
    node = property(itemgetter(1))
    port = property(itemgetter(2))
    status = property(itemgetter(3))
    started = property(itemgetter(4))
    ended = property(itemgetter(5))
    token = property(itemgetter(6))
    detail = property(itemgetter(7))
    actor = property(itemgetter(8))

    @staticmethod
    def make(seq: int, node: Any, port: str | None, status: str, started: str, ended: str, token: int,
             detail: Any, actor: str | None = None) -> Step:
        return _new(Step, (seq, node, port, status, started, ended, token, detail, actor))

    @property
    def node_id(self) -> str:
        return self[1].id

    def explanation(self) -> dict[str, Any]:
        """What the node type says about this visit (``{}`` when it has nothing to say)."""
        detail = self[7]
        if detail is None:
            return {}
        if self[3] in _ENGINE_DETAIL:
            return detail
        node = self[1]
        return node.explain(node.spec, detail)

    def to_dict(self) -> dict[str, Any]:
        """The published step shape: seq, node, type, label, port, status, started, ended, actor, token,
        explanation."""
        seq, node, port, status, started, ended, token, _, actor = self
        return {"seq": seq, "node": node.id, "type": node.type, "label": node.label, "port": port,
                "status": status, "started": started, "ended": ended, "actor": actor, "token": token,
                "explanation": self.explanation()}

    def __repr__(self) -> str:
        return f"Step({self[0]} {self[1].id} -> {self[2]} [{self[3]}])"
