"""Problems: the one shape every check in Orderloom reports, and the one catalogue of their codes.

A problem says what is wrong (a catalogue code and a message in zh and en) and where (a
document path such as ``nodes[3].config.sla`` and, when the input was text, line and column).
The catalogue is assembled from one section per area so each area owns its codes, yet the
API, the CLI and the UI read a single table.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from dsl.problems.catalogue import CATALOGUE, CodeEntry

__all__ = ["Problem", "problem", "CATALOGUE", "CodeEntry", "format_path"]


@dataclass(frozen=True)
class Problem:
    """One located finding about a flow document or a piece of text."""

    code: str
    path: str
    message_zh: str
    message_en: str
    severity: str = "error"
    line: int | None = None
    column: int | None = None
    expr_line: int | None = None
    expr_column: int | None = None

    def inside_expression(self, path: str) -> "Problem":
        """An expression checker's problem moved to the field at ``path``: its line and column
        become the position inside the expression, and the source position is left open."""
        return replace(self, path=path, expr_line=self.line, expr_column=self.column, line=None, column=None)

    def at(self, line: int | None, column: int | None) -> "Problem":
        """The same problem, placed at a line and column of the source text."""
        return replace(self, line=line, column=column)

    def under(self, prefix: str) -> "Problem":
        """The same problem with its path nested under ``prefix`` (e.g. a node's config)."""
        if not prefix:
            return self
        if not self.path:
            return replace(self, path=prefix)
        sep = "" if self.path.startswith("[") else "."
        return replace(self, path=f"{prefix}{sep}{self.path}")

    def to_dict(self) -> dict[str, Any]:
        """JSON shape used by the API and the UI; line/column only when known."""
        out: dict[str, Any] = {
            "path": self.path,
            "code": self.code,
            "severity": self.severity,
            "message_zh": self.message_zh,
            "message_en": self.message_en,
        }
        if self.line is not None:
            out["line"] = self.line
            out["column"] = self.column
        if self.expr_line is not None:
            out["expression"] = {"line": self.expr_line, "column": self.expr_column}
        return out


def problem(code: str, path: str = "", *, line: int | None = None, column: int | None = None,
            **params: Any) -> Problem:
    """Build a problem from a catalogue code, filling its zh/en templates with ``params``.

    An unknown code is a bug in Orderloom, not in the user's flow, so it raises.
    """
    entry = CATALOGUE[code]
    return Problem(
        code=code,
        path=path,
        message_zh=_fill(entry.zh, params),
        message_en=_fill(entry.en, params),
        severity=entry.severity,
        line=line,
        column=column,
    )


def _fill(template: str, params: dict[str, Any]) -> str:
    try:
        return template.format(**params)
    except (KeyError, IndexError) as exc:  # a template/param mismatch is our bug
        raise KeyError(f"problem template {template!r} needs {exc}") from exc


def format_path(parts: list[str | int]) -> str:
    """Turn ``["nodes", 3, "config", "sla"]`` into ``nodes[3].config.sla``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out
