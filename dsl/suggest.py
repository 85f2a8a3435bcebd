"""“Did you mean”: the closest known name to a misspelt one."""

from __future__ import annotations

import difflib
from typing import Iterable


def did_you_mean(name: str, known: Iterable[str]) -> str | None:
    """The best close match for ``name`` among ``known``, or None when nothing is close."""
    if not isinstance(name, str) or len(name) > 200:
        return None
    matches = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return matches[0] if matches else None


def hint(suggestion: str | None) -> dict[str, str]:
    """Template params ``hint_zh`` / ``hint_en`` for a catalogue message."""
    if not suggestion:
        return {"hint_zh": "", "hint_en": ""}
    return {"hint_zh": f"，是否想写 “{suggestion}”？", "hint_en": f"; did you mean '{suggestion}'?"}
