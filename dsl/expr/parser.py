"""Parsing: text to syntax tree, with cost bounds checked first and syntax errors in business words."""

from __future__ import annotations

from lark import Lark, Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken, VisitError

from dsl.expr import ast
from dsl.expr.errors import MAX_DEPTH, MAX_LENGTH, ExpressionError, fail
from dsl.expr.syntax_words import char_hint, expected_words, found_words, token_hint
from dsl.expr.transformer import ToAst

# Python's own ways out of a sandbox; names starting with "_" are refused as well.
FORBIDDEN_NAMES = frozenset({"lambda", "import", "eval", "exec", "compile", "getattr", "setattr",
                             "delattr", "globals", "locals", "open"})


def _check_name(token: Token) -> Token:
    if token.value.startswith("_") or token.value in FORBIDDEN_NAMES:
        raise fail("EXPR_FORBIDDEN_NAME", token.line, token.column, name=token.value)
    return token


_PARSER = Lark.open("expression.lark", rel_to=__file__, parser="lalr", lexer="basic",
                    start=["expression", "unary_tests"],
                    propagate_positions=True, lexer_callbacks={"NAME": _check_name})


def parse(text: str, start: str = "expression") -> ast.Expr | ast.Tests:
    """Parse ``text`` from a start rule into a syntax tree; raise ExpressionError with a located problem."""
    _check_size(text)
    try:
        tree = _PARSER.parse(text, start=start)
    except UnexpectedInput as err:
        raise _syntax_error(text, err) from None
    _check_tree_depth(tree)
    try:
        return ToAst().transform(tree)
    except VisitError as err:
        if isinstance(err.orig_exc, ExpressionError):
            raise err.orig_exc from None
        raise


def _check_size(text: str) -> None:
    if len(text) > MAX_LENGTH:
        raise fail("EXPR_TOO_LONG", 1, 1, length=len(text), limit=MAX_LENGTH)
    if not text.strip():
        raise fail("EXPR_EMPTY", 1, 1)
    if text.count("(") + text.count("[") <= MAX_DEPTH:
        return
    depth, quote, escaped, line, column = 0, "", False, 1, 0
    for ch in text:
        column += 1
        if ch == "\n":
            line, column = line + 1, 0
        elif quote:
            escaped, quote = (False, quote) if escaped else (ch == "\\", "" if ch == quote else quote)
        elif ch in "\"'":
            quote = ch
        elif ch in "([":
            depth += 1
            if depth > MAX_DEPTH:
                raise fail("EXPR_TOO_DEEP", line, column, limit=MAX_DEPTH)
        elif ch in ")]":
            depth -= 1


def _check_tree_depth(tree: Tree) -> None:
    """Chained or prefix operators (``- - - x``, ``a + b + …``) nest without brackets; bound them too."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise fail("EXPR_TOO_DEEP", node.meta.line, node.meta.column, limit=MAX_DEPTH)
        stack.extend((child, depth + 1) for child in node.children if isinstance(child, Tree))


def _syntax_error(text: str, err: UnexpectedInput) -> ExpressionError:
    if isinstance(err, UnexpectedCharacters):
        ch = text[err.pos_in_stream]
        if ch in "\"'":
            return fail("EXPR_UNCLOSED_STRING", err.line, err.column, quote=ch)
        return fail("EXPR_BAD_CHARACTER", err.line, err.column, char=ch, **char_hint(text, err.pos_in_stream))
    if isinstance(err, UnexpectedToken) and err.token.type != "$END":
        token = err.token
        return fail("EXPR_UNEXPECTED", token.line, token.column, **found_words(token),
                    **expected_words(err.expected, text[:token.start_pos]),
                    **token_hint(text, token, err.expected))
    line, column = _end_position(text)
    expected = expected_words(getattr(err, "expected", None) or set(), text)
    return fail("EXPR_UNEXPECTED_END", line, column, **expected)


def _end_position(text: str) -> tuple[int, int]:
    end = len(text.rstrip())
    return text.count("\n", 0, end) + 1, end - (text.rfind("\n", 0, end) + 1) + 1
