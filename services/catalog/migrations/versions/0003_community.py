"""likes, reposts, playlists and comments

Adds the like and repost counters of tracks and collections (kept by services/catalog/community/likes.py), one
like table per kind of item (tracks, collections, artist pages), reposts, playlists with their ordered
entries, and comments. Every row referring to a track, collection or artist page is deleted with it.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 07:40:00
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

UUID = sa.String(length=36)


def _moment(name: str) -> sa.Column:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _reference(name: str, table: str, owner: str) -> tuple[sa.Column, sa.ForeignKeyConstraint]:
    return (sa.Column(name, UUID, nullable=False),
            sa.ForeignKeyConstraint([name], [f"{table}.id"], name=op.f(f"fk_{owner}_{name}_{table}"),
                                    ondelete="CASCADE"))


def _mark_table(table: str, item: str, target: str, item_index: str) -> None:
    """A user's like or repost of one item: (user, item) is the key, pages are (user, created_at, item)."""
    column, foreign_key = _reference(item, target, table)
    op.create_table(table, sa.Column("user_id", UUID, nullable=False), column, _moment("created_at"),
                    foreign_key, sa.PrimaryKeyConstraint("user_id", item, name=op.f(f"pk_{table}")))
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(f"ix_{table}_user_newest", ["user_id", "created_at", item], unique=False)
        batch_op.create_index(item_index, [item], unique=False)


def upgrade() -> None:
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.add_column(sa.Column("like_count", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("repost_count", sa.Integer(), server_default="0", nullable=False))
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.add_column(sa.Column("like_count", sa.Integer(), server_default="0", nullable=False))

    _mark_table("track_likes", "track_id", "tracks", "ix_track_likes_track")
    _mark_table("collection_likes", "collection_id", "collections", "ix_collection_likes_collection")
    _mark_table("producer_likes", "artist_id", "artists", "ix_producer_likes_artist")
    _mark_table("reposts", "track_id", "tracks", "ix_reposts_track")

    op.create_table(
        "playlists",
        sa.Column("id", UUID, nullable=False),
        sa.Column("owner_id", UUID, nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        _moment("created_at"),
        _moment("updated_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playlists")),
    )
    with op.batch_alter_table("playlists", schema=None) as batch_op:
        batch_op.create_index("ix_playlists_owner_newest", ["owner_id", "created_at", "id"], unique=False)

    playlist_column, playlist_key = _reference("playlist_id", "playlists", "playlist_tracks")
    track_column, track_key = _reference("track_id", "tracks", "playlist_tracks")
    op.create_table(
        "playlist_tracks", playlist_column, track_column,
        sa.Column("position", sa.Integer(), nullable=False),
        _moment("added_at"), playlist_key, track_key,
        sa.PrimaryKeyConstraint("playlist_id", "track_id", name=op.f("pk_playlist_tracks")),
    )
    with op.batch_alter_table("playlist_tracks", schema=None) as batch_op:
        batch_op.create_index("uq_playlist_tracks_position", ["playlist_id", "position"], unique=True)
        batch_op.create_index("ix_playlist_tracks_track", ["track_id"], unique=False)

    comment_track, comment_track_key = _reference("track_id", "tracks", "comments")
    op.create_table(
        "comments",
        sa.Column("id", UUID, nullable=False), comment_track,
        sa.Column("author_id", UUID, nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _moment("created_at"), comment_track_key,
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index("ix_comments_track_newest", ["track_id", "created_at", "id"], unique=False)


def downgrade() -> None:
    for table in ("comments", "playlist_tracks", "playlists", "reposts", "producer_likes", "collection_likes",
                  "track_likes"):
        op.drop_table(table)
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.drop_column("like_count")
    with op.batch_alter_table("tracks", schema=None) as batch_op:
        batch_op.drop_column("repost_count")
        batch_op.drop_column("like_count")
