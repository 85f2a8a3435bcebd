"""Lark's syntax errors as located DSL_* problems in business words, in zh and en.

Common mistakes are recognised by example, in the spirit of lark's ``match_examples``: each
example below fails in one LALR state, and an error in the same state gets that example's
code. Unlike ``match_examples`` the table is keyed by the LALR state alone (lark also
compares stack depth, so a mistake one bracket deeper than its example would not match),
and it is built once at import instead of re-parsing every example on each error.
"""

from __future__ import annotations

from typing import Any, Callable

from lark import Token, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from dsl.catalog import all_node_types
from dsl.problems import Problem, problem
from dsl.suggest import did_you_mean, hint

EXAMPLES: dict[str, list[str]] = {
    "DSL_EXPECTED_FLOW": ["", "end done {}", "{", "flow {", '"x"', "1"],
    "DSL_MISSING_EDGE_TARGET": ["flow a {\n a.b ->\n}", "flow a {\n a.b ->\n c.d -> e\n}",
                                'flow a {\n a.b -> c\n d.e ->\n f.g -> h "x"\n}'],
    "DSL_EDGE_NEEDS_PORT": ["flow a {\n a -> b\n}", "flow a {\n kind -> b\n}"],
    "DSL_MISSING_COLON": ["flow a {\n end e {\n x 1\n }\n}", 'flow a {\n end e { x "1" }\n}',
                          "flow a {\n end e { x: {y 1} }\n}", "flow a {\n end e { note: {y 1} }\n}",
                          'flow a {\n end e { "x" 1 }\n}', 'flow a {\n end e { x: {"y" 1} }\n}'],
    "DSL_MISSING_VALUE": ["flow a {\n end e { x: }\n}", "flow a {\n end e { x: {y: } }\n}"],
    "DSL_NODE_NEEDS_BODY": ["flow a {\n end e\n}", 'flow a {\n end e "x"\n}',
                            "flow a {\n end e\n end f {}\n}", 'flow a {\n end e "x" end f {}\n}',
                            "flow a {\n end e\n kind x\n}"],
    "DSL_NESTED_FLOW": ['flow a {\n flow b "y" {}\n}'],
    "DSL_EXTRA_BRACE": ["flow a {\n}\n}", "flow a {\n end e {}\n}\n}"],
}

_NAMES: dict[str, tuple[str, str]] = {
    "LBRACE": ("“{”", "'{'"), "RBRACE": ("“}”", "'}'"), "LSQB": ("“[”", "'['"), "RSQB": ("“]”", "']'"),
    "ARROW": ("“->”", "'->'"), "_COLON": ("“:”", "':'"), "_COMMA": ("“,”", "','"), "_DOT": ("“.”", "'.'"),
    "STRING": ("带双引号的文本", "a text in double quotes"),
    "EXPR": ("反引号中的表达式", "an expression in backticks"),
    "NUMBER": ("数字", "a number"), "TRUE": ("true", "true"), "FALSE": ("false", "false"),
    "NULL": ("null", "null"), "IDENT": ("名称", "a name"),
    "FLOW_KEY": ("流程标识（如 high-value-approval）", "a flow key such as high-value-approval"),
    "$END": ("文本结尾", "the end of the text"),
}
_VALUE_START = {"STRING", "NUMBER", "LBRACE", "LSQB", "TRUE"}
_WORDS = {"IDENT", "FLOW", "FORMAT", "DESCRIPTION", "KIND", "START", "WHEN", "NOTE", "UI",
          "TRUE", "FALSE", "NULL"}
_STATEMENT_WORDS = ["flow", "format", "description", "kind", "start", "when", "note", "ui"]
_BRACKETS = {"LBRACE": ("{", "}"), "LSQB": ("[", "]")}


def examples_by_state(parse: Callable[[str], Any]) -> dict[int, str]:
    """The LALR state each example fails in, mapped to its code (first example wins)."""
    table: dict[int, str] = {}
    for code, examples in EXAMPLES.items():
        for example in examples:
            try:
                parse(example)
            except UnexpectedInput as exc:
                table.setdefault(exc.state.position, code)
            else:
                raise AssertionError(f"DSL error example parses: {example!r}")
    return table


