"""Likes of tracks, collections and producers (artist pages), and reposts of tracks.

Each is a mark a user puts on an item once: marking twice is one mark, removing a missing one is a
no-op (both idempotent and race-free: ON CONFLICT DO NOTHING / a DELETE's row count). Tracks and
collections keep their counters in the same transaction as the mark; an artist page's likes are
counted from its index. Only published tracks can be liked or reposted. The per-user lists are the
public profile tabs (Liked Beats, Reposts, Liked Collections, Liked Producers), newest first."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypedDict

from sqlalchemy import Select, delete, exists, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from services.catalog.community.models import CollectionLike, ProducerLike, Repost, TrackLike
from services.catalog.shared.queries import insert_once, newest_first
from services.catalog.tracks.models import PUBLISHED, Artist, Collection, Track
from services.catalog.tracks import repository, tracks, views
from services.common.clock import utcnow
from services.common.db import UnitOfWork
from services.common.pagination import Envelope, PageRequest
from services.contracts.errors import NotFound
from services.contracts.events import ITEM_LIKED, ITEM_UNLIKED, TRACK_REPOSTED, TRACK_UNREPOSTED, EventType


class LikeState(TypedDict):
    liked: bool
    like_count: int


class RepostState(TypedDict):
    reposted: bool
    repost_count: int


class TrackViewer(TypedDict):
    """The caller's own marks on a track."""

    liked: bool
    reposted: bool


class ViewedTrack(views.TrackView, total=False):
    #: the caller's own marks; None for an anonymous caller
    viewer: TrackViewer | None


@dataclass(frozen=True)
class Mark:
    """One kind of mark: its table, the item it points at, and how items are found, counted and shown."""

    list_kind: str  # names the list in its cursors
    model: type
    item: InstrumentedAttribute  # the mark's column referring to the item
    target: type
    counter: InstrumentedAttribute | None  # None: counted from the marks' index
    find: Callable[[Session, str], Any]  # the item, or NotFound
    owner_of: Callable[[Session, Any], str | None]
    present: Callable[[Session, Sequence[Any]], list[Any]]
    listed: tuple[Any, ...] = ()  # extra conditions on the items a list shows


def _published_track(session: Session, track_id: str) -> Track:
    return repository.visible_track(session, track_id)  # no actor: unpublished tracks do not exist here


def _collection_owner(session: Session, row: Collection) -> str | None:
    artist = session.get(Artist, row.artist_id)
    return artist.user_id if artist is not None else None


def _present_tracks(session: Session, rows: Sequence[Track]) -> list[views.TrackView]:
    return [views.track(row) for row in rows]


def present_collections(session: Session, rows: Sequence[Collection]) -> list[views.CollectionView]:
    """Collections with their published tracks, in one query for the whole page."""
    track_ids: dict[str, list[str]] = defaultdict(list)
    if rows:
        found = session.execute(select(Track.collection_id, Track.id).where(
            Track.collection_id.in_([row.id for row in rows]), Track.status == PUBLISHED)
            .order_by(Track.created_at, Track.id))
        for collection_id, track_id in found:
            track_ids[collection_id].append(track_id)
    return [views.collection(row, track_ids[row.id]) for row in rows]


LIKES: dict[str, Mark] = {
    "tracks": Mark("likes:tracks", TrackLike, TrackLike.track_id, Track, Track.like_count, _published_track,
                   lambda session, row: row.producer_user_id, _present_tracks, (Track.status == PUBLISHED,)),
    "collections": Mark("likes:collections", CollectionLike, CollectionLike.collection_id, Collection,
                        Collection.like_count, repository.require_collection, _collection_owner,
                        present_collections),
    "producers": Mark("likes:producers", ProducerLike, ProducerLike.artist_id, Artist, None,
                      repository.require_artist, lambda session, row: row.user_id, views.artists),
}
REPOSTS = Mark("reposts", Repost, Repost.track_id, Track, Track.repost_count, _published_track,
               lambda session, row: row.producer_user_id, _present_tracks, (Track.status == PUBLISHED,))


def like_kind(kind: str) -> Mark:
    """The like of this kind; an unknown kind is a NotFound, as its URL is."""
    if kind not in LIKES:
        raise NotFound("no such kind of like", {"kind": str(kind)})
    return LIKES[kind]


# --- marking -------------------------------------------------------------------------------------

def _count(session: Session, mark: Mark, item_id: str) -> int:
    if mark.counter is not None:
        return session.scalar(select(mark.counter).where(mark.target.id == item_id)) or 0
    return session.scalar(select(func.count()).select_from(mark.model).where(mark.item == item_id)) or 0


def _bump(session: Session, mark: Mark, item_id: str, delta: int) -> None:
    if mark.counter is not None:  # one atomic UPDATE: concurrent marks of one item never lose a count
        session.execute(update(mark.target).where(mark.target.id == item_id)
                        .values({mark.counter.key: mark.counter + delta}).execution_options(synchronize_session=False))


def _put(uow: UnitOfWork, mark: Mark, actor_id: str, item_id: str) -> tuple[Any, bool, int]:
    """Mark the item for the actor (a canonical user id): (the item, whether this call changed anything,
    its count)."""
    session = uow.session
    item = mark.find(session, item_id)
    added = insert_once(session, mark.model, {"user_id": actor_id, mark.item.key: item.id, "created_at": utcnow()})
    if added:
        _bump(session, mark, item.id, +1)
    return item, added, _count(session, mark, item.id)


