"""The one catalogue of problem codes, assembled from one section module per area."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CodeEntry:
    """A problem code's severity and its message templates (``str.format`` fields)."""

    severity: str
    zh: str
    en: str


def _assemble() -> dict[str, CodeEntry]:
    from dsl.problems import sections

    table: dict[str, CodeEntry] = {}
    for section in sections.ALL:
        for code, entry in section.CODES.items():
            if code in table:
                raise ValueError(f"problem code {code} declared twice")
            table[code] = entry
    return table


CATALOGUE: dict[str, CodeEntry] = _assemble()
