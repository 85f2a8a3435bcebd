"""The audit log in the store: one entry per record, autosaves coalesced per editing session for 30 minutes,
append-only at the database (SQLite and PostgreSQL triggers), filtered and paged newest first."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DatabaseError

from runtime.store.audit import AuditQuery, entry_view, record, search
from runtime.store.models import AuditEntry
from runtime.store.types import utcnow

KEY = "autosave:s5-routing:2:li:tab-1"


def _entries(db) -> list[SimpleNamespace]:
    with db.read() as session:
        return [SimpleNamespace(**entry_view(e)) for e in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]


def _autosave(db, after: str, key: str = KEY) -> None:
    with db.transaction() as session:
        record(session, actor="li", action="version.autosave", target_type="version", target_id="s5-routing/2",
               before_hash="h0", after_hash=after, coalesce_key=key)


def test_an_entry_commits_or_rolls_back_with_the_change(db):
    with db.transaction() as session:
        record(session, actor="wang", action="version.approve", target_type="version", target_id="s5-routing/2",
               before_hash="a" * 64, after_hash="a" * 64, comment="改动合理", details={"decision": "approve"})
    with pytest.raises(RuntimeError), db.transaction() as session:
        record(session, actor="wang", action="version.publish", target_type="version", target_id="s5-routing/2")
        raise RuntimeError("the publish failed")
    [entry] = _entries(db)
    assert (entry.actor, entry.action, entry.outcome, entry.comment, entry.count) == (
        "wang", "version.approve", "ok", "改动合理", 1)
    assert entry.details == {"decision": "approve"} and entry.at.tzinfo is not None


def test_autosaves_of_one_editing_session_are_one_entry(db):
    for n in range(5):
        _autosave(db, f"h{n + 1}")
    _autosave(db, "other", key=KEY.replace("tab-1", "tab-2"))
    first, other = _entries(db)
    assert (first.count, first.before_hash, first.after_hash) == (5, "h0", "h5")
    assert first.last_at >= first.at and other.count == 1


def test_an_autosave_after_30_quiet_minutes_starts_a_new_entry(db):
    _autosave(db, "h1")
    with db.transaction() as session:  # the last save of that entry, 31 minutes ago
        session.execute(update(AuditEntry).values(last_at=utcnow() - timedelta(minutes=31)))
    _autosave(db, "h2")
    assert [(e.count, e.after_hash) for e in _entries(db)] == [(1, "h1"), (1, "h2")]


@pytest.mark.parametrize("change", [
    delete(AuditEntry),
    update(AuditEntry).values(actor="someone else"),
    update(AuditEntry).values(comment="rewritten"),
])
def test_the_database_refuses_to_rewrite_history(db, change):
    with db.transaction() as session:
        record(session, actor="wang", action="release.rollback", target_type="flow", target_id="s5-routing",
               comment="候选版本异常")
    with pytest.raises(DatabaseError, match="append-only"), db.transaction() as session:
        session.execute(change)
    [entry] = _entries(db)
    assert (entry.actor, entry.comment) == ("wang", "候选版本异常")


def test_an_autosave_entry_may_only_move_its_after_hash_on(db):
    _autosave(db, "h1")
    with pytest.raises(DatabaseError, match="append-only"), db.transaction() as session:
        session.execute(update(AuditEntry).values(before_hash="forged"))
    with pytest.raises(DatabaseError, match="append-only"), db.transaction() as session:
        session.execute(delete(AuditEntry))


def test_search_filters_and_pages_newest_first(db):
    with db.transaction() as session:
        for n in range(7):
            record(session, actor="li" if n % 2 else "wang", action="user.create", target_type="user",
                   target_id=f"u{n}", outcome="refused" if n == 6 else "ok")
    with db.read() as session:
        rows, total = search(session, AuditQuery(actor="li", limit=2))
        assert total == 3 and [r.target_id for r in rows] == ["u5", "u3"]
        rows, total = search(session, AuditQuery(actor="li", limit=2, offset=2))
        assert [r.target_id for r in rows] == ["u1"]
        assert [r.target_id for r in search(session, AuditQuery(outcome="refused"))[0]] == ["u6"]
        assert search(session, AuditQuery(since=utcnow() + timedelta(minutes=1)))[1] == 0
        assert search(session, AuditQuery(until=utcnow() + timedelta(minutes=1)))[1] == 7
