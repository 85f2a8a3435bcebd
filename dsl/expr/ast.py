"""The expression syntax tree: small frozen dataclasses, each with its ``(line, column)``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Pos = tuple[int, int]


@dataclass(frozen=True, eq=False, slots=True)
class Literal:
    """A constant: Decimal, str, bool, None or timedelta."""

    value: Any
    pos: Pos


@dataclass(frozen=True, eq=False, slots=True)
class ListOf:
    """A list written out: ``[1, 2, 3]``."""

    items: tuple[Expr, ...]
    pos: Pos


@dataclass(frozen=True, eq=False, slots=True)
class Name:
    """A root name such as ``order`` or ``vars``."""

    name: str
    pos: Pos


@dataclass(frozen=True, eq=False, slots=True)
class Field:
    """``subject.name``; through a list it reads the field of every item."""

    subject: Expr
    name: str
    pos: Pos


@dataclass(frozen=True, eq=False, slots=True)
class Index:
    """``subject[key]``: a list position or a map key."""

    subject: Expr
    key: Expr
    pos: Pos


@dataclass(frozen=True, eq=False, slots=True)
class Call:
    """A standard-library function call."""

    name: str
    args: tuple[Expr, ...]
    pos: Pos


@dataclass(frozen=True, eq=False, slots=True)
class Unary:
    """``-x`` or ``not x``."""

    op: str
    operand: Expr
    pos: Pos


@dataclass(frozen=True, eq=False, slots=True)
class Binary:
    """Arithmetic, comparison, ``in`` / ``not in``, ``and`` / ``or``."""

    op: str
    left: Expr
    right: Expr
    pos: Pos


@dataclass(frozen=True, eq=False, slots=True)
class If:
    """``if cond then a else b``."""

    cond: Expr
    then: Expr
    other: Expr
    pos: Pos


Expr = Literal | ListOf | Name | Field | Index | Call | Unary | Binary | If


@dataclass(frozen=True, eq=False, slots=True)
class Test:
    """One decision-table cell test: kind in any, compare, equals, contains, contains_any, range, not."""

    kind: str
    pos: Pos
    op: str = ""
    operand: Expr | None = None
    upper: Expr | None = None
    inner: Test | None = None


@dataclass(frozen=True, eq=False, slots=True)
class Tests:
    """A cell: one or more tests separated by commas; it matches when any of them does."""

    tests: tuple[Test, ...]
    pos: Pos


def children(node: Expr) -> tuple[Expr, ...]:
    """The direct sub-expressions of a node, for walkers."""
    if isinstance(node, ListOf):
        return node.items
    if isinstance(node, Field):
        return (node.subject,)
    if isinstance(node, Index):
        return (node.subject, node.key)
    if isinstance(node, Call):
        return node.args
    if isinstance(node, Unary):
        return (node.operand,)
    if isinstance(node, Binary):
        return (node.left, node.right)
    if isinstance(node, If):
        return (node.cond, node.then, node.other)
    return ()
