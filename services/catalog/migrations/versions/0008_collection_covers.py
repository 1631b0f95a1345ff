"""collections may use a preset cover; preset covers are stored as preset ids; an artist page's collections newest
first

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08 10:00:00

A track's ``cover_preset`` used to hold any genre name. It now holds a preset id of the vocabulary
(docs/covers.md): a value naming a genre becomes that genre's first preset; one naming none takes the preset of the
track's first genre that matches the vocabulary, else the default genre's.
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

from services.contracts.vocabularies import preset_for_genres, resolve_cover_preset

revision: str = "0008"
down_revision: Union[str, None] = "0007"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TRACKS = sa.table("tracks", sa.column("id", sa.String), sa.column("cover_preset", sa.String),
                  sa.column("genres", sa.JSON))
COLLECTIONS = sa.table("collections", sa.column("cover_key", sa.String), sa.column("cover_content_type", sa.String))


def upgrade() -> None:
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.alter_column("cover_key", existing_type=sa.String(length=300), nullable=True)
        batch_op.alter_column("cover_content_type", existing_type=sa.String(length=50), nullable=True)
        batch_op.add_column(sa.Column("cover_preset", sa.String(length=50), nullable=True))
        batch_op.create_index("ix_collections_artist_newest", ["artist_id", "created_at", "id"], unique=False)
    connection = op.get_bind()
    # one statement per distinct value (a handful of genre names); only values naming no genre are read per track
    stored = connection.scalars(sa.select(TRACKS.c.cover_preset).where(TRACKS.c.cover_preset.is_not(None))
                                .distinct()).all()
    for value in stored:
        preset = resolve_cover_preset(value)
        if preset is not None and preset != value:
            connection.execute(TRACKS.update().where(TRACKS.c.cover_preset == value).values(cover_preset=preset))
        elif preset is None:
            for track_id, genres in connection.execute(sa.select(TRACKS.c.id, TRACKS.c.genres)
                                                       .where(TRACKS.c.cover_preset == value)).all():
                connection.execute(TRACKS.update().where(TRACKS.c.id == track_id)
                                   .values(cover_preset=preset_for_genres(genres or [])))


def downgrade() -> None:
    # the old schema needs a cover file: a collection with a preset cover keeps an empty key (served as missing)
    op.get_bind().execute(COLLECTIONS.update().where(COLLECTIONS.c.cover_key.is_(None))
                          .values(cover_key="", cover_content_type="image/jpeg"))
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.drop_index("ix_collections_artist_newest")
        batch_op.drop_column("cover_preset")
        batch_op.alter_column("cover_content_type", existing_type=sa.String(length=50), nullable=False)
        batch_op.alter_column("cover_key", existing_type=sa.String(length=300), nullable=False)
