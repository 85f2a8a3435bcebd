"""Executor leases: the ``order_leases`` table and the index of unprocessed events the sweeper reads.

A worker claims the orders it processes in ``order_leases`` (owner, expiry, heartbeat, a claim count);
see ``runtime/store/leases.py`` and docs/distributed.md. The orders' and instances' ``row_version``
columns (revision 0001) stay the ORM's optimistic check.

Revision ID: 0002_executor_leases
Revises: 0001
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_executor_leases"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Surrogate keys: BIGINT on PostgreSQL, INTEGER on SQLite (as revision 0001).
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
PENDING = sa.text("status = 'received'")


def upgrade() -> None:
    """Apply this revision (SQLite: inside ``batch_alter_table`` for every ALTER)."""
    op.create_table(
        "order_leases",
        sa.Column("order_id", BIG_ID, autoincrement=False, nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_order_leases_order_id_orders"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_order_leases")),
    )
    with op.batch_alter_table("order_leases", schema=None) as batch_op:
        batch_op.create_index("ix_order_leases_expires_at", ["expires_at"], unique=False)
    with op.batch_alter_table("inbound_events", schema=None) as batch_op:
        batch_op.create_index("ix_inbound_events_pending", ["order_id", "received_at"], unique=False,
                              postgresql_where=PENDING, sqlite_where=PENDING)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("inbound_events", schema=None) as batch_op:
        batch_op.drop_index("ix_inbound_events_pending", postgresql_where=PENDING, sqlite_where=PENDING)
    with op.batch_alter_table("order_leases", schema=None) as batch_op:
        batch_op.drop_index("ix_order_leases_expires_at")
    op.drop_table("order_leases")
