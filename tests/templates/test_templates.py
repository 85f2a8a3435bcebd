"""The starter library: every template is valid, canonical, round-trips and covers its scenario."""

from pathlib import Path

import pytest

from dsl.text import format_source, parse_flow, print_flow
from dsl.validation import validate_source

TEMPLATE_DIR = Path(__file__).parents[2] / "templates"
TEMPLATES = sorted(TEMPLATE_DIR.glob("*.flow"))
KEYS = {parse_flow(p.read_text(encoding="utf-8"))["key"] for p in TEMPLATES}
SCENARIOS_WITH_TEMPLATES = ["s1", "s2", "s3", "s4", "s5", "s7", "s8", "s9"]


def test_every_marked_scenario_has_a_template():
    prefixes = {p.name.split("-")[0] for p in TEMPLATES}
    assert set(SCENARIOS_WITH_TEMPLATES) <= prefixes


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_validates_without_any_problem(path):
    result = validate_source(path.read_bytes(), filename=path.name, known_flows=KEYS)
    assert [p.to_dict() for p in result.problems] == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_is_canonical(path):
    text = path.read_text(encoding="utf-8")
    assert format_source(text) == text


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_round_trips(path):
    doc = parse_flow(path.read_text(encoding="utf-8"))
    assert parse_flow(print_flow(doc)) == doc


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_template_speaks_chinese_to_its_users(path):
    doc = parse_flow(path.read_text(encoding="utf-8"))
    assert any("\u4e00" <= ch <= "\u9fff" for ch in doc["name"])
    assert any("\u4e00" <= ch <= "\u9fff" for ch in doc.get("description", ""))
    assert all(node.get("label") for node in doc["nodes"]), "every box on the canvas has a Chinese label"


def test_cross_border_template_calls_the_shipped_ce_subflow():
    doc = parse_flow((TEMPLATE_DIR / "s9-cross-border-compliance.flow").read_text(encoding="utf-8"))
    subflows = [n for n in doc["nodes"] if n["type"] == "subflow"]
    assert [n["config"]["flow"] for n in subflows] == ["ce-certificate-check"]
    assert "ce-certificate-check" in KEYS