def _remove(uow: UnitOfWork, mark: Mark, actor_id: str, item_id: str) -> tuple[Any, bool, int]:
    session = uow.session
    item = mark.find(session, item_id)
    result = session.execute(delete(mark.model).where(mark.model.user_id == actor_id, mark.item == item.id))
    removed = bool(result.rowcount)
    if removed:
        _bump(session, mark, item.id, -1)
    return item, removed, _count(session, mark, item.id)


def like(uow: UnitOfWork, actor_id: str, kind: str, item_id: str) -> LikeState:
    mark = like_kind(kind)
    item, changed, count = _put(uow, mark, actor_id, item_id)
    if changed:
        _emit_like(uow, ITEM_LIKED, mark, kind, actor_id, item, count)
    return LikeState(liked=True, like_count=count)


def unlike(uow: UnitOfWork, actor_id: str, kind: str, item_id: str) -> LikeState:
    mark = like_kind(kind)
    item, changed, count = _remove(uow, mark, actor_id, item_id)
    if changed:
        _emit_like(uow, ITEM_UNLIKED, mark, kind, actor_id, item, count)
    return LikeState(liked=False, like_count=count)


def _emit_like(uow: UnitOfWork, event: EventType, mark: Mark, kind: str, actor_id: str, item: Any,
               count: int) -> None:
    uow.emit(event, {"user_id": actor_id, "kind": kind, "item_id": item.id,
                     "owner_user_id": mark.owner_of(uow.session, item), "like_count": count})


def repost(uow: UnitOfWork, actor_id: str, track_id: str) -> RepostState:
    track, changed, count = _put(uow, REPOSTS, actor_id, track_id)
    if changed:
        _emit_repost(uow, TRACK_REPOSTED, actor_id, track, count)
    return RepostState(reposted=True, repost_count=count)


def unrepost(uow: UnitOfWork, actor_id: str, track_id: str) -> RepostState:
    track, changed, count = _remove(uow, REPOSTS, actor_id, track_id)
    if changed:
        _emit_repost(uow, TRACK_UNREPOSTED, actor_id, track, count)
    return RepostState(reposted=False, repost_count=count)


def _emit_repost(uow: UnitOfWork, event: EventType, actor_id: str, track: Track, count: int) -> None:
    uow.emit(event, {"user_id": actor_id, "track_id": track.id, "producer_user_id": track.producer_user_id,
                     "repost_count": count})


# --- the caller's own marks on a track (GET /tracks/{id}) --------------------------------------------

def get_track(uow: UnitOfWork, track_id: str, actor_id: str | None = None) -> ViewedTrack:
    """The track as ``tracks.get_track`` shows it to the actor, with ``viewer``: whether the actor liked and
    reposted it (None for an anonymous caller). It lives here, not in ``tracks/``, because the marks are
    community's and ``tracks/`` may not use ``community/`` (docs/catalog-areas.md)."""
    track = tracks.get_track(uow, track_id, actor_id)
    viewer = track_viewer(uow.session, track["id"], actor_id) if actor_id else None
    return ViewedTrack(**track, viewer=viewer)


def viewer_query(track_id: str, user_id: str) -> Select:
    """One statement, two primary-key probes: (user_id, track_id) of ``track_likes`` and of ``reposts``."""
    return select(exists().where(TrackLike.user_id == user_id, TrackLike.track_id == track_id).label("liked"),
                  exists().where(Repost.user_id == user_id, Repost.track_id == track_id).label("reposted"))


def track_viewer(session: Session, track_id: str, user_id: str) -> TrackViewer:
    row = session.execute(viewer_query(track_id, user_id)).one()
    return TrackViewer(liked=bool(row.liked), reposted=bool(row.reposted))


# --- the profile tabs ----------------------------------------------------------------------------

def list_likes(uow: UnitOfWork, user_id: str, kind: str, page: PageRequest) -> Envelope:
    """What ``user_id`` liked, most recently liked first."""
    return _list(uow, LIKES[kind], user_id, page)


def list_reposts(uow: UnitOfWork, user_id: str, page: PageRequest) -> Envelope:
    return _list(uow, REPOSTS, user_id, page)


def list_query(mark: Mark, user_id: str) -> Select:
    """The items ``user_id`` marked (to page by the mark's (created_at, item))."""
    return select(mark.target).join(mark.model, mark.item == mark.target.id).where(*_listed(mark, user_id))


def _listed(mark: Mark, user_id: str) -> tuple[Any, ...]:
    return (mark.model.user_id == user_id, *mark.listed)


def _list(uow: UnitOfWork, mark: Mark, user_id: str, page: PageRequest) -> Envelope:
    session = uow.session
    total = session.scalar(select(func.count()).select_from(mark.model)
                           .join(mark.target, mark.item == mark.target.id).where(*_listed(mark, user_id))) or 0
    return newest_first(session, list_query(mark, user_id), mark.model.created_at, mark.item, page, mark.list_kind,
                        total, lambda rows: mark.present(session, rows))
