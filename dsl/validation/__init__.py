"""Static validation of a flow: shape, node configs, graph, expressions, sub-flow references.

Every check returns problems; none raises on user input. A source given as DSL text also
gets line and column on each problem, looked up from where its path came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dsl.problems import Problem
from dsl.validation.expressions import expression_problems, subflow_problems
from dsl.validation.graph import graph_problems
from dsl.validation.source import detect_syntax, load_source
from dsl.validation.structure import document_problems

__all__ = ["Validation", "validate_document", "validate_source", "detect_syntax"]


@dataclass
class Validation:
    """The outcome of validating one flow: the document (when readable) and its problems."""

    document: dict[str, Any] | None
    problems: list[Problem] = field(default_factory=list)
    syntax: str = "json"

    @property
    def valid(self) -> bool:
        return self.document is not None and not any(p.severity == "error" for p in self.problems)


def validate_document(doc: Any, known_flows: set[str] | None = None) -> Validation:
    """All problems of a document; ``known_flows`` (flow keys) enables the sub-flow existence check."""
    if not isinstance(doc, dict):
        from dsl.problems import problem

        return Validation(None, [problem("DOC_NOT_OBJECT")])
    problems = document_problems(doc)
    problems += graph_problems(doc)
    problems += expression_problems(doc)
    problems += subflow_problems(doc, known_flows)
    return Validation(doc, problems)


def validate_source(source: str | bytes, syntax: str | None = None, known_flows: set[str] | None = None,
                    filename: str | None = None) -> Validation:
    """Parse JSON or DSL text and validate it; DSL problems carry line and column."""
    if syntax is None and filename:
        syntax = "dsl" if filename.endswith(".flow") else "json" if filename.endswith(".json") else None
    loaded = load_source(source, syntax)
    if loaded.document is None:
        return Validation(None, loaded.problems, loaded.syntax)
    result = validate_document(loaded.document, known_flows)
    if loaded.positions:
        result.problems = [_locate(p, loaded.positions) for p in result.problems]
    result.syntax = loaded.syntax
    return result


def _locate(found: Problem, positions: dict[str, tuple[int, int]]) -> Problem:
    """Place a problem at the DSL position of its path, or of the nearest enclosing path."""
    path = found.path
    while True:
        if path in positions:
            line, column = positions[path]
            if found.expr_line is not None and found.path == path:
                return found.at(*_shift(line, column, found.expr_line, found.expr_column or 1))
            return found.at(line, column)
        if not path:
            return found
        path = _parent(path)


def _shift(line: int, column: int, expr_line: int, expr_column: int) -> tuple[int, int]:
    """Position of a point inside an expression whose opening quote sits at (line, column)."""
    if expr_line == 1:
        return line, column + expr_column
    return line + expr_line - 1, expr_column


def _parent(path: str) -> str:
    cut = max(path.rfind("."), path.rfind("["))
    return path[:cut] if cut > 0 else ""
