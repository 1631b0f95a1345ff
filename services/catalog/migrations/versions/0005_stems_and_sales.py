"""a track's stems archive and its last exclusive sale

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 16:30:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: Union[str, None] = "0004"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stems_key", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("stems", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("stems_uploaded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("exclusive_sale", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.drop_column("exclusive_sale")
        batch_op.drop_column("stems_uploaded_at")
        batch_op.drop_column("stems")
        batch_op.drop_column("stems_key")
