"""Explanation helpers shared by node types: conditions and JSON-safe values."""

from __future__ import annotations

from typing import Any

from runtime.engine.compiling import Condition
from runtime.engine.state import jsonable


def condition_explanation(cond: Condition, detail: tuple[bool, Any, Any]) -> dict[str, Any]:
    """The expression text, the operands of its top-level comparison (when it has one) and the result."""
    result, left, right = detail
    out: dict[str, Any] = {"expression": cond.text, "result": result}
    if cond.op is not None:
        out["comparison"] = {"op": cond.op, "left": {"text": cond.left_text, "value": jsonable(left)},
                             "right": {"text": cond.right_text, "value": jsonable(right)}}
    return out
