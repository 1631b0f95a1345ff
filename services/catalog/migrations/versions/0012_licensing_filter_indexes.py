"""the track list's licensing filter (``licensing``): its two indexes

- ``ix_tracks_status_licensing`` (status, licensing_model, published_at, id): one licensing model's published
  tracks newest first, an index range scan after the cursor (as ``ix_tracks_status_newest`` for the whole list) —
  a model that is rare in the catalog is not found by walking the whole list;
- ``ix_tracks_exclusive_available``: a partial index (published_at, id) of the published tracks whose exclusive is
  for sale now (``exclusive_available``; the status lives in the ``exclusive`` JSON, so a plain column index
  cannot serve it). Its predicate is spelled as each database compiles ``exclusive['status']``.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-09 10:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: Union[str, None] = "0011"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# as services/catalog/tracks/models.py spells them (a migration never imports the models: they move on)
EXCLUSIVE_AVAILABLE_PG = "status = 'published' AND CAST((exclusive ->> 'status') AS VARCHAR) = 'available'"
EXCLUSIVE_AVAILABLE_SQLITE = ("status = 'published' AND CAST(JSON_EXTRACT(exclusive, '$.\"status\"') AS VARCHAR) "
                              "= 'available'")


def upgrade() -> None:
    op.create_index("ix_tracks_status_licensing", "tracks", ["status", "licensing_model", "published_at", "id"],
                    unique=False)
    op.create_index("ix_tracks_exclusive_available", "tracks", ["published_at", "id"], unique=False,
                    postgresql_where=sa.text(EXCLUSIVE_AVAILABLE_PG),
                    sqlite_where=sa.text(EXCLUSIVE_AVAILABLE_SQLITE))


def downgrade() -> None:
    op.drop_index("ix_tracks_exclusive_available", table_name="tracks")
    op.drop_index("ix_tracks_status_licensing", table_name="tracks")
