"""Errors and limits of the expression language, and the "did you mean" helper."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

from dsl.problems import Problem, problem

MAX_LENGTH = 4000       # characters in one expression
MAX_DEPTH = 64          # brackets nested, or operators chained, in one expression
MAX_DIGITS = 34         # significant digits of every number (IEEE decimal128)
MAX_EXPONENT = 999      # numbers stay below 10**MAX_EXPONENT
MAX_STEPS = 100_000     # list items one evaluation may visit


class ExpressionError(Exception):
    """An expression that cannot be compiled; ``problems`` holds every finding, ``problem`` the first."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = problems if isinstance(problems, list) else [problems]
        self.problem = self.problems[0]
        super().__init__(f"{self.problem.code} at {self.problem.line}:{self.problem.column}: "
                         f"{self.problem.message_en}")


class ExpressionRuntimeError(Exception):
    """An expression failed on this data; it would fail again the same way, so never retryable."""

    retryable = False

    def __init__(self, problem_: Problem):
        self.problem = problem_
        self.code = problem_.code
        super().__init__(f"{problem_.code} at {problem_.line}:{problem_.column}: {problem_.message_en}")


def fail(code: str, line: int | None, column: int | None, **params: Any) -> ExpressionError:
    """An ExpressionError for one catalogue code at a position (to ``raise``)."""
    return ExpressionError(problem(code, line=line, column=column, **params))


def runtime_error(code: str, pos: tuple[int, int], **params: Any) -> ExpressionRuntimeError:
    """An ExpressionRuntimeError for one catalogue code at a node's ``(line, column)``."""
    return ExpressionRuntimeError(problem(code, line=pos[0], column=pos[1], **params))


def did_you_mean(word: str, choices: Iterable[str], prefix: str = "") -> dict[str, str]:
    """``hint_zh`` / ``hint_en`` params suggesting the closest choice, or empty hints."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        return {"hint_zh": "", "hint_en": ""}
    guess = prefix + close[0]
    return {"hint_zh": f"，您是不是想写 “{guess}”？", "hint_en": f"; did you mean '{guess}'?"}


NO_HINT = {"hint_zh": "", "hint_en": ""}
