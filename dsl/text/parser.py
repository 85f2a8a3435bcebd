"""Parse DSL text into a flow document and its positions; every failure is a located problem.

The grammar is built once, at import, as an LALR(1) parser with the transformer applied
while parsing, so no input (10,000 nested brackets, a megabyte-long string) can make it
recurse. Bracket depth is capped by a lexer callback before the parser ever sees the token.
"""

from __future__ import annotations

from contextvars import copy_context
from typing import Any

from lark import Lark, Token, UnexpectedInput

from dsl.problems import Problem, problem
from dsl.text.errors import examples_by_state, problem_from_lark
from dsl.text.literals import FORBIDDEN_RAW, MAX_DEPTH
from dsl.text.transformer import STATE, FlowTransformer, ParseState, Positions


class FlowSyntaxError(Exception):
    """The text is not a well-formed flow; ``problems`` are DSL_* problems with line/column."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(f"line {first.line}, column {first.column}: {first.message_en}")


class _TooDeep(Exception):
    """Raised from the lexer when brackets nest deeper than MAX_DEPTH."""

    def __init__(self, token: Token) -> None:
        self.token = token


def _open(token: Token) -> Token:
    brackets = STATE.get().open_brackets
    if len(brackets) >= MAX_DEPTH:
        raise _TooDeep(token)
    brackets.append(token)
    return token


def _close(token: Token) -> Token:
    brackets = STATE.get().open_brackets
    if brackets:
        brackets.pop()
    return token


_PARSER = Lark.open(
    "flow.lark", rel_to=__file__, parser="lalr", lexer="contextual", transformer=FlowTransformer(),
    propagate_positions=False, maybe_placeholders=True,
    lexer_callbacks={"LBRACE": _open, "LSQB": _open, "RBRACE": _close, "RSQB": _close},
)


def raw_parse(text: str) -> Any:
    """Run the LALR parser with a fresh ParseState; lark's exceptions pass through."""
    token = STATE.set(ParseState())
    try:
        return _PARSER.parse(text)
    finally:
        STATE.reset(token)


_EXAMPLES = examples_by_state(raw_parse)


def parse_with_positions(text: str) -> tuple[dict[str, Any], Positions]:
    """The document and where each of its paths starts; raises FlowSyntaxError."""
    if not isinstance(text, str):
        raise TypeError("DSL text must be a str")
    bad_char = _forbidden_char(text)
    if bad_char:
        raise FlowSyntaxError([bad_char])
    state = ParseState()
    token = STATE.set(state)
    try:
        result = _PARSER.parse(text)
    except _TooDeep as exc:
        state.problems.append(problem("DSL_TOO_DEEP", line=exc.token.line, column=exc.token.column,
                                      limit=MAX_DEPTH))
    except UnexpectedInput as exc:
        # Lark works out what was expected by feeding trial tokens through the transformer:
        # do that against a scratch state so trial reductions report nothing.
        scratch = copy_context()
        scratch.run(STATE.set, ParseState())
        state.problems.append(scratch.run(problem_from_lark, exc, text, state.open_brackets, _EXAMPLES))
    finally:
        STATE.reset(token)
    if state.problems:
        raise FlowSyntaxError(sorted(state.problems, key=lambda p: (p.line or 0, p.column or 0)))
    return result


def _forbidden_char(text: str) -> Problem | None:
    match = FORBIDDEN_RAW.search(text)
    if not match:
        return None
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    code_point = ord(match.group()[0])
    if 0xD800 <= code_point <= 0xDFFF:
        return problem("DSL_INVALID_CHAR", line=line, column=column, codepoint=f"U+{code_point:04X}")
    return problem("DSL_CONTROL_CHAR", line=line, column=column, codepoint=f"U+{code_point:04X}",
                   escape=f"\\u{code_point:04x}")
