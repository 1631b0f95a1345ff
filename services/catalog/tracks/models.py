"""The catalog database: artist pages and their images, collections, tracks and the genre index.

Public ids are UUID strings; every timestamp is UTC. List fields (artists, tags, links …) are JSON;
genres are also kept one row per genre in ``track_genres`` so the genre filter is an index look-up.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from services.common.persistence import new_id, service_metadata
from services.common.clock import utcnow

# named constraints let Alembic alter SQLite tables (batch mode) and keep PostgreSQL names stable
NAME_MAX = 200
ARTIST_NAME_MAX = 100
KEY_MAX = 300

PROCESSING = "processing"
PUBLISHED = "published"
REJECTED = "rejected"
#: a published track whose producer deleted their account: out of every list, stream and download, its row
#: and files kept for the licences already issued (services/catalog/erasure.py)
WITHDRAWN = "withdrawn"



class Base(DeclarativeBase):
    metadata = service_metadata()


class Artist(Base):
    """An artist page. ``user_id`` is null until a producer account owns (claims) it."""

    __tablename__ = "artists"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str | None] = mapped_column(String(36), unique=True)
    name: Mapped[str] = mapped_column(String(ARTIST_NAME_MAX))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    genres: Mapped[list[str]] = mapped_column(JSON, default=list)
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    country: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    credits: Mapped[list[str]] = mapped_column(JSON, default=list)
    pinned_track_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    images: Mapped[list[ArtistImage]] = relationship(lazy="selectin", cascade="all, delete-orphan",
                                                     order_by="ArtistImage.created_at")


class ArtistImage(Base):
    __tablename__ = "artist_images"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    artist_id: Mapped[str] = mapped_column(String(36), ForeignKey("artists.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    content_type: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Collection(Base):
    __tablename__ = "collections"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    artist_id: Mapped[str] = mapped_column(String(36), ForeignKey("artists.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    artists: Mapped[list[str]] = mapped_column(JSON, default=list)
    genres: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    cover_key: Mapped[str] = mapped_column(String(KEY_MAX))
    cover_content_type: Mapped[str] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: kept in the transaction that adds or removes a like (services/catalog/likes.py)
    like_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Track(Base):
    __tablename__ = "tracks"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    artist_id: Mapped[str] = mapped_column(String(36), ForeignKey("artists.id", ondelete="CASCADE"))
    producer_user_id: Mapped[str] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    artists: Mapped[list[str]] = mapped_column(JSON, default=list)
    collaborators: Mapped[list[str]] = mapped_column(JSON, default=list)
    bpm: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(2))
    scale: Mapped[str] = mapped_column(String(5))
    genres: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    collection_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("collections.id", ondelete="SET NULL"))
    licensing_model: Mapped[str] = mapped_column(String(20))
    exclusive: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    sample_clearance: Mapped[str | None] = mapped_column(String(20))
    cover_preset: Mapped[str | None] = mapped_column(String(50))
    cover_key: Mapped[str | None] = mapped_column(String(KEY_MAX))
    cover_content_type: Mapped[str | None] = mapped_column(String(50))
    audio_key: Mapped[str] = mapped_column(String(KEY_MAX))
    size_bytes: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default=PROCESSING)
    rejection: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    audio: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    stream_key: Mapped[str | None] = mapped_column(String(KEY_MAX))
    stream_content_type: Mapped[str | None] = mapped_column(String(50))
    waveform_key: Mapped[str | None] = mapped_column(String(KEY_MAX))
    download_key: Mapped[str | None] = mapped_column(String(KEY_MAX))
    fingerprint_hash: Mapped[str | None] = mapped_column(String(200))
    suspected_lossy_source: Mapped[bool] = mapped_column(Boolean, default=False)
    play_count: Mapped[int] = mapped_column(Integer, default=0)
    #: kept in the transaction that adds or removes a like / repost (services/catalog/likes.py)
    like_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    repost_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    metadata_completeness: Mapped[float] = mapped_column(Float, default=0.0)
    #: set once track_metadata_completed was emitted: the XP it earns is awarded once per track
    metadata_completed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: normalised (lower-case, accent-free) name, artist names and tags: what ``q`` matches with LIKE
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    # loaded only by the edit path that rewrites them: every read of a track would pay a query otherwise
    genre_rows: Mapped[list[TrackGenre]] = relationship(cascade="all, delete-orphan", lazy="select")

    __table_args__ = (
        # the two sorts of the public list, each an index range scan after the cursor
        Index("ix_tracks_status_newest", "status", "published_at", "id"),
        Index("ix_tracks_status_popular", "status", "play_count", "published_at", "id"),
        # the sweeper's look-up of tracks stuck in processing
        Index("ix_tracks_status_created", "status", "created_at"),
        Index("ix_tracks_bpm", "bpm"),
        Index("ix_tracks_key", "key", "scale"),
        Index("ix_tracks_artist", "artist_id", "status"),
        Index("ix_tracks_collection", "collection_id"),
    )


class TrackGenre(Base):
    """One row per (track, normalised genre): the genre filter joins through its index."""

    __tablename__ = "track_genres"

    track_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="CASCADE"),
                                          primary_key=True)
    genre: Mapped[str] = mapped_column(String(50), primary_key=True)

    __table_args__ = (Index("ix_track_genres_genre", "genre", "track_id"),)


# --- plays and listening history (services/catalog/plays.py) -------------------------------------

class Play(Base):
    """One counted play (DOMAIN.md "Streaming and plays"); ``tracks.play_count`` counts these rows."""

    __tablename__ = "plays"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    track_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="CASCADE"))
    listener_user_id: Mapped[str] = mapped_column(String(36))
    position_s: Mapped[float] = mapped_column(Float)
    played_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        # a track's counted plays in a period (payouts' pool), and one listener's
        Index("ix_plays_track_played", "track_id", "played_at"),
        Index("ix_plays_listener_played", "listener_user_id", "played_at"),
    )


class PlayWindow(Base):
    """Per (listener, track): when a play last counted. Counting locks this row (SELECT … FOR UPDATE),
    so two concurrent reports cannot both count within the hour."""

    __tablename__ = "play_windows"

    listener_user_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    track_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="CASCADE"),
                                          primary_key=True)
    last_counted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_play_windows_track", "track_id"),)


class HistoryEntry(Base):
    """One listening session of a listener on a track: reports within the hour update it."""

    __tablename__ = "listening_history"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    listener_user_id: Mapped[str] = mapped_column(String(36))
    track_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="CASCADE"))
    position_s: Mapped[float] = mapped_column(Float)
    counted: Mapped[bool] = mapped_column(Boolean, default=False)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    listened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        # the history pages (newest first, keyset) and the look-up of the listener's latest entry
        Index("ix_listening_history_listener_newest", "listener_user_id", "listened_at", "id"),
        Index("ix_listening_history_track", "track_id"),
    )


# --- beat requests and notifications (services/catalog/beat_requests.py, notifications.py) --------

class BeatRequest(Base):
    """A listener's request for a beat (DOMAIN.md "Beat requests"). Open while ``now < expires_at``
    and not deleted; deleting keeps the row (``deleted_at``) so its responses and ledger key stay."""

    __tablename__ = "beat_requests"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    requester_user_id: Mapped[str] = mapped_column(String(36))
    genre: Mapped[str] = mapped_column(String(50))
    #: the genre normalised (rules.normalize_genre): what the filter and producer matching compare
    genre_key: Mapped[str] = mapped_column(String(50))
    bpm_min: Mapped[int] = mapped_column(Integer)
    bpm_max: Mapped[int] = mapped_column(Integer)
    mood: Mapped[str] = mapped_column(String(100))
    budget_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    reference_track_id: Mapped[str | None] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="SET NULL"))
    lifetime_hours: Mapped[int] = mapped_column(Integer)
    #: tokens the creation cost; each renewal costs 1 (beat_request_rules.RENEWAL_COST)
    cost_tokens: Mapped[int] = mapped_column(Integer)
    renewals: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        # the producers' list (newest first, keyset) and the requester's own list
        Index("ix_beat_requests_newest", "created_at", "id"),
        Index("ix_beat_requests_requester_newest", "requester_user_id", "created_at", "id"),
        Index("ix_beat_requests_genre", "genre_key", "created_at"),
        Index("ix_beat_requests_expires", "expires_at"),
    )


class BeatRequestResponse(Base):
    """A producer's answer to a request with one of their published tracks; one per producer."""

    __tablename__ = "beat_request_responses"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    beat_request_id: Mapped[str] = mapped_column(String(36), ForeignKey("beat_requests.id", ondelete="CASCADE"))
    producer_user_id: Mapped[str] = mapped_column(String(36))
    artist_id: Mapped[str] = mapped_column(String(36), ForeignKey("artists.id", ondelete="CASCADE"))
    track_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="CASCADE"))
    message: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        # one response per producer per request, also against two concurrent posts
        Index("uq_beat_request_responses_producer", "beat_request_id", "producer_user_id", unique=True),
        Index("ix_beat_request_responses_newest", "beat_request_id", "created_at", "id"),
        Index("ix_beat_request_responses_track", "track_id"),
    )


class Notification(Base):
    """Something a user is told about (``beat_request_match``, ``beat_request_response``)."""

    __tablename__ = "notifications"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(40))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_notifications_user_newest", "user_id", "created_at", "id"),)


# --- community: likes, reposts, playlists, comments (services/catalog/{likes,playlists,comments}.py) ---
# Every row that refers to a track, collection or artist page goes with it (ON DELETE CASCADE); the
# per-user lists page by (user, created_at, id) newest first, each through its own index.

PLAYLIST_NAME_MAX = 100
PLAYLIST_DESCRIPTION_MAX = 1000
COMMENT_MAX = 1000


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
