"""deleted tracks: remember deletions so a late validation stores no fingerprint

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 06:30:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "deleted_tracks",
        sa.Column("track_id", sa.String(length=36), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("track_id", name=op.f("pk_deleted_tracks")),
    )


def downgrade() -> None:
    op.drop_table("deleted_tracks")
