"""Collections (beat packs, tapes): a cover is required; their tracks inherit artists, genres and tags."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.catalog.tracks.models import PUBLISHED, Artist, Collection, Track
from services.catalog.tracks import images, repository, views
from services.common.db import UnitOfWork
from services.common.media import MediaStore
from services.common.persistence import parse_id
from services.common.validation import invalid


def create_collection(uow: UnitOfWork, media: MediaStore, actor_id: str, data: dict[str, Any],
                      cover_key: str | None, artist_id: str | None = None) -> views.CollectionView:
    """A collection of the page ``artist_id`` (one the actor manages, else ``NotFound``), or of their default."""
    session = uow.session
    if not cover_key:
        raise invalid("cover", "a collection needs cover art")
    content_type = images.content_type_of(media, cover_key, "cover")
    artist = repository.require_producer(session, actor_id, artist_id)
    row = Collection(artist_id=artist.id, name=data["name"], artists=data["artists"] or [artist.name],
                     genres=data["genres"], tags=data["tags"], description=data["description"] or None,
                     cover_key=cover_key, cover_content_type=content_type)
    session.add(row)
    session.flush()
    return views.collection(row, [])


def get_collection(uow: UnitOfWork, collection_id: str, actor_id: str | None = None) -> views.CollectionView:
    """The collection with the tracks the actor may see: all of them for its owner, else the published."""
    session = uow.session
    row = repository.require_collection(session, collection_id)
    query = select(Track.id).where(Track.collection_id == row.id)
    owner = session.get(Artist, row.artist_id)
    if actor_id is None or owner is None or owner.user_id is None or owner.user_id != parse_id(actor_id):
        query = query.where(Track.status == PUBLISHED)
    track_ids = list(session.scalars(query.order_by(Track.created_at, Track.id)).all())
    return views.collection(row, track_ids)
