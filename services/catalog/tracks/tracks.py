"""Tracks: upload (→ ``processing`` and ``track_uploaded``), reading, the owner's edits and
deletion, and the public list with its filters, two sorts and keyset pages."""
from __future__ import annotations

import mimetypes
from typing import Any

from sqlalchemy import func, or_, select

from services.catalog.tracks.models import PROCESSING, PUBLISHED, Artist, Collection, Track, TrackCredit, TrackGenre
from services.catalog.tracks.schemas import TrackQuery, exclusive_problem, tracks_kind
from services.catalog.tracks import images, page_genres, repository, rules, thumbnails, views
from services.common.clock import utcnow
from services.common.db import UnitOfWork
from services.common.media import MediaError, MediaStore
from services.common.pagination import Envelope, Position, envelope, split
from services.common.sql import keyset_page
from services.common.validation import invalid
from services.contracts.errors import InvalidField, NotFound
from services.contracts.events import TRACK_DELETED, TRACK_METADATA_COMPLETED, TRACK_UPLOADED

COVER_REQUIRED = "a cover file or a cover_preset is required"


# --- upload --------------------------------------------------------------------------------------

def create_track(uow: UnitOfWork, media: MediaStore, actor_id: str, metadata: dict[str, Any],
                 upload: dict[str, Any], artist_id: str | None = None) -> views.TrackView:
    """A new track of the page ``artist_id`` (one the actor manages, else ``NotFound``), or of the actor's
    default page; ``processing`` until audio's verdict."""
    session = uow.session
    audio_key, cover_key = upload["audio_key"], upload["cover_key"] or None
    try:
        media.path(audio_key)
    except MediaError:
        raise invalid("audio_key", "not a media key") from None
    cover_type = images.content_type_of(media, cover_key, "cover") if cover_key else None
    artist = repository.require_producer(session, actor_id, artist_id)
    collection = _own_collection(session, artist, metadata.get("collection_id"))
    artists = metadata.get("artists") or (list(collection.artists) if collection else [])
    if not artists:
        raise invalid("artists", "at least one artist is required")
    if cover_key is None and not metadata.get("cover_preset") and collection is None:
        raise invalid("cover", COVER_REQUIRED)
    collaborators = _check_collaborators(session, artist, metadata["collaborators"])
    genres = metadata.get("genres") or (list(collection.genres) if collection else [])
    tags = metadata.get("tags") or (list(collection.tags) if collection else [])
    row = Track(artist_id=artist.id, producer_user_id=artist.user_id, name=metadata["name"], artists=artists,
                collaborators=collaborators, bpm=metadata["bpm"], key=metadata["key"], scale=metadata["scale"],
                genres=genres, tags=tags, description=metadata.get("description") or None,
                collection_id=collection.id if collection else None, licensing_model=metadata["licensing_model"],
                exclusive=metadata.get("exclusive"), sample_clearance=metadata.get("sample_clearance"),
                cover_preset=metadata.get("cover_preset"), cover_key=cover_key, cover_content_type=cover_type,
                audio_key=audio_key, size_bytes=upload["size_bytes"], status=PROCESSING, created_at=utcnow())
    _index(row)
    row.credit_rows = [TrackCredit(artist_id=collaborator) for collaborator in collaborators]
    session.add(row)
    refresh_completeness(uow, row)
    session.flush()
    uow.emit(TRACK_UPLOADED, {"track_id": row.id, "producer_user_id": row.producer_user_id,
                              "artist_id": row.artist_id, "audio_key": audio_key, "size_bytes": row.size_bytes})
    return views.track(row, owner=True)


def _own_collection(session, artist: Artist, collection_id: str | None) -> Collection | None:
    if collection_id is None:
        return None
    collection = repository.find_collection(session, collection_id)
    if collection is None or collection.artist_id != artist.id:
        raise NotFound("collection not found", {"collection_id": collection_id})
    return collection


def _check_collaborators(session, artist: Artist, collaborators: list[str]) -> list[str]:
    unique = list(dict.fromkeys(collaborators))
    if artist.id in unique:
        raise invalid("collaborators", "your own artist page cannot be a collaborator")
    found = set(session.scalars(select(Artist.id).where(Artist.id.in_(unique))).all()) if unique else set()
    missing = [artist_id for artist_id in unique if artist_id not in found]
    if missing:
        raise invalid("collaborators", f"no such artist: {', '.join(missing)}")
    return unique


