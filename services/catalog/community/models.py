"""The community tables: likes (of tracks, collections and artist pages), reposts, playlists and
comments. Every row that refers to a track, collection or artist page goes with it (ON DELETE
CASCADE); the per-user lists page by (user, created_at, id) newest first, each through its own index."""
from __future__ import annotations

from datetime import datetime
from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.catalog.shared.models import Base
from services.common.clock import utcnow
from services.common.persistence import new_id
from services.contracts.vocabularies import COMMENT_MAX, PLAYLIST_DESCRIPTION_MAX, PLAYLIST_NAME_MAX



class TrackLike(Base):
    __tablename__ = "track_likes"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    track_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_track_likes_user_newest", "user_id", "created_at", "track_id"),
                      Index("ix_track_likes_track", "track_id"))


class CollectionLike(Base):
    __tablename__ = "collection_likes"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    collection_id: Mapped[str] = mapped_column(String(36), ForeignKey("collections.id", ondelete="CASCADE"),
                                               primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_collection_likes_user_newest", "user_id", "created_at", "collection_id"),
                      Index("ix_collection_likes_collection", "collection_id"))


class ProducerLike(Base):
    """A like of an artist page (a "producer" in the API)."""

    __tablename__ = "producer_likes"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    artist_id: Mapped[str] = mapped_column(String(36), ForeignKey("artists.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_producer_likes_user_newest", "user_id", "created_at", "artist_id"),
                      Index("ix_producer_likes_artist", "artist_id"))


class Repost(Base):
    __tablename__ = "reposts"

    user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    track_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_reposts_user_newest", "user_id", "created_at", "track_id"),
                      Index("ix_reposts_track", "track_id"))


class Playlist(Base):
    __tablename__ = "playlists"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    owner_id: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(PLAYLIST_NAME_MAX))
    description: Mapped[str | None] = mapped_column(Text)
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    # both lists (own; public only) scan it: a user's private playlists are few, filtered out on the way
    __table_args__ = (Index("ix_playlists_owner_newest", "owner_id", "created_at", "id"),)


class PlaylistTrack(Base):
    """A track's place in a playlist: ``position`` orders the entries and is unique per playlist."""

    __tablename__ = "playlist_tracks"

    playlist_id: Mapped[str] = mapped_column(String(36), ForeignKey("playlists.id", ondelete="CASCADE"),
                                             primary_key=True)
    track_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("uq_playlist_tracks_position", "playlist_id", "position", unique=True),
                      Index("ix_playlist_tracks_track", "track_id"))


class Comment(Base):
    """A comment on a track, stored as the plain text sent (trimmed); never rendered by us."""

    __tablename__ = "comments"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    track_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="CASCADE"))
    author_id: Mapped[str] = mapped_column(String(36))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_comments_track_newest", "track_id", "created_at", "id"),)
