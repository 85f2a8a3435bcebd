"""Versions, review and release: drafts being edited, the release history, the automatic-rollback guardrail;
``version_choices.reason`` widened for ``candidate-percent`` / ``candidate-segment``.

Revision ID: 0004_versions_release
Revises: 0003_auth_audit
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_versions_release"
down_revision: str | None = "0003_auth_audit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    """Apply this revision (SQLite: inside ``batch_alter_table`` for every ALTER)."""
    with op.batch_alter_table("version_choices", schema=None) as batch_op:
        batch_op.alter_column("reason", existing_type=sa.String(length=16), type_=sa.String(length=24),
                              existing_nullable=False)
    op.create_table(
        "version_drafts",
        sa.Column("version_id", BIG_ID, nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=8), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.CheckConstraint("source IN ('document', 'dsl')", name=op.f("ck_version_drafts_source")),
        sa.ForeignKeyConstraint(["version_id"], ["flow_versions.id"],
                                name=op.f("fk_version_drafts_version_id_flow_versions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("version_id", name=op.f("pk_version_drafts")),
    )
    op.create_table(
        "release_events",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("flow_id", BIG_ID, nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("version_id", BIG_ID, nullable=True),
        sa.Column("previous_version_id", BIG_ID, nullable=True),
        sa.Column("percent", sa.Integer(), nullable=True),
        sa.Column("segment", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("details", JSON_DOC, nullable=False),
        sa.CheckConstraint("action IN ('activate', 'candidate', 'promote', 'withdraw', 'rollback', 'auto_rollback')",
                           name=op.f("ck_release_events_action")),
        sa.ForeignKeyConstraint(["flow_id"], ["flows.id"], name=op.f("fk_release_events_flow_id_flows"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["version_id"], ["flow_versions.id"],
                                name=op.f("fk_release_events_version_id_flow_versions")),
        sa.ForeignKeyConstraint(["previous_version_id"], ["flow_versions.id"],
                                name=op.f("fk_release_events_previous_version_id_flow_versions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_release_events")),
    )
    with op.batch_alter_table("release_events", schema=None) as batch_op:
        batch_op.create_index("ix_release_events_flow_id_id", ["flow_id", "id"], unique=False)
    op.create_table(
        "release_guards",
        sa.Column("flow_id", BIG_ID, nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("min_sample", sa.Integer(), nullable=False),
        sa.Column("incident_margin", sa.Numeric(precision=6, scale=3), nullable=False),
        sa.Column("sla_margin", sa.Numeric(precision=6, scale=3), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=True),
        sa.CheckConstraint("min_sample >= 1", name=op.f("ck_release_guards_min_sample")),
        sa.ForeignKeyConstraint(["flow_id"], ["flows.id"], name=op.f("fk_release_guards_flow_id_flows"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("flow_id", name=op.f("pk_release_guards")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("release_guards")
    with op.batch_alter_table("release_events", schema=None) as batch_op:
        batch_op.drop_index("ix_release_events_flow_id_id")
    op.drop_table("release_events")
    op.drop_table("version_drafts")
    with op.batch_alter_table("version_choices", schema=None) as batch_op:
        batch_op.alter_column("reason", existing_type=sa.String(length=24), type_=sa.String(length=16),
                              existing_nullable=False)
