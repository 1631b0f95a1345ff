"""The catalog database: artist pages and their images, collections, tracks and the genre index.

Public ids are UUID strings; every timestamp is UTC. List fields (artists, tags, links …) are JSON;
genres are also kept one row per genre in ``track_genres`` so the genre filter is an index look-up.
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from services.catalog.shared.models import Base
from services.catalog.tracks.rules import normalize
from services.common.clock import utcnow
from services.common.persistence import new_id
from services.contracts.vocabularies import ARTIST_NAME_MAX, TRACK_NAME_MAX

# named constraints let Alembic alter SQLite tables (batch mode) and keep PostgreSQL names stable
NAME_MAX = TRACK_NAME_MAX
KEY_MAX = 300

PROCESSING = "processing"
PUBLISHED = "published"
REJECTED = "rejected"
#: a published track whose producer deleted their account: out of every list, stream and download, its row
#: and files kept for the licences already issued (services/catalog/erasure.py)
WITHDRAWN = "withdrawn"

class Artist(Base):
    """An artist page. ``user_id`` is null until a producer account owns (claims) it; one account may
    manage several pages (docs/business-rules.md "Producer Program"). ``claimed_at`` is when the account got the
    page (made for it, or claimed by it), kept by the model whenever ``user_id`` changes: the page an account has
    managed longest is its default (an older imported page it claims later does not become the default).
    ``name_key`` is the name normalised (case-folded, no accents), kept by the model whenever ``name`` is set:
    the artist search matches and orders on it (docs/catalog-areas.md "Artist search")."""

    __tablename__ = "artists"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str | None] = mapped_column(String(36))
    name: Mapped[str] = mapped_column(String(ARTIST_NAME_MAX))
    name_key: Mapped[str] = mapped_column(String(ARTIST_NAME_MAX))
    verified: Mapped[bool] = mapped_column(Boolean, default=False)
    genres: Mapped[list[str]] = mapped_column(JSON, default=list)
    links: Mapped[list[str]] = mapped_column(JSON, default=list)
    country: Mapped[str | None] = mapped_column(String(100))
    city: Mapped[str | None] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    credits: Mapped[list[str]] = mapped_column(JSON, default=list)
    pinned_track_id: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: rows of ``artist_follows`` (audience area), kept in the follow's transaction
    followers_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    images: Mapped[list[ArtistImage]] = relationship(lazy="selectin", cascade="all, delete-orphan",
                                                     order_by="ArtistImage.created_at")

    __table_args__ = (
        # an account's pages, the one it has managed longest first (its default page, /me/artists)
        Index("ix_artists_user_oldest", "user_id", "claimed_at", "id"),
        # the search's order and its keyset pages; on PostgreSQL a trigram index serves the substring match
        # (elsewhere the dialect options are ignored: a plain index on name_key)
        Index("ix_artists_name_key", "name_key", "id"),
        Index("ix_artists_name_key_trgm", "name_key", postgresql_using="gin",
              postgresql_ops={"name_key": "gin_trgm_ops"}),
    )

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = name_key(name)
        return name

    @validates("user_id")
    def _keep_claimed_at(self, _key: str, user_id: str | None) -> str | None:
        if user_id is None:
            self.claimed_at = None
        elif user_id != self.user_id or self.claimed_at is None:
            now = utcnow()
            if self.created_at is None:  # a page made for its account: got when made
                self.created_at = now
            self.claimed_at = now
        return user_id


def name_key(name: str) -> str:
    """What the artist search compares: the name case-folded, accents removed, spaces collapsed
    (``rules.normalize``; the query is normalised the same way)."""
    return normalize(name)[:ARTIST_NAME_MAX]


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
    __table_args__ = (
        # an artist page's collections newest first (its Albums tab, list_artist_collections)
        Index("ix_collections_artist_newest", "artist_id", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    artist_id: Mapped[str] = mapped_column(String(36), ForeignKey("artists.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    artists: Mapped[list[str]] = mapped_column(JSON, default=list)
    genres: Mapped[list[str]] = mapped_column(JSON, default=list)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    #: the cover: an image of its own (``covers/`` in the media store) or a preset id (docs/covers.md), one of them
    cover_key: Mapped[str | None] = mapped_column(String(KEY_MAX))
    cover_content_type: Mapped[str | None] = mapped_column(String(50))
    cover_preset: Mapped[str | None] = mapped_column(String(50))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: kept in the transaction that adds or removes a like (services/catalog/community/likes.py)
    like_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


#: the partial index ``ix_tracks_exclusive_available``'s rows, as each database spells the exclusive's status
#: (what ``Track.exclusive["status"].as_string()`` compiles to, so the planner matches the list's query with it)
EXCLUSIVE_AVAILABLE_PG = "status = 'published' AND CAST((exclusive ->> 'status') AS VARCHAR) = 'available'"
EXCLUSIVE_AVAILABLE_SQLITE = ("status = 'published' AND CAST(JSON_EXTRACT(exclusive, '$.\"status\"') AS VARCHAR) "
                              "= 'available'")


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
    #: the producer's stems archive (``stems/`` in the media store) and audio's manifest of it (``StemsManifest``)
    stems_key: Mapped[str | None] = mapped_column(String(KEY_MAX))
    stems: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    stems_uploaded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: the exclusive sale licensing reported last (sales.py): ``{license_id, sold_at, refunded_at}``, so a
    #: redelivered or late ``exclusive_sold`` / ``exclusive_refunded`` cannot undo a newer one
    exclusive_sale: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    suspected_lossy_source: Mapped[bool] = mapped_column(Boolean, default=False)
    play_count: Mapped[int] = mapped_column(Integer, default=0)
    #: kept in the transaction that adds or removes a like / repost (services/catalog/community/likes.py)
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
    #: ``collaborators`` one row per credited page (set at upload, never edited): a page's discography and
    #: similar artists find the tracks it is credited on through their index
    credit_rows: Mapped[list[TrackCredit]] = relationship(cascade="all, delete-orphan", lazy="select")

    __table_args__ = (
        # the two sorts of the public list, each an index range scan after the cursor
        Index("ix_tracks_status_newest", "status", "published_at", "id"),
        Index("ix_tracks_status_popular", "status", "play_count", "published_at", "id"),
        # payouts' copy of every published track, withdrawn ones too, oldest first (payout_catalog.py)
        Index("ix_tracks_published", "published_at", "id"),
        # the sweeper's look-up of tracks stuck in processing
        Index("ix_tracks_status_created", "status", "created_at"),
        Index("ix_tracks_bpm", "bpm"),
        Index("ix_tracks_key", "key", "scale"),
        # a page's published tracks newest first (its discography); also every (artist, status) look-up
        Index("ix_tracks_artist_published", "artist_id", "status", "published_at", "id"),
        # a page's tracks in every status, newest first (the Backstage beats list, plays/backstage.py)
        Index("ix_tracks_artist_newest", "artist_id", "created_at", "id"),
        Index("ix_tracks_collection", "collection_id"),
        # the list's licensing filter (tracks.py): one model's published tracks newest first, a range scan …
        Index("ix_tracks_status_licensing", "status", "licensing_model", "published_at", "id"),
        # … and the (few) published tracks whose exclusive is for sale now, newest first (exclusive_available)
        Index("ix_tracks_exclusive_available", "published_at", "id",
              postgresql_where=text(EXCLUSIVE_AVAILABLE_PG), sqlite_where=text(EXCLUSIVE_AVAILABLE_SQLITE)),
    )


class TrackGenre(Base):
    """One row per (track, normalised genre): the genre filter joins through its index."""

    __tablename__ = "track_genres"

    track_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="CASCADE"),
                                          primary_key=True)
    genre: Mapped[str] = mapped_column(String(50), primary_key=True)

    __table_args__ = (Index("ix_track_genres_genre", "genre", "track_id"),)



class TrackCredit(Base):
    """One row per (track, credited collaborator page): the tracks a page is credited on are an index look-up."""

    __tablename__ = "track_credits"

    track_id: Mapped[str] = mapped_column(String(36), ForeignKey("tracks.id", ondelete="CASCADE"),
                                          primary_key=True)
    artist_id: Mapped[str] = mapped_column(String(36), ForeignKey("artists.id", ondelete="CASCADE"),
                                           primary_key=True)

    __table_args__ = (Index("ix_track_credits_artist", "artist_id", "track_id"),)


class PageGenre(Base):
    """One row per (artist page, genre of its Discography): the distinct normalised genres of the published tracks
    the page uploaded or is credited on, kept by ``page_genres.refresh`` whenever they change. Similar Artists
    compares pages through it: the pages having a genre are one index range."""

    __tablename__ = "page_genres"

    artist_id: Mapped[str] = mapped_column(String(36), ForeignKey("artists.id", ondelete="CASCADE"),
                                           primary_key=True)
    genre: Mapped[str] = mapped_column(String(50), primary_key=True)

    __table_args__ = (Index("ix_page_genres_genre", "genre", "artist_id"),)
