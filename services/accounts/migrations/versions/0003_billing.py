"""Stripe billing: each user's Stripe customer and subscription state, and the Stripe events
already handled (deduplicated by event id)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 07:40:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "billing_accounts",
        sa.Column("user_id", sa.String(length=36), nullable=False),
        sa.Column("stripe_customer_id", sa.String(length=255), nullable=True),
        sa.Column("stripe_subscription_id", sa.String(length=255), nullable=True),
        sa.Column("subscription_created", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=True),
        sa.Column("subscribed_plan", sa.String(length=20), nullable=True),
        sa.Column("pending_plan", sa.String(length=20), nullable=True),
        sa.Column("cancel_at_period_end", sa.Boolean(), nullable=False),
        sa.Column("current_period_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("current_period_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("state_at", sa.BigInteger(), nullable=True),
        sa.Column("state_period_end", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_billing_accounts_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_billing_accounts")),
        sa.UniqueConstraint("stripe_customer_id", name=op.f("uq_billing_accounts_stripe_customer_id")),
    )
    with op.batch_alter_table("billing_accounts", schema=None) as batch_op:
        batch_op.create_index("ix_billing_accounts_subscription", ["stripe_subscription_id"], unique=False)

    op.create_table(
        "processed_stripe_events",
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("created", sa.BigInteger(), nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_processed_stripe_events")),
    )


def downgrade() -> None:
    op.drop_table("processed_stripe_events")
    with op.batch_alter_table("billing_accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_billing_accounts_subscription")
    op.drop_table("billing_accounts")
