"""Versions, review and release additions (filled by the release work).

Revision ID: 0004_versions_release
Revises: 0003_auth_audit
"""

from __future__ import annotations

from collections.abc import Sequence

revision: str = "0004_versions_release"
down_revision: str | None = "0003_auth_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision (SQLite: inside ``batch_alter_table`` for every ALTER)."""


def downgrade() -> None:
    """Revert this revision."""
