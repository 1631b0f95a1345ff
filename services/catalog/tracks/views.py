"""The shapes RPC methods return (docs/rpc-catalog.md). Media keys never leave in a ``Track`` or
``Artist``: images are referred to by id, covers by ``has_cover``; ``*_source`` methods give keys
to the gateway only."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Sequence, TypedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.catalog.tracks.models import PUBLISHED, REJECTED, Artist, Collection, Track
from services.common.clock import iso, iso_or_none


class Images(TypedDict):
    avatar: str | None
    cover: str | None
    gallery: list[str]


class ArtistView(TypedDict, total=False):
    id: str
    name: str
    user_id: str | None
    claimed: bool
    verified: bool
    genres: list[str]
    links: list[str]
    country: str | None
    city: str | None
    description: str | None
    credits: list[str]
    pinned_track_id: str | None
    images: Images
    track_count: int
    followers_count: int
    created_at: str
    #: owner only (get_my_artist): how many of the page's tracks are in each status
    tracks_by_status: dict[str, int]


class ArtistSummary(TypedDict):
    id: str
    name: str
    verified: bool


class ArtistMatch(TypedDict):
    """A page the artist search found."""

    id: str
    name: str
    verified: bool
    claim_status: str


class MyArtist(ArtistMatch):
    """A page the caller manages, with the month's uploads beside the monthly commitment."""

    created_at: str
    claimed_at: str | None
    uploads_this_month: int
    monthly_commitment: int


class CollectionView(TypedDict):
    id: str
    name: str
    artist_id: str
    artists: list[str]
    genres: list[str]
    tags: list[str]
    description: str | None
    track_ids: list[str]
    created_at: str
    like_count: int
    #: the preset id when the collection's cover is a preset, else null (it has an image of its own)
    cover_preset: str | None


class TrackView(TypedDict):
    id: str
    name: str
    artists: list[str]
    artist_id: str
    producer_user_id: str
    collaborators: list[str]
    bpm: int
    key: str
    scale: str
    genres: list[str]
    tags: list[str]
    description: str | None
    collection_id: str | None
    licensing_model: str
    exclusive: dict[str, Any] | None
    sample_clearance: str | None
    cover_preset: str | None
    has_cover: bool
    status: str
    rejection: dict[str, Any] | None
    audio: dict[str, Any] | None
    suspected_lossy_source: bool
    play_count: int
    like_count: int
    repost_count: int
    metadata_completeness: float
    created_at: str
    published_at: str | None


class PayoutTrackView(TypedDict):
    track_id: str
    name: str
    artist_id: str
    collaborator_artist_ids: list[str]
    owners: dict[str, str | None]
    licensing_model: str
    published_at: str
    sold_at: str | None


class Source(TypedDict):
    key: str
    content_type: str


def track_counts(session: Session, artist_ids: Sequence[str]) -> dict[str, dict[str, int]]:
    """Each artist page's tracks by status, in one query for all of them."""
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    if artist_ids:
        for artist_id, status, count in session.execute(
                select(Track.artist_id, Track.status, func.count()).where(Track.artist_id.in_(artist_ids))
                .group_by(Track.artist_id, Track.status)):
            counts[artist_id][status] = count
    return counts


def artist(session: Session, row: Artist, owner: bool = False) -> ArtistView:
    return _artist(row, track_counts(session, [row.id])[row.id], owner)


def artists(session: Session, rows: Sequence[Artist]) -> list[ArtistView]:
    """Artist pages (a list's page), their track counts read at once."""
    counts = track_counts(session, [row.id for row in rows])
    return [_artist(row, counts[row.id]) for row in rows]


def _artist(row: Artist, counts: dict[str, int], owner: bool = False) -> ArtistView:
    avatar = next((image.id for image in row.images if image.kind == "avatar"), None)
    cover = next((image.id for image in row.images if image.kind == "cover"), None)
    view = ArtistView(
        id=row.id, name=row.name, user_id=row.user_id, claimed=row.user_id is not None, verified=row.verified,
        genres=list(row.genres or []), links=list(row.links or []), country=row.country, city=row.city,
        description=row.description, credits=list(row.credits or []), pinned_track_id=row.pinned_track_id,
        images=Images(avatar=avatar, cover=cover,
                      gallery=[image.id for image in row.images if image.kind == "gallery"]),
        track_count=counts.get(PUBLISHED, 0), followers_count=row.followers_count or 0, created_at=iso(row.created_at))
    if owner:
        view["tracks_by_status"] = {status: counts.get(status, 0) for status in ("processing", PUBLISHED, REJECTED)}
    return view


def collection(row: Collection, track_ids: list[str]) -> CollectionView:
    return CollectionView(id=row.id, name=row.name, artist_id=row.artist_id, artists=list(row.artists or []),
                          genres=list(row.genres or []), tags=list(row.tags or []), description=row.description,
                          track_ids=track_ids, created_at=iso(row.created_at), like_count=row.like_count or 0,
                          cover_preset=row.cover_preset)


def has_cover(row: Track) -> bool:
    """A cover file of its own or its collection's (a rejected track's own files are deleted)."""
    if row.status == REJECTED:
        return False
    return row.cover_key is not None or row.collection_id is not None


def track(row: Track, owner: bool = False) -> TrackView:
    exclusive = dict(row.exclusive) if row.exclusive is not None else None
    if exclusive is not None and not owner:
        exclusive.pop("contact_email", None)
    return TrackView(
        id=row.id, name=row.name, artists=list(row.artists or []), artist_id=row.artist_id,
        producer_user_id=row.producer_user_id, collaborators=list(row.collaborators or []), bpm=row.bpm,
        key=row.key, scale=row.scale, genres=list(row.genres or []), tags=list(row.tags or []),
        description=row.description, collection_id=row.collection_id, licensing_model=row.licensing_model,
        exclusive=exclusive, sample_clearance=row.sample_clearance, cover_preset=row.cover_preset,
        has_cover=has_cover(row), status=row.status, rejection=row.rejection, audio=row.audio,
        suspected_lossy_source=row.suspected_lossy_source, play_count=row.play_count,
        like_count=row.like_count or 0, repost_count=row.repost_count or 0,
        metadata_completeness=row.metadata_completeness, created_at=iso(row.created_at),
        published_at=iso_or_none(row.published_at))
