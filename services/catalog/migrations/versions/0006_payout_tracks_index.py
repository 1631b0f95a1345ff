"""every published track oldest first, for payouts' copy of the catalog (payout_tracks)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 17:10:00
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0006"
down_revision: Union[str, None] = "0005"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_tracks_published", "tracks", ["published_at", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_tracks_published", table_name="tracks")
