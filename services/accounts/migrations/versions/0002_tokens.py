"""beat-request token ledger: users.tokens_reset_at (monthly reset) and the token_ledger table

Existing users get a NULL tokens_reset_at, which tokens.py treats as "never reset": their balance
is set to their plan's allowance on their next read or spend.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 07:40:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tokens_reset_at", sa.DateTime(timezone=True), nullable=True))

    op.create_table(
        "token_ledger",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("request_id", sa.String(length=36), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("delta", sa.Integer(), nullable=False),
        sa.Column("balance_after", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_token_ledger_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_token_ledger")),
    )
    with op.batch_alter_table("token_ledger", schema=None) as batch_op:
        batch_op.create_index("uq_token_ledger_request_purpose", ["request_id", "purpose"], unique=True)
        batch_op.create_index("ix_token_ledger_user", ["user_id", "created_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("token_ledger", schema=None) as batch_op:
        batch_op.drop_index("ix_token_ledger_user")
        batch_op.drop_index("uq_token_ledger_request_purpose")
    op.drop_table("token_ledger")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("tokens_reset_at")
