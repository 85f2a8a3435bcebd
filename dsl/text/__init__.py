"""The text DSL: every flow document as one canonical, reviewable text, and back.

``parse_flow(print_flow(doc)) == doc`` for every document the flow JSON Schema accepts, and
``format_source`` turns any valid text into the canonical one. Syntax: docs/dsl.md.
"""

from __future__ import annotations

from typing import Any

from dsl.text.parser import FlowSyntaxError, parse_with_positions
from dsl.text.printer import print_flow

__all__ = ["FlowSyntaxError", "parse_flow", "parse_flow_with_positions", "print_flow", "format_source"]


def parse_flow(text: str) -> dict[str, Any]:
    """The flow document written in ``text``; raises FlowSyntaxError with located DSL_* problems."""
    return parse_with_positions(text)[0]


def parse_flow_with_positions(text: str) -> tuple[dict[str, Any], dict[str, tuple[int, int]]]:
    """The document and, per path (``nodes[3].config.sla``), the line and column it starts at."""
    return parse_with_positions(text)


def format_source(text: str) -> str:
    """The canonical text of any valid DSL text (comments are dropped; notes belong in ``note``)."""
    return print_flow(parse_flow(text))
