"""Bad DSL text: each mistake gets its own DSL_* code at the right line and column, never a crash."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dsl.problems import CATALOGUE
from dsl.text import FlowSyntaxError, parse_flow, print_flow

HEAD = 'flow a "x" {\n'

BAD = [
    # (name, text, code, line, column); the flow's and the node's braces count towards the depth limit
    # of 64, so the 63rd bracket inside a config value is the first one too many.
    ("missing closing brace", HEAD + '  end done {\n    outcome: "ok"\n\n}\n', "DSL_MISSING_BRACE", 5, 2),
    ("unterminated string", 'flow a "x {\n}', "DSL_UNTERMINATED_STRING", 1, 8),
    ("string across lines", HEAD + '  description "a\nb"\n}', "DSL_UNTERMINATED_STRING", 2, 15),
    ("unterminated expression", HEAD + "  when `order.total > 5\n}", "DSL_UNTERMINATED_EXPR", 2, 8),
    ("unknown node keyword", HEAD + "  aproval f {}\n}", "DSL_UNKNOWN_NODE", 2, 3),
    ("misspelt statement", HEAD + '  descripton "x"\n  kind approval\n}', "DSL_UNKNOWN_STATEMENT", 2, 3),
    ("bad escape", HEAD + '  description "a\\qb"\n}', "DSL_BAD_ESCAPE", 2, 17),
    ("escape beyond unicode", HEAD + '  description "\\u{110000}"\n}', "DSL_BAD_ESCAPE", 2, 16),
    ("missing edge target", HEAD + "  a.b ->\n}", "DSL_MISSING_EDGE_TARGET", 2, 7),
    ("edge target missing before next edge", HEAD + "  a.b ->\n  c.d -> e\n}",
     "DSL_MISSING_EDGE_TARGET", 2, 7),
    ("edge without port", HEAD + "  a -> b\n}", "DSL_EDGE_NEEDS_PORT", 2, 5),
    ("stray token", HEAD + "  kind approval )\n}", "DSL_UNEXPECTED_CHAR", 2, 17),
    ("stray closing bracket", HEAD + "  end e { outcome: ] }\n}", "DSL_MISSING_VALUE", 2, 20),
    ("second flow", HEAD + '}\nflow b "y" {\n}\n', "DSL_MULTIPLE_FLOWS", 3, 1),
    ("flow inside flow", HEAD + '  flow b "y" {\n  }\n}\n', "DSL_NESTED_FLOW", 2, 3),
    ("extra closing brace", HEAD + "}\n}\n", "DSL_EXTRA_BRACE", 3, 1),
    ("bare word value", HEAD + "  end e { outcome: approved }\n}", "DSL_BARE_WORD", 2, 20),
    ("missing colon", HEAD + '  end e { outcome "approved" }\n}', "DSL_MISSING_COLON", 2, 19),
    ("missing value", HEAD + "  end e { outcome: }\n}", "DSL_MISSING_VALUE", 2, 20),
    ("node without body", HEAD + "  end e\n  kind approval\n}", "DSL_NODE_NEEDS_BODY", 3, 3),
    ("empty text", "  \n# nothing\n", "DSL_EMPTY", 1, 1),
    ("not a flow", "end e {}", "DSL_EXPECTED_FLOW", 1, 1),
    ("ends after header", 'flow a "x"', "DSL_UNEXPECTED_END", 1, 11),
    ("leading zero", HEAD + "  end e { x: 007 }\n}", "DSL_BAD_NUMBER", 2, 14),
    ("infinite number", HEAD + "  end e { x: 1e999 }\n}", "DSL_BAD_NUMBER", 2, 14),
    ("duplicate config key", HEAD + "  end e { x: 1, x: 2 }\n}", "DSL_DUPLICATE", 2, 17),
    ("duplicate statement", HEAD + "  kind a\n  kind b\n}", "DSL_DUPLICATE", 3, 3),
    ("NUL byte", HEAD + '  description "a\x00"\n}', "DSL_CONTROL_CHAR", 2, 17),
    ("bidi override", HEAD + '  description "\u202e"\n}', "DSL_CONTROL_CHAR", 2, 16),
    ("lone surrogate", HEAD + '  description "\ud800"\n}', "DSL_INVALID_CHAR", 2, 16),
    ("deep lists", HEAD + "  end e { x: " + "[" * 10000 + "]" * 10000 + " }\n}", "DSL_TOO_DEEP", 2, 76),
    ("deep unclosed lists", HEAD + "  end e { x: " + "[" * 10000, "DSL_TOO_DEEP", 2, 76),
    ("deep braces", "{" * 10000, "DSL_EXPECTED_FLOW", 1, 1),
    ("deep maps", HEAD + "  end e { x: " + "{a: " * 10000, "DSL_TOO_DEEP", 2, 14 + 4 * 62),
]


def problems_of(text: str):
    with pytest.raises(FlowSyntaxError) as caught:
        parse_flow(text)
    return caught.value.problems


@pytest.mark.parametrize("name, text, code, line, column", BAD, ids=[b[0] for b in BAD])
def test_bad_text_is_located(name, text, code, line, column):
    first = problems_of(text)[0]
    assert (first.code, first.line, first.column) == (code, line, column), first.message_en
    assert first.path == ""
    assert first.message_zh and first.message_en


def test_unknown_keyword_says_did_you_mean():
    first = problems_of(HEAD + "  aproval f {}\n}")[0]
    assert "did you mean 'approval'" in first.message_en and "approval" in first.message_zh


def test_missing_brace_names_the_open_bracket():
    first = problems_of(HEAD + "  end done {\n")[0]
    assert "line 2, column 12" in first.message_en


def test_independent_problems_are_all_reported():
    text = HEAD + "  aproval f {}\n  end e { x: 1, x: 2 }\n  kind a\n  kind b\n}"
    codes = [p.code for p in problems_of(text)]
    assert codes == ["DSL_UNKNOWN_NODE", "DSL_DUPLICATE", "DSL_DUPLICATE"]


def test_a_megabyte_string_is_not_a_syntax_error():
    doc = parse_flow(HEAD + '  description "' + "长" * 1_000_000 + '"\n}')
    assert len(doc["description"]) == 1_000_000


def test_nesting_at_the_limit_parses_and_prints():
    value = 1
    for _ in range(62):
        value = [value]
    doc = parse_flow(HEAD + "  end e { x: " + "[" * 62 + "1" + "]" * 62 + " }\n}")
    assert doc["nodes"][0]["config"]["x"] == value
    assert parse_flow(print_flow(doc)) == doc


def test_every_dsl_code_has_both_languages():
    codes = [c for c in CATALOGUE if c.startswith("DSL_")]
    assert len(codes) >= 20
    assert all(CATALOGUE[c].zh and CATALOGUE[c].en for c in codes)


VALID = print_flow({
    "format": "orderloom.flow/1", "key": "k", "name": "名", "kind": "approval",
    "trigger": {"start": "a", "when": "order.total > 1"},
    "nodes": [{"id": "a", "type": "approval", "label": "审批", "config": {"assignee_group": "g", "sla": "4h"},
               "ui": {"x": 1, "y": 2.5}},
              {"id": "d", "type": "decision_table", "config": {"rules": [{"when": ["< 5"], "then": [1]}]}}],
    "edges": [{"from": "a", "port": "approved", "to": "d", "label": "ok"}]})


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_mangled_text_never_crashes(data):
    chars = list(VALID)
    for _ in range(data.draw(st.integers(1, 4))):
        at = data.draw(st.integers(0, len(chars)))
        if data.draw(st.booleans()) and at < len(chars):
            del chars[at]
        else:
            junk = list('{}[]()":,.->`#\\\n x1') + ["\x00", "\ud800", "flow"]
            chars.insert(at, data.draw(st.sampled_from(junk)))
    check_never_crashes("".join(chars))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_never_crashes(text):
    check_never_crashes(text)


def check_never_crashes(text: str) -> None:
    try:
        parse_flow(text)
    except FlowSyntaxError as exc:
        assert exc.problems
        for found in exc.problems:
            assert found.code.startswith("DSL_")
            assert found.line >= 1 and found.column >= 1
