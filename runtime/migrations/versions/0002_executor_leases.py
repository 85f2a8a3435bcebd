"""Executor leases and row versions (filled by the executor work: lease owner/expiry, row version).

Revision ID: 0002_executor_leases
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0002_executor_leases"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision (SQLite: inside ``batch_alter_table`` for every ALTER)."""


def downgrade() -> None:
    """Revert this revision."""
