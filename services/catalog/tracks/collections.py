"""Collections (beat packs, tapes): a cover — an image or a preset — is required; their tracks inherit artists,
genres and tags. The owner edits and deletes them; a deleted collection's tracks stay, as singles."""
from __future__ import annotations

from collections import defaultdict
from typing import Any, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.catalog.shared.queries import newest_first
from services.catalog.tracks.models import PUBLISHED, Artist, Collection, Track
from services.catalog.tracks import images, repository, thumbnails, tracks, views
from services.catalog.tracks.schemas import ARTIST_COLLECTIONS
from services.common.db import UnitOfWork
from services.common.media import MediaStore
from services.common.pagination import Envelope, PageRequest
from services.common.persistence import parse_id
from services.common.validation import invalid
from services.contracts.vocabularies import preset_for_genres

NEEDS_COVER = "a collection needs cover art: a cover image or a cover_preset"


def create_collection(uow: UnitOfWork, media: MediaStore, actor_id: str, data: dict[str, Any],
                      cover_key: str | None, artist_id: str | None = None) -> views.CollectionView:
    """A collection of the page ``artist_id`` (one the actor manages, else ``NotFound``), or of their default.
    A cover image (``cover_key``) wins over ``data["cover_preset"]``: a collection keeps one cover."""
    session = uow.session
    if not cover_key and not data.get("cover_preset"):
        raise invalid("cover", NEEDS_COVER)
    content_type = images.content_type_of(media, cover_key, "cover") if cover_key else None
    artist = repository.require_producer(session, actor_id, artist_id)
    row = Collection(artist_id=artist.id, name=data["name"], artists=data["artists"] or [artist.name],
                     genres=data["genres"], tags=data["tags"], description=data["description"] or None,
                     cover_key=cover_key or None, cover_content_type=content_type,
                     cover_preset=None if cover_key else data["cover_preset"])
    session.add(row)
    session.flush()
    return views.collection(row, [])


def get_collection(uow: UnitOfWork, collection_id: str, actor_id: str | None = None) -> views.CollectionView:
    """The collection with the tracks the actor may see: all of them for its owner, else the published."""
    session = uow.session
    row = repository.require_collection(session, collection_id)
    return present(session, [row], _owner_of(session, actor_id, row.artist_id))[0]


def list_artist_collections(uow: UnitOfWork, artist_id: str, actor_id: str | None,
                            page: PageRequest) -> Envelope:
    """An artist page's collections (its Albums tab), newest first. Collections are public: everyone sees all of
    them; each lists the tracks the caller may see (every status for the page's owner, the published for others)."""
    session = uow.session
    artist = repository.require_artist(session, artist_id)
    owner = _owner_of(session, actor_id, artist.id)
    conditions = [Collection.artist_id == artist.id]
    total = session.scalar(select(func.count()).select_from(Collection).where(*conditions)) or 0
    return newest_first(session, select(Collection).where(*conditions), Collection.created_at, Collection.id,
                        page, ARTIST_COLLECTIONS, total, lambda rows: present(session, rows, owner))


def _owner_of(session: Session, actor_id: str | None, artist_id: str) -> bool:
    """Whether the actor manages the page (an account may manage several)."""
    owner = session.get(Artist, artist_id)
    return (actor_id is not None and owner is not None and owner.user_id is not None
            and owner.user_id == parse_id(actor_id))


def present(session: Session, rows: Sequence[Collection], owner: bool) -> list[views.CollectionView]:
    """The collections with their tracks' ids (oldest first), read in one query for all of them."""
    track_ids: dict[str, list[str]] = defaultdict(list)
    if rows:
        query = select(Track.collection_id, Track.id).where(Track.collection_id.in_([row.id for row in rows]))
        if not owner:
            query = query.where(Track.status == PUBLISHED)
        for collection_id, track_id in session.execute(query.order_by(Track.created_at, Track.id)):
            track_ids[collection_id].append(track_id)
    return [views.collection(row, track_ids[row.id]) for row in rows]


def update_collection(uow: UnitOfWork, media: MediaStore, actor_id: str, collection_id: str,
                      changes: dict[str, Any]) -> views.CollectionView:
    """The owner's changes. A new ``cover_preset`` replaces the cover image, deleted once committed. The tracks
    already in it keep the artists, genres and tags they took when they joined."""
    session = uow.session
    row = repository.own_collection(session, actor_id, collection_id)
    for name, value in changes.items():
        if name == "description":
            row.description = value or None  # null or blank clears it
        elif name != "cover_preset":
            setattr(row, name, value)
    if changes.get("cover_preset"):
        _drop_cover_file(uow, media, row)
        row.cover_preset = changes["cover_preset"]
    session.flush()
    return present(session, [row], owner=True)[0]


def replace_cover(uow: UnitOfWork, media: MediaStore, actor_id: str, collection_id: str,
                  cover_key: str) -> views.CollectionView:
    """A new cover image (judged by its content) in place of the current image or preset."""
    session = uow.session
    content_type = images.content_type_of(media, cover_key, "cover")
    row = repository.own_collection(session, actor_id, collection_id)
    _drop_cover_file(uow, media, row)
    row.cover_key, row.cover_content_type, row.cover_preset = cover_key, content_type, None
    session.flush()
    return present(session, [row], owner=True)[0]


def _drop_cover_file(uow: UnitOfWork, media: MediaStore, row: Collection) -> None:
    old = row.cover_key
    row.cover_key = row.cover_content_type = None
    if old:
        uow.after_commit(lambda: media.delete(*thumbnails.with_thumbnails(old)))


def delete_collection(uow: UnitOfWork, media: MediaStore, actor_id: str, collection_id: str) -> None:
    """Deletes the collection (its likes go with it) and, once committed, its cover image. Its tracks stay, as
    singles; one that showed the collection's cover takes a preset: the collection's own preset if it had one,
    else the preset of the first of its genres (then the collection's) matching the vocabulary."""
    session = uow.session
    row = repository.own_collection(session, actor_id, collection_id)
    members = session.scalars(select(Track).where(Track.collection_id == row.id).with_for_update()).all()
    for track in members:
        track.collection_id = None
        if track.cover_key is None and not track.cover_preset:
            track.cover_preset = row.cover_preset or preset_for_genres([*(track.genres or []), *(row.genres or [])])
        tracks.refresh_completeness(uow, track)
    _drop_cover_file(uow, media, row)
    session.delete(row)
    session.flush()
