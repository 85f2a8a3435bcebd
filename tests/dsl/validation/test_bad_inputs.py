"""Every hand-written bad input is reported with its catalogue code at its exact place."""

import re

import pytest

from dsl.problems import CATALOGUE
from dsl.validation import validate_source
from tests.dsl.validation.bad_inputs import ALL_CASES, BadInput


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_bad_input_is_reported_where_it_is(case: BadInput):
    result = validate_source(case.source, syntax=case.syntax)
    assert not result.valid
    matching = [p for p in result.problems if p.code == case.code]
    assert matching, f"expected {case.code}, got {[(p.code, p.path) for p in result.problems]}"
    found = matching[0]
    if case.path is not None:
        assert case.path in [p.path for p in matching]
    if case.line is not None:
        assert (found.line, found.column) == (case.line, case.column)
    if case.expr_line is not None:
        assert (found.expr_line, found.expr_column) == (case.expr_line, case.expr_column)


def test_there_are_at_least_forty_cases():
    assert len(ALL_CASES) >= 40
    assert len({c.name for c in ALL_CASES}) == len(ALL_CASES)


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_every_reported_problem_speaks_both_languages(case: BadInput):
    for found in validate_source(case.source, syntax=case.syntax).problems:
        assert found.code in CATALOGUE
        assert found.message_zh and found.message_en
        assert not re.search(r"\{[a-z_]+\}", found.message_en + found.message_zh), "unfilled template"
        assert found.severity in ("error", "warning")
