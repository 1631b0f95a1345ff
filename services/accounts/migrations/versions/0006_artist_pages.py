"""accounts' copy of the catalog's artist pages (artist_pages), kept from artist_page_changed events so a
claim is checked without calling catalog

An existing installation starts with an empty copy: run ``python -m services.catalog.cli publish-artist-pages``
once after this upgrade (docs/architecture.md "Backfilling a copy"); it is safe to run again.

Revision ID: 0006_artist_pages
Revises: 0005_refresh_tokens
Create Date: 2026-12-12 10:00:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006_artist_pages"
down_revision: Union[str, None] = "0005_refresh_tokens"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "artist_pages",
        sa.Column("artist_id", sa.String(length=36), nullable=False),
        sa.Column("claimed", sa.Boolean(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("artist_id", name=op.f("pk_artist_pages")),
    )


def downgrade() -> None:
    op.drop_table("artist_pages")