def _index(row: Track) -> None:
    """Keep the derived search text and the genre rows in step with the track's fields."""
    row.search_text = rules.search_text(row.name, row.artists, row.tags)
    wanted = list(dict.fromkeys(rules.normalize_genre(genre) for genre in row.genres))
    row.genre_rows = [existing for existing in row.genre_rows if existing.genre in wanted] + [
        TrackGenre(genre=genre) for genre in wanted if genre not in {g.genre for g in row.genre_rows}]


def metadata_state(row: Track) -> rules.MetadataState:
    return rules.MetadataState(
        name=row.name, artists=row.artists, has_cover=row.cover_key is not None or bool(row.cover_preset)
        or row.collection_id is not None, key=row.key, scale=row.scale, bpm=row.bpm,
        licensing_model=row.licensing_model, genres=row.genres, tags=row.tags, description=row.description,
        collection_id=row.collection_id, sample_clearance=row.sample_clearance)


def refresh_completeness(uow: UnitOfWork, row: Track) -> None:
    """Recompute the score; a published track reaching 80 % emits ``track_metadata_completed`` once."""
    row.metadata_completeness = rules.completeness(metadata_state(row))
    if row.status == PUBLISHED and row.metadata_completed_at is None and rules.is_complete(row.metadata_completeness):
        row.metadata_completed_at = utcnow()
        uow.emit(TRACK_METADATA_COMPLETED, {"track_id": row.id, "producer_user_id": row.producer_user_id,
                                            "completeness": row.metadata_completeness})


# --- reading -------------------------------------------------------------------------------------

def get_track(uow: UnitOfWork, track_id: str, actor_id: str | None = None) -> views.TrackView:
    row = repository.visible_track(uow.session, track_id, actor_id)
    return views.track(row, owner=repository.is_owner(row, actor_id))


def list_tracks(uow: UnitOfWork, query: TrackQuery, actor_id: str | None = None) -> Envelope:
    """Published tracks matching every filter, newest or most played first."""
    session = uow.session
    conditions = [Track.status == PUBLISHED, *_filter_conditions(query.filters)]
    if query.sort == "popular":
        keys = (Track.play_count, Track.published_at, Track.id)
    else:
        keys = (Track.published_at, Track.id)
    rows = session.scalars(keyset_page(select(Track).where(*conditions), keys, query.page)).all()
    kept, next_position = split(rows, query.page, lambda row: Position(
        tuple(getattr(row, key.key) for key in keys)))
    total = session.scalar(select(func.count()).select_from(Track).where(*conditions)) or 0
    items = [views.track(row, owner=repository.is_owner(row, actor_id)) for row in kept]
    return envelope(tracks_kind(query.sort), items, total, next_position)


def _filter_conditions(filters: dict[str, Any]) -> list[Any]:
    conditions: list[Any] = []
    if "genre" in filters:
        conditions.append(Track.id.in_(select(TrackGenre.track_id).where(
            TrackGenre.genre == rules.normalize_genre(filters["genre"]))))
    if "bpm_min" in filters:
        conditions.append(Track.bpm >= filters["bpm_min"])
    if "bpm_max" in filters:
        conditions.append(Track.bpm <= filters["bpm_max"])
    if "key" in filters:
        conditions.append(Track.key == filters["key"])
    if "scale" in filters:
        conditions.append(Track.scale == filters["scale"])
    if "producer" in filters:
        # clients hold either id of a producer: the artist page's (on tracks) or the user's (on profiles)
        conditions.append(or_(Track.artist_id == filters["producer"], Track.producer_user_id == filters["producer"]))
    if "licensing" in filters:
        conditions += _licensing_conditions(filters["licensing"])
    for term in rules.search_terms(filters.get("q", "")):
        conditions.append(Track.search_text.contains(term, autoescape=True))
    return conditions


def _licensing_conditions(choice: str) -> list[Any]:
    """One licensing model, or ``exclusive_available``: an exclusive model whose exclusive is for sale now (the
    partial index ``ix_tracks_exclusive_available`` holds exactly those tracks, newest first)."""
    if choice != rules.EXCLUSIVE_AVAILABLE:
        return [Track.licensing_model == choice]
    return [Track.licensing_model.in_(rules.EXCLUSIVE_MODELS), exclusive_status() == rules.AVAILABLE]


