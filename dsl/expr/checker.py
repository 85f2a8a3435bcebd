"""Static checks: every node's type from the order model, unknown names with "did you mean", type errors."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from dsl.expr import ast
from dsl.expr.checker_ops import LIST_HINT, binary_type, path_text, start_of
from dsl.expr.errors import NO_HINT, did_you_mean
from dsl.expr.stdlib import FUNCTIONS
from dsl.expr.stdlib_time import zone
from dsl.expr.types import ANY, BOOLEAN, DURATION, NULL, NUMBER, STRING, Scope, Type, list_of, words
from dsl.problems import Problem, problem

ORDERABLE = ("number", "string", "datetime", "duration")
_LITERAL_TYPES = {Decimal: NUMBER, str: STRING, bool: BOOLEAN, type(None): NULL, timedelta: DURATION}
_PATTERN_WORDS = {"number": ("数字", "a number"), "string": ("文本", "text"), "list": ("列表", "a list"),
                  "datetime": ("时间", "a date-time"), "duration": ("时长", "a duration"),
                  "any": ("任意值", "any value"),
                  "boolean": ("条件", "a condition"), "list<number>": ("数字列表", "a list of numbers"),
                  "list<boolean>": ("条件列表", "a list of conditions"),
                  "orderable": ("数字、文本或时间", "a number, text or date-time")}


def accepts(pattern: str, t: Type) -> bool:
    """Whether a value of type ``t`` fits a parameter pattern such as ``string|list`` or ``list<number>``."""
    if t.kind in ("any", "null"):
        return True
    for p in pattern.split("|"):
        if p in ("any", t.kind) or (p == "orderable" and t.kind in ORDERABLE):
            return True
        if p.startswith("list<") and t.kind == "list" and (t.item or ANY).kind in (p[5:-1], "any", "null"):
            return True
    return False


class Checker:
    """Infers each node's type against a Scope (None: every name is ``any``), collecting problems."""

    def __init__(self, scope: Scope | None):
        self.scope = scope
        self.problems: list[Problem] = []
        self.types: dict[int, Type] = {}

    def report(self, code: str, pos: ast.Pos, **params: str) -> None:
        """Record one problem at a position of the expression."""
        self.problems.append(problem(code, line=pos[0], column=pos[1], **params))

    def expect(self, node: ast.Expr, expected: str | None) -> Type:
        """Type-check a whole expression whose result must be of kind ``expected`` (None/"any": anything)."""
        t = self.check(node)
        fits = t.kind in (expected, "any") or (t.kind == "null" and expected != "boolean")
        if self.problems or expected in (None, "any") or fits:
            return t
        hint = LIST_HINT if t.kind == "list" and expected == "boolean" else NO_HINT
        self._expected(node, Type(expected), t, hint)
        return t

    def _expected(self, node: ast.Expr, want: Type, got: Type, hint: dict[str, str] = NO_HINT) -> None:
        (ezh, een), (azh, aen) = words(want), words(got)
        self.report("EXPR_EXPECTED_TYPE", start_of(node), expected_zh=ezh, expected_en=een, actual_zh=azh,
                    actual_en=aen, **hint)

    def check(self, node: ast.Expr) -> Type:
        """The type of ``node``, remembered for the compiler."""
        t = getattr(self, "_" + type(node).__name__.lower())(node)
        self.types[id(node)] = t
        return t

    def _literal(self, node: ast.Literal) -> Type:
        return _LITERAL_TYPES[type(node.value)]

    def _listof(self, node: ast.ListOf) -> Type:
        items = [self.check(item) for item in node.items]
        kinds = {t.kind for t in items} - {"null"}
        return list_of(next(t for t in items if t.kind in kinds) if len(kinds) == 1 else ANY)

    def _name(self, node: ast.Name) -> Type:
        if self.scope is None:
            return ANY
        if node.name in self.scope.roots:
            return self.scope.roots[node.name]
        self.report("EXPR_UNKNOWN_NAME", node.pos, name=node.name, available=", ".join(self.scope.roots),
                    **did_you_mean(node.name, self.scope.roots))
        return ANY

    def _field(self, node: ast.Field) -> Type:
        subject = self.check(node.subject)
        through_list = subject.kind == "list"
        owner = (subject.item or ANY) if through_list else subject
        if owner.kind in ("any", "map"):
            found = ANY if owner.kind == "any" else owner.item or ANY
        elif owner.kind == "object":
            found = owner.fields.get(node.name)
            if found is None:
                where = path_text(node.subject)
                self.report("EXPR_UNKNOWN_FIELD", node.pos, owner=where, field=node.name,
                            **did_you_mean(node.name, owner.fields, where + "."))
                return ANY
        else:
            zh, en = words(subject)
            self.report("EXPR_NOT_AN_OBJECT", node.pos, type_zh=zh, type_en=en.capitalize(), field=node.name)
            return ANY
        if through_list:  # a path through a list reads every item; nested lists are flattened
            return list_of(found.item or ANY) if found.kind == "list" else list_of(found)
        return found

    def _index(self, node: ast.Index) -> Type:
        subject, key = self.check(node.subject), self.check(node.key)
        if subject.kind == "any":
            return ANY
        if subject.kind not in ("list", "map"):
            zh, en = words(subject)
            self.report("EXPR_NOT_INDEXABLE", node.pos, type_zh=zh, type_en=en)
            return ANY
        want = NUMBER if subject.kind == "list" else STRING
        if key.kind not in (want.kind, "any", "null"):
            (czh, cen), (ezh, een), (azh, aen) = words(subject), words(want), words(key)
            self.report("EXPR_INDEX_TYPE", node.pos, container_zh=czh, container_en=cen, expected_zh=ezh,
                        expected_en=een, actual_zh=azh, actual_en=aen)
        return subject.item or ANY

    def _call(self, node: ast.Call) -> Type:
        args = [self.check(arg) for arg in node.args]
        fn = FUNCTIONS.get(node.name)
        if fn is None:
            self.report("EXPR_UNKNOWN_FUNCTION", node.pos, name=node.name,
                        **did_you_mean(node.name, FUNCTIONS))
            return ANY
        least = len(fn.params) - fn.optional
        most = 10**6 if fn.variadic else len(fn.params)
        if not least <= len(args) <= most:
            expected = f"{least}+" if fn.variadic else str(least) if least == most else f"{least}-{most}"
            self.report("EXPR_ARG_COUNT", node.pos, name=node.name, expected=expected, given=len(args))
            return fn.result(args) if args else ANY
        for position, (arg, t) in enumerate(zip(node.args, args, strict=True), 1):
            pattern = fn.params[min(position, len(fn.params)) - 1]
            if not accepts(pattern, t):
                ezh, een = " 或 ".join(_PATTERN_WORDS[p][0] for p in pattern.split("|")), " or ".join(
                    _PATTERN_WORDS[p][1] for p in pattern.split("|"))
                azh, aen = words(t)
                self.report("EXPR_ARG_TYPE", start_of(arg), name=node.name, position=position,
                            expected_zh=ezh, expected_en=een, actual_zh=azh, actual_en=aen)
        if node.name == "zoned" and len(node.args) == 2 and isinstance(node.args[1], ast.Literal) \
                and isinstance(node.args[1].value, str) and zone(node.args[1].value) is None:
            self.report("EXPR_BAD_ZONE", node.args[1].pos, zone=node.args[1].value)
        return fn.result(args)

    def _unary(self, node: ast.Unary) -> Type:
        t = self.check(node.operand)
        inner = (t.item or ANY) if t.kind == "list" else t
        allowed = ("boolean",) if node.op == "not" else ("number", "duration")
        if inner.kind in allowed + ("any", "null"):
            return t if inner.kind != "null" else (BOOLEAN if node.op == "not" else ANY)
        zh, en = words(t)
        self.report("EXPR_OPERAND_TYPE", node.pos, op=node.op, operands_zh=zh, operands_en=en, **NO_HINT)
        return ANY

    def _if(self, node: ast.If) -> Type:
        cond = self.check(node.cond)
        if cond.kind not in ("boolean", "any", "null"):
            self._expected(node.cond, BOOLEAN, cond, LIST_HINT if cond.kind == "list" else NO_HINT)
        a, b = self.check(node.then), self.check(node.other)
        if a.kind == b.kind or b.kind == "null":
            return a
        if a.kind == "null":
            return b
        if "any" not in (a.kind, b.kind):
            (tzh, ten), (ezh, een) = words(a), words(b)
            self.report("EXPR_BRANCH_TYPE", node.pos, then_zh=tzh, then_en=ten, else_zh=ezh, else_en=een)
        return ANY

    def _binary(self, node: ast.Binary) -> Type:
        return binary_type(self, node)
