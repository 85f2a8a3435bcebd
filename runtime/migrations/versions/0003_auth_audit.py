"""Users, groups, API tokens and the audit log (filled by the auth work).

Revision ID: 0003_auth_audit
Revises: 0002_executor_leases
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0003_auth_audit"
down_revision: str | None = "0002_executor_leases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision (SQLite: inside ``batch_alter_table`` for every ALTER)."""


def downgrade() -> None:
    """Revert this revision."""
