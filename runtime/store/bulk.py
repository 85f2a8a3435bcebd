"""Bulk inserts: many rows of one table in one ``executemany``, without SQLAlchemy's per-row parameter work.

``session.execute(insert(table), rows)`` builds and processes a parameter set per row through the
compiled statement (several µs per column); :func:`insert_rows` renders the ``INSERT`` once per
(dialect, table, columns), converts each value with the column type's own bind processor (so what is
stored is exactly what SQLAlchemy would store: JSON text, UTC timestamps, money as text on SQLite) and
hands the driver one list of tuples, in the session's transaction. Column defaults are not applied:
every row must carry the same keys, a value for every column that needs one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

_Plan = tuple[str, tuple[tuple[str, Callable[[Any], Any] | None], ...]]
_plans: dict[tuple[str, str, tuple[str, ...]], _Plan | None] = {}


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys: column names) into ``table`` in one ``executemany``."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    columns = tuple(rows[0])
    key = (dialect.name, table.name, columns)
    if key not in _plans:
        _plans[key] = _plan(dialect, table, columns)
    plan = _plans[key]
    if plan is None:  # a paramstyle this helper does not render: let SQLAlchemy do it
        session.execute(insert(table), list(rows))
        return
    sql, converters = plan
    values = [tuple(value if convert is None else convert(value)
                    for (name, convert), value in zip(converters, (row[c] for c in columns), strict=True))
              for row in rows]
    connection.exec_driver_sql(sql, values)


def _plan(dialect: Any, table: Table, columns: tuple[str, ...]) -> _Plan | None:
    mark = {"qmark": "?", "format": "%s", "pyformat": "%s"}.get(dialect.paramstyle)
    if mark is None:
        return None
    quote = dialect.identifier_preparer
    sql = (f"INSERT INTO {quote.format_table(table)} ({', '.join(quote.quote(c) for c in columns)}) "
           f"VALUES ({', '.join([mark] * len(columns))})")
    return sql, tuple((c, table.c[c].type._cached_bind_processor(dialect)) for c in columns)
