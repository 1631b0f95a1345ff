"""user accounts' avatars: the image's id, media-store key and content type on the user row

Revision ID: 0007
Revises: 0006_artist_pages
Create Date: 2026-12-14 10:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: Union[str, None] = "0006_artist_pages"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("avatar_id", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("avatar_key", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("avatar_content_type", sa.String(length=50), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("avatar_content_type")
        batch_op.drop_column("avatar_key")
        batch_op.drop_column("avatar_id")
