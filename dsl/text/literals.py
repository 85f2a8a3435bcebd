"""Literal syntax shared by printer and parser: names, strings, expressions and numbers.

Kept in one place so that what the printer writes is exactly what the parser reads back.
"""

from __future__ import annotations

import math
import re

MAX_DEPTH = 64
"""Most brackets (``{`` and ``[``, the flow's and each node's own included) open at once."""

IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
FLOW_KEY_RE = re.compile(r"[a-z0-9][a-z0-9-]*\Z")

# Invisible or misleading characters a reviewer must see: controls, line separators, bidi
# overrides ("trojan source"), zero-width characters, lone surrogates, tag characters.
_INVISIBLE = ("\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff"
              "\ud800-\udfff\U000e0000-\U000e007f")
_NEEDS_ESCAPE = re.compile(f'["\\\\{_INVISIBLE}]')
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}

FORBIDDEN_RAW = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
                           "|\r(?!\n)")
"""Characters refused anywhere in the source text: inside a string they must be escaped."""

_ESCAPE_IN = re.compile(r'\\(?:u\{([0-9A-Fa-f]{1,6})\}|u([0-9A-Fa-f]{4})|(["\\/nrtbf]))|\\')
_SIMPLE_IN = {'"': '"', "\\": "\\", "/": "/", "n": "\n", "r": "\r", "t": "\t", "b": "\b", "f": "\f"}
_LEADING_ZERO = re.compile(r"-?0[0-9]")


def quote(text: str) -> str:
    """``text`` as a double-quoted literal; invisible characters become ``\\uXXXX`` escapes."""
    return '"' + _NEEDS_ESCAPE.sub(_escape_char, text) + '"'


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    if char in _SHORT:
        return _SHORT[char]
    code = ord(char)
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\u{{{code:x}}}"


def can_backtick(text: str) -> bool:
    """Whether an expression can be written raw between backticks and read back unchanged."""
    return bool(text) and "`" not in text and not _INVISIBLE_RE.search(text)


def unquote(body: str) -> tuple[str, int | None]:
    """The text of a string literal's body and the offset of its first bad escape (or None).

    ``\\uXXXX`` gives exactly one code point (surrogate pairs are not joined) so every
    Python string, lone surrogates included, survives print and parse.
    """
    if "\\" not in body:
        return body, None
    bad: list[int] = []

    def replace(match: re.Match[str]) -> str:
        braced, four, simple = match.groups()
        if simple:
            return _SIMPLE_IN[simple]
        digits = braced or four
        if digits and int(digits, 16) <= 0x10FFFF:
            return chr(int(digits, 16))
        bad.append(match.start())
        return match.group()

    text = _ESCAPE_IN.sub(replace, body)
    return text, (bad[0] if bad else None)


def format_number(value: int | float) -> str:
    """``1`` stays ``1``, ``1.0`` stays ``1.0``: ``repr`` is the shortest exact float text."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a JSON number")
        return repr(value)
    return str(value)


def parse_number(text: str) -> int | float | None:
    """The number a NUMBER token stands for; None when it is not a JSON number."""
    if _LEADING_ZERO.match(text):
        return None
    try:
        if any(c in text for c in ".eE"):
            number = float(text)
            return number if math.isfinite(number) else None
        return int(text)
    except ValueError:  # more digits than int() accepts
        return None
