"""Look-ups the use cases share."""
from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.catalog.tracks.models import PUBLISHED, Artist, Collection, Track
from services.common.persistence import parse_id
from services.contracts.errors import Forbidden, NotFound

NO_ARTIST_PROFILE = "no artist profile"
ARTIST_NOT_FOUND = "artist not found"

Row = TypeVar("Row")


def find(session: Session, model: type[Row], row_id: object) -> Row | None:
    """The ``model`` row with this public id, or None (also when ``row_id`` is not an id at all)."""
    canonical = parse_id(row_id)
    return None if canonical is None else session.get(model, canonical)


def find_artist(session: Session, artist_id: object) -> Artist | None:
    return find(session, Artist, artist_id)


def require_artist(session: Session, artist_id: object) -> Artist:
    artist = find_artist(session, artist_id)
    if artist is None:
        raise NotFound("artist not found", {"artist_id": str(artist_id)})
    return artist


def artists_of_user(session: Session, user_id: object) -> list[Artist]:
    """Every page the account manages, the one it has managed longest first (docs/business-rules.md
    "Producer Program")."""
    canonical = parse_id(user_id)
    if canonical is None:
        return []
    return list(session.scalars(select(Artist).where(Artist.user_id == canonical)
                                .order_by(Artist.claimed_at, Artist.id)).all())


def artist_of_user(session: Session, user_id: object) -> Artist | None:
    """The account's default page: the one it has managed longest."""
    canonical = parse_id(user_id)
    if canonical is None:
        return None
    return session.scalars(select(Artist).where(Artist.user_id == canonical)
                           .order_by(Artist.claimed_at, Artist.id).limit(1)).first()


def managed_artist(session: Session, actor_id: object, artist_id: object | None) -> Artist | None:
    """The page a producer call acts on: the one named (``artist``), which must be one the actor manages
    (``NotFound`` otherwise, as if it did not exist), else the actor's default page — the one they have managed
    longest (None if they have none)."""
    if artist_id is None:
        return artist_of_user(session, actor_id)
    page = find_artist(session, artist_id)
    if page is None or page.user_id is None or page.user_id != parse_id(actor_id):
        raise NotFound(ARTIST_NOT_FOUND, {"artist_id": str(artist_id)})
    return page


def require_own_artist(session: Session, actor_id: object, artist_id: object) -> Artist:
    artist = require_artist(session, artist_id)
    if artist.user_id is None or artist.user_id != parse_id(actor_id):
        raise Forbidden("only the owner of this artist page can change it")
    return artist


def require_producer(session: Session, actor_id: object, artist_id: object | None = None) -> Artist:
    """The actor's artist page — the one named, if they manage it (else ``NotFound``), or their default:
    only producers (approved through the Producer Program) have one."""
    artist = managed_artist(session, actor_id, artist_id)
    if artist is None:
        raise Forbidden("only producers with an artist page can do this")
    return artist


def is_owner(row: Track, actor_id: object) -> bool:
    return actor_id is not None and row.producer_user_id == parse_id(actor_id)


def find_track(session: Session, track_id: object, lock: bool = False) -> Track | None:
    canonical = parse_id(track_id)
    if canonical is None:
        return None
    query = select(Track).where(Track.id == canonical)
    return session.scalars(query.with_for_update() if lock else query).first()


def visible_track(session: Session, track_id: object, actor_id: object = None) -> Track:
    """A published track, or any track of the actor's own; anything else does not exist for them."""
    row = find_track(session, track_id)
    if row is None or (row.status != PUBLISHED and not is_owner(row, actor_id)):
        raise NotFound("track not found", {"track_id": str(track_id)})
    return row


def own_track(session: Session, actor_id: object, track_id: object) -> Track:
    """The actor's track, locked for a change. Someone else's published track is Forbidden; their
    unpublished one is NotFound (its existence is not revealed)."""
    row = find_track(session, track_id, lock=True)
    if row is None or (row.status != PUBLISHED and not is_owner(row, actor_id)):
        raise NotFound("track not found", {"track_id": str(track_id)})
    if not is_owner(row, actor_id):
        raise Forbidden("only the producer who uploaded this track can change it")
    return row


def find_collection(session: Session, collection_id: object) -> Collection | None:
    return find(session, Collection, collection_id)


def require_collection(session: Session, collection_id: object) -> Collection:
    row = find_collection(session, collection_id)
    if row is None:
        raise NotFound("collection not found", {"collection_id": str(collection_id)})
    return row


def own_collection(session: Session, actor_id: object, collection_id: object) -> Collection:
    """The actor's collection, locked for a change. Collections are public: someone else's is Forbidden."""
    canonical = parse_id(collection_id)
    row = session.scalars(select(Collection).where(Collection.id == canonical).with_for_update()).first() \
        if canonical is not None else None
    if row is None:
        raise NotFound("collection not found", {"collection_id": str(collection_id)})
    owner = session.get(Artist, row.artist_id)
    if owner is None or owner.user_id is None or owner.user_id != parse_id(actor_id):
        raise Forbidden("only the producer whose collection this is can change it")
    return row
