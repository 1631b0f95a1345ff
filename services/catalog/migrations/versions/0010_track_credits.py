"""artist pages' Discography and Similar Artists: the credited collaborators one row per (track, page) in
track_credits (filled from tracks.collaborators), each page's genres in page_genres (filled from its published
tracks, uploaded or credited), and a page's published tracks newest first as an index range scan

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-14 10:00:00
"""
import json
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: Union[str, None] = "0009"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BATCH = 1000

#: every page's genres: those of the published tracks it uploaded, and of those crediting it
FILL_PAGE_GENRES = """
INSERT INTO page_genres (artist_id, genre)
SELECT tracks.artist_id, track_genres.genre
  FROM tracks JOIN track_genres ON track_genres.track_id = tracks.id
 WHERE tracks.status = 'published'
UNION
SELECT track_credits.artist_id, track_genres.genre
  FROM track_credits JOIN tracks ON tracks.id = track_credits.track_id
       JOIN track_genres ON track_genres.track_id = tracks.id
 WHERE tracks.status = 'published'
"""


def upgrade() -> None:
    op.create_table(
        "track_credits",
        sa.Column("track_id", sa.String(length=36), nullable=False),
        sa.Column("artist_id", sa.String(length=36), nullable=False),
        sa.ForeignKeyConstraint(["track_id"], ["tracks.id"], name=op.f("fk_track_credits_track_id_tracks"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["artist_id"], ["artists.id"], name=op.f("fk_track_credits_artist_id_artists"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("track_id", "artist_id", name=op.f("pk_track_credits")),
    )
    op.create_index("ix_track_credits_artist", "track_credits", ["artist_id", "track_id"], unique=False)
    _fill_credits()
    op.create_table(
        "page_genres",
        sa.Column("artist_id", sa.String(length=36), nullable=False),
        sa.Column("genre", sa.String(length=50), nullable=False),
        sa.ForeignKeyConstraint(["artist_id"], ["artists.id"], name=op.f("fk_page_genres_artist_id_artists"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("artist_id", "genre", name=op.f("pk_page_genres")),
    )
    op.create_index("ix_page_genres_genre", "page_genres", ["genre", "artist_id"], unique=False)
    op.execute(FILL_PAGE_GENRES)
    op.create_index("ix_tracks_artist_published", "tracks", ["artist_id", "status", "published_at", "id"],
                    unique=False)
    op.drop_index("ix_tracks_artist", table_name="tracks")


def _fill_credits() -> None:
    """One row per credited page of every existing track (pages are never deleted; one that is missing
    anyway is skipped), read by id in batches."""
    connection = op.get_bind()
    tracks = sa.table("tracks", sa.column("id", sa.String), sa.column("collaborators", sa.JSON))
    artists = sa.table("artists", sa.column("id", sa.String))
    credits = sa.table("track_credits", sa.column("track_id", sa.String), sa.column("artist_id", sa.String))
    after = ""
    while True:
        rows = connection.execute(sa.select(tracks.c.id, tracks.c.collaborators).where(tracks.c.id > after)
                                  .order_by(tracks.c.id).limit(BATCH)).all()
        if not rows:
            return
        after = rows[-1].id
        wanted = [(row.id, artist_id) for row in rows for artist_id in dict.fromkeys(_ids(row.collaborators))]
        known = set(connection.scalars(sa.select(artists.c.id).where(
            artists.c.id.in_({artist_id for _, artist_id in wanted})))) if wanted else set()
        values = [{"track_id": track_id, "artist_id": artist_id} for track_id, artist_id in wanted
                  if artist_id in known]
        if values:
            connection.execute(credits.insert(), values)


def _ids(collaborators) -> list[str]:
    if isinstance(collaborators, str):  # a driver that hands JSON back as text
        collaborators = json.loads(collaborators)
    return [str(artist_id) for artist_id in collaborators or []]


def downgrade() -> None:
    op.create_index("ix_tracks_artist", "tracks", ["artist_id", "status"], unique=False)
    op.drop_index("ix_tracks_artist_published", table_name="tracks")
    op.drop_index("ix_page_genres_genre", table_name="page_genres")
    op.drop_table("page_genres")
    op.drop_index("ix_track_credits_artist", table_name="track_credits")
    op.drop_table("track_credits")
