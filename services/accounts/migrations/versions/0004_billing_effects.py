"""Stripe effects deduplicated by the Stripe object they are about (an invoice paid, a refund of a charge),
not only by event id: stripe_effects

Revision ID: 0004_billing_effects
Revises: 0003
Create Date: 2026-12-07 13:40:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004_billing_effects"
down_revision: Union[str, None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "stripe_effects",
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("object_key", sa.String(length=255), nullable=False),
        sa.Column("event_id", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("kind", "object_key", name=op.f("pk_stripe_effects")),
    )


def downgrade() -> None:
    op.drop_table("stripe_effects")
