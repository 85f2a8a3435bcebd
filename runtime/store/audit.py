"""The audit log: who did what to which target, written in the caller's transaction.

:func:`record` adds its row to the caller's session, so the entry commits or rolls back with the
change it describes. Entries are never deleted or rewritten (database triggers refuse it), with
one exception: autosaves. An entry recorded with a ``coalesce_key`` (e.g.
``autosave:<flow>:<version>:<user>:<editing session>``) absorbs later records of the same key
within :data:`COALESCE_WINDOW` (its ``after_hash``, ``count`` and ``last_at`` move on), so an
editing session is one line, not hundreds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from runtime.store.models.auth import AuditEntry
from runtime.store.types import utcnow

COALESCE_WINDOW = timedelta(minutes=30)
OUTCOMES = ("ok", "refused", "conflict", "failed")


def record(session: Session, *, actor: str | None, action: str, target_type: str, target_id: str,
           outcome: str = "ok", before_hash: str | None = None, after_hash: str | None = None,
           comment: str | None = None, details: dict | None = None, coalesce_key: str | None = None) -> None:
    """Append an entry to the log in ``session`` (or fold an autosave into its open entry, see the module)."""
    now = utcnow()
    if coalesce_key is not None:
        open_entry = _open_entry(session, coalesce_key, now)
        if open_entry is not None:
            open_entry.after_hash, open_entry.last_at = after_hash, now
            open_entry.count += 1
            session.flush()
            return
    session.add(AuditEntry(at=now, last_at=now, actor=_cut(actor, 64), action=action[:64],
                           target_type=target_type[:32], target_id=str(target_id)[:200], outcome=outcome[:16],
                           before_hash=before_hash, after_hash=after_hash, comment=comment, details=details,
                           coalesce_key=_cut(coalesce_key, 255), count=1))
    session.flush()


def _open_entry(session: Session, key: str, now: datetime) -> AuditEntry | None:
    return session.scalars(select(AuditEntry).where(AuditEntry.coalesce_key == key[:255],
                                                    AuditEntry.last_at >= now - COALESCE_WINDOW)
                           .order_by(AuditEntry.id.desc()).limit(1)).first()


def _cut(value: str | None, size: int) -> str | None:
    return None if value is None else value[:size]


@dataclass(frozen=True)
class AuditQuery:
    """Filters of :func:`search` (all optional; ``since`` inclusive, ``until`` exclusive)."""

    actor: str | None = None
    action: str | None = None
    target_type: str | None = None
    target_id: str | None = None
    outcome: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    limit: int = 100
    offset: int = 0


def search(session: Session, query: AuditQuery) -> tuple[list[AuditEntry], int]:
    """Entries matching ``query``, newest first, one page of them, and how many match in all."""
    conditions = [getattr(AuditEntry, name) == value
                  for name in ("actor", "action", "target_type", "target_id", "outcome")
                  if (value := getattr(query, name)) is not None]
    if query.since is not None:
        conditions.append(AuditEntry.at >= query.since)
    if query.until is not None:
        conditions.append(AuditEntry.at < query.until)
    total = session.scalar(select(func.count()).select_from(AuditEntry).where(*conditions)) or 0
    rows = session.scalars(select(AuditEntry).where(*conditions).order_by(AuditEntry.id.desc())
                           .limit(query.limit).offset(query.offset))
    return list(rows), total


def entry_view(entry: AuditEntry) -> dict[str, Any]:
    """An entry as plain data (times stay aware UTC datetimes; the API formats them)."""
    return {"id": entry.id, "at": entry.at, "last_at": entry.last_at, "actor": entry.actor, "action": entry.action,
            "target_type": entry.target_type, "target_id": entry.target_id, "outcome": entry.outcome,
            "before_hash": entry.before_hash, "after_hash": entry.after_hash, "comment": entry.comment,
            "details": entry.details, "count": entry.count, "coalesce_key": entry.coalesce_key}
