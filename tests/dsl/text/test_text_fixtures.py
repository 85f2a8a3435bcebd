"""Hand-written, non-canonical DSL files format to their golden canonical text."""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.text import format_source, parse_flow

FIXTURES = Path(__file__).with_name("fixtures")
INPUTS = sorted(FIXTURES.glob("*.in.flow"))


def golden_of(path: Path) -> Path:
    return path.with_name(path.name.replace(".in.flow", ".golden.flow"))


def test_there_are_fixtures():
    assert len(INPUTS) >= 4


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_input_formats_to_golden(path):
    assert format_source(path.read_text(encoding="utf-8")) == golden_of(path).read_text(encoding="utf-8")


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_golden_is_a_fixed_point_with_the_same_document(path):
    golden = golden_of(path).read_text(encoding="utf-8")
    assert format_source(golden) == golden
    assert parse_flow(golden) == parse_flow(path.read_text(encoding="utf-8"))