def problem_from_lark(exc: UnexpectedInput, text: str, open_brackets: list[Token],
                      table: dict[int, str]) -> Problem:
    """One located problem for lark's exception (the first syntax error in the text)."""
    if isinstance(exc, UnexpectedCharacters):
        return _bad_character(exc, text)
    assert isinstance(exc, UnexpectedToken)
    token, expected = exc.token, set(exc.accepts or exc.expected)
    if token.type == "$END":
        line, column = _end_of(text)
        if open_brackets:
            opened = open_brackets[-1]
            open_char, close_char = _BRACKETS[opened.type]
            return problem("DSL_MISSING_BRACE", line=line, column=column, open=open_char, close=close_char,
                           open_line=opened.line, open_column=opened.column)
        code = table.get(exc.state.position)
        if code == "DSL_EXPECTED_FLOW":  # nothing but blanks and comments
            return problem("DSL_EMPTY", line=1, column=1)
        return problem("DSL_UNEXPECTED_END", line=line, column=column, **_expected(expected))
    at = {"line": token.line, "column": token.column}
    code = table.get(exc.state.position)
    if code == "DSL_NESTED_FLOW":
        word = exc.state.value_stack[-1]
        if word.value == "flow":
            return problem(code, line=word.line, column=word.column)
        return problem("DSL_UNKNOWN_STATEMENT", line=word.line, column=word.column, word=word.value,
                       **hint(did_you_mean(word.value, _STATEMENT_WORDS)))
    if code == "DSL_NODE_NEEDS_BODY":
        unknown = _unknown_statement(exc)
        if unknown is not None:
            return unknown
    if code == "DSL_MISSING_EDGE_TARGET":
        stack = exc.state.value_stack
        arrow = next((t for t in reversed(stack) if isinstance(t, Token) and t.type == "ARROW"), None)
        if arrow is not None:
            at = {"line": arrow.line, "column": arrow.column}
        return problem(code, **at)
    if token.type in ("IDENT", "FLOW_KEY") and "STRING" in expected and "IDENT" not in expected:
        return problem("DSL_BARE_WORD", found=token.value, **at)
    if code in ("DSL_MISSING_COLON", "DSL_MISSING_VALUE", "DSL_EDGE_NEEDS_PORT", "DSL_NODE_NEEDS_BODY"):
        return problem(code, **at)
    if expected == {"_COLON"}:
        return problem("DSL_MISSING_COLON", **at)
    if code == "DSL_EXPECTED_FLOW":
        return problem(code, **at, **_found(token))
    if token.type in ("RBRACE", "RSQB") and token.type not in expected:
        return problem("DSL_EXTRA_BRACE", found=token.value, **at)
    return problem("DSL_UNEXPECTED", **at, **_found(token), **_expected(expected))


def _bad_character(exc: UnexpectedCharacters, text: str) -> Problem:
    at = {"line": exc.line, "column": exc.column}
    char = text[exc.pos_in_stream]
    if char == '"':
        return problem("DSL_UNTERMINATED_STRING", **at)
    if char == "`":
        return problem("DSL_UNTERMINATED_EXPR", **at)
    return problem("DSL_UNEXPECTED_CHAR", char=char, **at, **_expected(_acceptable(exc)))


def _acceptable(exc: UnexpectedCharacters) -> set[str]:
    """Every terminal the parser would take here (lark's ``allowed`` folds keywords into IDENT)."""
    if exc.interactive_parser is not None:
        return set(exc.interactive_parser.accepts())
    return set(exc.allowed or ())


def _unknown_statement(exc: UnexpectedToken) -> Problem | None:
    """``descripton "x"`` parses as a node header; name the misspelt word instead."""
    stack = exc.state.value_stack
    for item in reversed(stack[-3:]):
        if isinstance(item, Token) and item.type == "IDENT" and stack.index(item) > 0:
            known = [n.keyword for n in all_node_types()]
            if item.value in known:
                return None
            suggestion = did_you_mean(item.value, _STATEMENT_WORDS + known)
            return problem("DSL_UNKNOWN_STATEMENT", line=item.line, column=item.column, word=item.value,
                           **hint(suggestion))
    return None


def _found(token: Token) -> dict[str, str]:
    if token.type == "$END":
        zh, en = _NAMES["$END"]
        return {"found_zh": zh, "found_en": en}
    shown = token.value if len(token.value) <= 40 else token.value[:40] + "…"
    return {"found_zh": f"“{shown}”", "found_en": f"'{shown}'"}


def _expected(terminals: set[str]) -> dict[str, str]:
    """Lark's expected terminals as a short phrase a business user can read."""
    zh: list[str] = []
    en: list[str] = []
    rest = set(terminals)
    if _WORDS <= rest and "STRING" not in rest:
        zh.append("一条语句（format、description、kind、start、when、节点或连线）")
        en.append("a statement (format, description, kind, start, when, a node or an edge)")
        rest -= _WORDS
    elif _WORDS <= rest:
        zh.append("字段名")
        en.append("a field name")
        rest -= _WORDS | {"STRING"}
    if _VALUE_START <= rest:
        zh.append("一个取值（\"文本\"、数字、true/false、null、{…} 或 […]）")
        en.append("a value (\"text\", a number, true/false, null, {…} or […])")
        rest -= {"STRING", "EXPR", "NUMBER", "TRUE", "FALSE", "NULL", "LBRACE", "LSQB"}
    for name in sorted(rest):
        z, e = _NAMES.get(name, (name.lower(), name.lower()))
        if name in ("FLOW", "FORMAT", "DESCRIPTION", "KIND", "START", "WHEN", "NOTE", "UI"):
            z, e = f"“{name.lower()}”", f"'{name.lower()}'"
        if e not in en:
            zh.append(z)
            en.append(e)
    if not en:
        return {"expected_zh": "其他内容", "expected_en": "something else"}
    return {"expected_zh": "、".join(zh), "expected_en": ", ".join(en[:-1]) + (" or " if len(en) > 1 else "")
            + en[-1]}


def _end_of(text: str) -> tuple[int, int]:
    """Line and column just after the last non-blank character."""
    stripped = text.rstrip()
    line = stripped.count("\n") + 1
    return line, len(stripped) - (stripped.rfind("\n") + 1) + 1
