"""Impact previews: the ``previews`` table (a version replayed over recorded orders, its stored report).

Revision ID: 0005_previews
Revises: 0004_versions_release
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005_previews"
down_revision: str | None = "0004_versions_release"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "previews",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("flow_version_id", BIG_ID, nullable=False),
        sa.Column("baseline_version_id", BIG_ID, nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("params", JSON_DOC, nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("report", JSON_DOC, nullable=True),
        sa.Column("error", JSON_DOC, nullable=True),
        sa.Column("created_by", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name=op.f("ck_previews_status")),
        sa.ForeignKeyConstraint(["baseline_version_id"], ["flow_versions.id"],
                                name=op.f("fk_previews_baseline_version_id_flow_versions")),
        sa.ForeignKeyConstraint(["flow_version_id"], ["flow_versions.id"], ondelete="CASCADE",
                                name=op.f("fk_previews_flow_version_id_flow_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_previews")),
    )
    op.create_index("ix_previews_flow_version_id_created_at", "previews", ["flow_version_id", "created_at"],
                    unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_index("ix_previews_flow_version_id_created_at", table_name="previews")
    op.drop_table("previews")
