"""Details of the syntax: positions, literals, quoting, omitted vs empty, canonical layout."""

from __future__ import annotations

import pytest

from dsl.catalog import all_node_types
from dsl.text import format_source, parse_flow, parse_flow_with_positions, print_flow

TEXT = '''flow k "名" {
  format "orderloom.flow/1"
  kind approval
  start a
  when `order.total > 1`

  approval a "审批" {
    assignee_group: "g"
    on_sla_breach: {action: "escalate", escalate_to: "m"}
    ui {x: 1, y: 2}
  }

  a.approved -> b "ok"
}
'''


def base(**extra):
    doc = {"format": "orderloom.flow/1", "key": "k", "name": "n", "kind": "intake", "trigger": {"start": "a"},
           "nodes": [{"id": "a", "type": "end", "config": {"outcome": "done"}}], "edges": []}
    doc.update(extra)
    return doc


def test_positions_point_at_each_path():
    _, positions = parse_flow_with_positions(TEXT)
    assert positions[""] == (1, 1)
    assert positions["name"] == (1, 8)
    assert positions["trigger.when"] == (5, 8)
    assert positions["nodes[0]"] == (7, 3)
    assert positions["nodes[0].id"] == (7, 12)
    assert positions["nodes[0].config.assignee_group"] == (8, 21)
    assert positions["nodes[0].config.on_sla_breach.escalate_to"] == (9, 54)
    assert positions["nodes[0].ui.y"] == (10, 18)
    assert positions["edges[0]"] == (13, 3)
    assert positions["edges[0].to"] == (13, 17)
    assert positions["edges[0].label"] == (13, 19)


@pytest.mark.parametrize("value", [1, 1.0, -0.0, 0.0, 1e-07, 1e16, 10**40, -5, 2.5e-300, True, False, None])
def test_numbers_and_constants_keep_type_and_value(value):
    doc = base(nodes=[{"id": "a", "type": "end", "config": {"v": value, "l": [value], "m": {"k": value}}}])
    back = parse_flow(print_flow(doc))["nodes"][0]["config"]
    for got in (back["v"], back["l"][0], back["m"]["k"]):
        assert type(got) is type(value) and repr(got) == repr(value)


@pytest.mark.parametrize("text", ["", '"', "\\", "\\n", "\n\r\t", "`", "a`b", "# not a comment",
                                  "中文 😀", "\x00\x1f\x7f\u202e\u200d\ufeff\u2028", "\ud800",
                                  "\udfff\ud800", "\U000e0041"])
def test_strings_round_trip(text):
    doc = base(description=text, name=text or "n")
    printed = print_flow(doc)
    assert parse_flow(printed) == doc
    assert "\u202e" not in printed and "\x00" not in printed and "\ud800" not in printed


def test_expressions_use_backticks_only_when_safe():
    assert "when `order.total > 1`" in print_flow(base(trigger={"start": "a", "when": "order.total > 1"}))
    assert 'when "a`b"' in print_flow(base(trigger={"start": "a", "when": "a`b"}))
    assert 'when "a\\nb"' in print_flow(base(trigger={"start": "a", "when": "a\nb"}))
    text = print_flow(base(nodes=[{"id": "a", "type": "end", "config": {"outcome": "order.total"}}]))
    assert 'outcome: "order.total"' in text  # not an expression field


def test_omitted_and_empty_stay_distinct():
    empty = base(description="", nodes=[{"id": "a", "type": "call_service", "label": "", "note": "",
                                         "config": {"body": {}, "x": []}, "ui": {}}])
    omitted = base(nodes=[{"id": "a", "type": "call_service", "config": {}}])
    assert parse_flow(print_flow(empty)) == empty
    assert parse_flow(print_flow(omitted)) == omitted
    assert print_flow(empty) != print_flow(omitted)


def test_keys_that_are_not_names_are_quoted():
    config = {"a b": 1, "": 2, "1x": 3, "note": 4, "ui": 5, "true": 6, "when": 7}
    doc = base(nodes=[{"id": "a", "type": "end", "config": config}])
    text = print_flow(doc)
    assert '"a b": 1' in text and '"": 2' in text and '"1x": 3' in text and "note: 4" in text
    assert parse_flow(text) == doc


def test_dsl_words_work_as_node_ids():
    ids = ["kind", "start", "when", "note", "ui", "flow", "format", "description", "true", "null"]
    doc = base(trigger={"start": "when"}, nodes=[{"id": i, "type": "end", "config": {}} for i in ids],
               edges=[{"from": i, "port": "p", "to": j, "label": "x"} for i, j in zip(ids, reversed(ids))])
    assert parse_flow(print_flow(doc)) == doc


def test_config_keys_follow_the_schema_then_sorted():
    doc = base(nodes=[{"id": "a", "type": "approval",
                       "config": {"zz": 1, "sla": "4h", "aa": 2, "assignee_group": "g"}}])
    lines = [line.strip().split(":")[0] for line in print_flow(doc).splitlines() if ": " in line]
    assert lines == ["assignee_group", "sla", "aa", "zz"]


def test_long_values_break_one_item_per_line():
    rules = [{"when": [f"< {i}" * 8], "then": [i]} for i in range(3)]
    doc = base(nodes=[{"id": "a", "type": "decision_table", "config": {"rules": rules}}])
    text = print_flow(doc)
    assert "    rules: [\n      {when: [`" in text
    assert max(len(line) for line in text.splitlines()) <= 100
    assert parse_flow(text) == doc


def test_comments_are_dropped():
    assert "#" not in print_flow(parse_flow("# c\nflow k { # c\n kind intake # c\n}\n"))


def test_no_node_keyword_collides_with_a_dsl_word():
    words = {"flow", "format", "description", "kind", "start", "when", "note", "ui", "true", "false", "null"}
    assert not words & {n.keyword for n in all_node_types()}


def test_printing_refuses_what_the_dsl_cannot_hold():
    for bad in (base(extra=1), base(trigger={}), base(nodes=[{"id": "a", "type": "nope", "config": {}}]),
                base(edges=[{"from": "a b", "port": "p", "to": "c"}])):
        with pytest.raises(ValueError):
            print_flow(bad)


def test_the_reference_example_is_canonical():
    from pathlib import Path

    reference = (Path(__file__).parents[3] / "docs" / "dsl.md").read_text(encoding="utf-8")
    example = reference.split("```\n", 2)[1]
    assert format_source(example) == example
