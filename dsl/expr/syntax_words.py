"""Syntax errors in business words: what was found, what was expected, and a hint for common slips."""

from __future__ import annotations

import re
from collections.abc import Collection

from lark import Token

from dsl.expr.errors import NO_HINT

_VALUE_STARTS = {"NUMBER", "STRING", "DURATION", "NAME", "TRUE", "FALSE", "NULL", "LSQB", "LPAR", "IF",
                 "CONTAINS", "CONTAINS_ANY"}
_OPERATORS = {"PLUS", "STAR", "SLASH", "PERCENT", "COMP_OP", "AND", "OR", "IN"}
_WORDS = {
    "NAME": ("字段名", "a field name"),
    "RPAR": ("右括号 “)”", "')'"),
    "RSQB": ("右方括号 “]”", "']'"),
    "COMMA": ("逗号 “,”", "','"),
    "THEN": ("then", "'then'"),
    "ELSE": ("else", "'else'"),
    "DOT": ("“.”", "'.'"),
    "LPAR": ("左括号 “(”", "'('"),
    "LSQB": ("左方括号 “[”", "'['"),
    "MINUS": ("“-”", "'-'"),
    "__ANON_0": ("“..”", "'..'"),
    "$END": ("结束", "the end"),
}
_FOUND = {
    "NAME": ("名称 “{}”", "name '{}'"),
    "NUMBER": ("数字 {}", "number {}"),
    "DURATION": ("时长 {}", "duration {}"),
    "STRING": ("文本 {}", "text {}"),
}
_STRINGS = re.compile(r"""\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*'""")
_FULL_WIDTH = "（）【】“”‘’，：；！＝＜＞＋－＊／　。"
_CHAR_HINTS = {
    "=": ("；判断相等请用 ==", "; use == to compare"),
    "&": ("；“并且”请用 and", "; use 'and'"),
    "|": ("；“或者”请用 or", "; use 'or'"),
    "!": ("；“不是”请用 not，不等于请用 !=", "; use 'not', or != for 'not equal'"),
    "?": ("；条件取值请用 if … then … else …", "; use if … then … else …"),
}


def expected_words(expected: Collection[str], before: str) -> dict[str, str]:
    """``expected_zh`` / ``expected_en``: the expected terminals grouped into a few plain words.

    LALR lookahead sets are generous; after a complete value only the operators and the one
    closer that ``before`` (the text up to the error) really leaves open are worth saying.
    """
    zh: list[str] = []
    en: list[str] = []
    rest = set(expected)
    if len(rest & _VALUE_STARTS) > 2:
        zh.append("一个值（数字、文本、字段或函数）")
        en.append("a value (a number, text, field or function)")
        rest -= _VALUE_STARTS | {"MINUS", "NOT"}
    if len(rest & _OPERATORS) > 1:
        zh.append("运算符（如 + - * / == > and or in）")
        en.append("an operator (such as + - * / == > and or in)")
        rest = {_open_bracket(before)}
    for name in sorted(rest, key=lambda n: (n == "$END", n)):
        word = _WORDS.get(name)
        if word is None:
            word = (f"“{name.lower()}”", f"'{name.lower()}'")
        zh.append(word[0])
        en.append(word[1])
    return {"expected_zh": "、".join(zh) or "其他内容", "expected_en": ", ".join(en) or "something else"}


def found_words(token: Token) -> dict[str, str]:
    """``found_zh`` / ``found_en``: the unexpected token in plain words."""
    zh, en = _FOUND.get(token.type, ("“{}”", "'{}'"))
    value = token.value if len(token.value) <= 30 else token.value[:30] + "…"
    return {"found_zh": zh.format(value), "found_en": en.format(value)}


def token_hint(text: str, token: Token, expected: Collection[str]) -> dict[str, str]:
    """A hint for common slips at an unexpected token, or empty hints."""
    if token.type == "STAR" and token.start_pos > 0 and text[token.start_pos - 1] == "*":
        return {"hint_zh": "；表达式没有乘方运算 **", "hint_en": "; there is no power operator **"}
    if token.type == "COMP_OP" and "COMP_OP" not in expected:
        return {"hint_zh": "；比较不能连写，请用 and 连接，例如 1 < x and x < 3",
                "hint_en": "; comparisons cannot be chained, join them with 'and': 1 < x and x < 3"}
    if token.type == "RPAR" and token.start_pos > 0 and text[token.start_pos - 1] == "(":
        return {"hint_zh": "；括号中缺少内容", "hint_en": "; the brackets are empty"}
    return NO_HINT


def char_hint(text: str, pos: int) -> dict[str, str]:
    """A hint for a character that is not part of the language, or empty hints."""
    ch = text[pos]
    if ch in _FULL_WIDTH:
        return {"hint_zh": "；请切换到英文输入法，使用半角符号",
                "hint_en": "; use half-width (ASCII) punctuation"}
    if ch in _CHAR_HINTS:
        zh, en = _CHAR_HINTS[ch]
        return {"hint_zh": zh, "hint_en": en}
    return NO_HINT


def _open_bracket(text: str) -> str:
    """The terminal closing the innermost bracket left open in ``text`` ("$END" if none)."""
    stack: list[str] = []
    quote = ""
    escaped = False
    for ch in text:
        if quote:
            escaped, quote = (False, quote) if escaped else (ch == "\\", "" if ch == quote else quote)
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            stack.append("RPAR" if ch == "(" else "RSQB")
        elif ch in ")]" and stack:
            stack.pop()
    if stack:
        return stack[-1]
    words = re.findall(r"\b(if|then|else)\b", _STRINGS.sub("", text))
    open_if = words.count("if") - words.count("then")
    return "THEN" if open_if > 0 else "ELSE" if words.count("then") > words.count("else") else "$END"