def exclusive_status():
    """The exclusive terms' ``status`` as text (``->>`` on PostgreSQL, ``json_extract`` on SQLite)."""
    return Track.exclusive["status"].as_string()


# --- the owner's changes -------------------------------------------------------------------------

def update_track(uow: UnitOfWork, actor_id: str, track_id: str, changes: dict[str, Any],
                 media: MediaStore | None = None) -> views.TrackView:
    """The owner's changes. A ``cover_preset`` other than the stored one replaces the track's cover image, which
    ``media`` deletes once committed (docs/covers.md)."""
    session = uow.session
    row = repository.own_track(session, actor_id, track_id)
    model = changes.get("licensing_model", row.licensing_model)
    if "exclusive" in changes:
        exclusive = changes["exclusive"]
    else:
        # switching to the standard model drops the exclusive terms
        exclusive = None if model == rules.STANDARD else row.exclusive
    problem = exclusive_problem(model, exclusive)
    if problem is not None:
        raise problem
    _check_exclusive_status(row.exclusive, exclusive)
    if "artists" in changes and not changes["artists"]:
        raise invalid("artists", "at least one artist is required")
    if "cover_preset" in changes and not changes["cover_preset"] and row.cover_key is None \
            and row.collection_id is None:
        raise invalid("cover_preset", COVER_REQUIRED)
    if changes.get("cover_preset") and changes["cover_preset"] != row.cover_preset and row.cover_key is not None:
        old_cover, row.cover_key, row.cover_content_type = row.cover_key, None, None
        if media is not None:
            uow.after_commit(lambda: media.delete(*thumbnails.with_thumbnails(old_cover)))
    for name, value in changes.items():
        if name not in ("exclusive", "licensing_model"):
            setattr(row, name, None if value == "" else value)
    row.licensing_model, row.exclusive = model, exclusive
    _index(row)
    refresh_completeness(uow, row)
    session.flush()
    if "genres" in changes and row.status == PUBLISHED:
        page_genres.refresh_for(session, [row])
    return views.track(row, owner=True)


def _check_exclusive_status(stored: dict[str, Any] | None, wanted: dict[str, Any] | None) -> None:
    """Sold is the platform's to set and undo (sales.py), never the producer's: dropping a sold exclusive's
    terms counts as changing its status too."""
    reason = rules.exclusive_status_problem((stored or {}).get("status"), (wanted or {}).get("status"))
    if reason is not None:
        raise InvalidField("invalid exclusive", {"exclusive.status": [reason]})


def delete_track(uow: UnitOfWork, media: MediaStore, actor_id: str, track_id: str) -> None:
    """Deletes the track and its upload and cover; ``track_deleted`` has audio forget it and delete
    its renditions."""
    remove_track(uow, media, repository.own_track(uow.session, actor_id, track_id))


def remove_track(uow: UnitOfWork, media: MediaStore, row: Track) -> None:
    """Delete ``row`` with the files catalog owns (upload, cover, stems; once committed), unpin it, and emit ``track_deleted``,
    on which audio deletes the renditions (audio owns them: docs/media-store.md)."""
    session = uow.session
    for artist in session.scalars(select(Artist).where(Artist.pinned_track_id == row.id)).all():
        artist.pinned_track_id = None
    uow.emit(TRACK_DELETED, {"track_id": row.id, "producer_user_id": row.producer_user_id})
    keys, pages = (row.audio_key, row.stems_key, *thumbnails.with_thumbnails(row.cover_key)), page_genres.pages_of(row)
    published = row.status == PUBLISHED
    session.delete(row)
    session.flush()
    if published:
        page_genres.refresh(session, pages)
    uow.after_commit(lambda: media.delete(*keys))


# --- media sources (for the gateway) -------------------------------------------------------------

def stream_source(uow: UnitOfWork, track_id: str) -> views.Source:
    row = repository.visible_track(uow.session, track_id)  # no actor: published tracks only
    return views.Source(key=row.stream_key or "", content_type=row.stream_content_type or "application/octet-stream")


def waveform_source(uow: UnitOfWork, track_id: str) -> views.Source:
    row = repository.visible_track(uow.session, track_id)
    key = row.waveform_key or ""
    return views.Source(key=key, content_type=mimetypes.guess_type(key)[0] or "application/octet-stream")

