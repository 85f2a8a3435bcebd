"""Segment releases: a boolean expression over the order model (``customer.new == true``) picks the orders
the candidate serves. Checked and compiled with ``dsl.expr`` once per release, evaluated per order."""

from __future__ import annotations

from datetime import datetime
from functools import cache
from typing import Any

from dsl.expr import (
    CompiledExpression,
    ExpressionError,
    ExpressionRuntimeError,
    Scope,
    check_expression,
    compile_expression,
)
from dsl.problems import Problem

MAX_SEGMENT_LENGTH = 2000


@cache
def _scope() -> Scope:
    return Scope.order_model()


def segment_problems(text: str) -> list[Problem]:
    """What is wrong with a segment expression (empty, syntax, names, not a boolean); [] when it is fine."""
    return [p for p in check_expression(text[:MAX_SEGMENT_LENGTH], _scope(), "boolean") if p.severity == "error"]


@cache
def compile_segment(text: str) -> CompiledExpression:
    """The compiled segment (cached per text: a release compiles it once per process)."""
    return compile_expression(text, _scope(), "boolean")


def matches(segment: str, env: dict[str, Any], clock: datetime) -> bool:
    """Whether the order (``env``: order, customer, return_request, context) is in the segment. An
    expression that cannot be evaluated for this order (a missing value) keeps it out, and so does one
    that no longer compiles (checked on publish; the order model may have changed since): orders are
    never held up by a release rule."""
    try:
        return compile_segment(segment).evaluate(env, clock) is True
    except (ExpressionRuntimeError, ExpressionError):
        return False
