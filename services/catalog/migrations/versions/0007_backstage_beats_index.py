"""a page's tracks newest first, every status (the Backstage beats list, producer_beats)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 17:40:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0007"
down_revision: Union[str, None] = "0006"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_tracks_artist_newest", "tracks", ["artist_id", "created_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_tracks_artist_newest", table_name="tracks")
