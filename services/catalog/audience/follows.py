"""Following artist pages: any signed-in user may follow any page, claimed or not (it is not a like: Liked
Producers stays as it is). Following twice is one follow, unfollowing a page one does not follow changes
nothing (ON CONFLICT DO NOTHING / a DELETE's row count), and the page's ``followers_count`` moves in the same
transaction, by one atomic UPDATE, only when a row was added or removed.

A follow tells the page's owner ("New follower") when the page is claimed and its owner is a verified producer,
in the follow's transaction — at most once per (page, follower) ever: unfollowing and following again tells
nobody twice (``artist_follower_notices``)."""
from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import Select, delete, exists, select, update

from services.catalog.audience import rules
from services.catalog.audience.models import ArtistFollow, FollowerNotice
from services.catalog.beat_requests.notifications import notify_one
from services.catalog.shared.queries import insert_once
from services.catalog.tracks.models import Artist
from services.catalog.tracks import artists, repository, views
from services.common.clock import iso
from services.common.db import UnitOfWork
from services.common.pagination import Envelope, PageRequest, Position, envelope, split
from services.common.persistence import new_id
from services.common.sql import keyset_page

FOLLOWERS = "artist_followers"  # names the list in its cursors


class FollowState(TypedDict):
    following: bool
    followers_count: int


class ArtistViewer(TypedDict):
    """The caller's own relation to an artist page."""

    following: bool


class ViewedArtist(views.ArtistView, total=False):
    #: whether the caller follows the page; None for an anonymous caller
    viewer: ArtistViewer | None


class Follower(TypedDict):
    user_id: str
    followed_at: str


def follow(uow: UnitOfWork, actor_id: str, artist_id: str, now: datetime) -> FollowState:
    """``actor_id`` (a canonical user id) follows the page; NotFound for an unknown page, nothing stored."""
    session = uow.session
    page = repository.require_artist(session, artist_id)
    if insert_once(session, ArtistFollow, {"user_id": actor_id, "artist_id": page.id, "created_at": now}):
        _bump(uow, page.id, +1)
        count = _count(uow, page.id)
        if rules.tells_owner_of_new_follower(page.user_id, bool(page.verified), actor_id):
            _tell_owner(uow, page, actor_id, count, now)
        return FollowState(following=True, followers_count=count)
    return FollowState(following=True, followers_count=_count(uow, page.id))


def unfollow(uow: UnitOfWork, actor_id: str, artist_id: str) -> FollowState:
    session = uow.session
    page = repository.require_artist(session, artist_id)
    removed = session.execute(delete(ArtistFollow).where(ArtistFollow.user_id == actor_id,
                                                         ArtistFollow.artist_id == page.id))
    if removed.rowcount:
        _bump(uow, page.id, -1)
    return FollowState(following=False, followers_count=_count(uow, page.id))


def get_artist(uow: UnitOfWork, artist_id: str, actor_id: str | None = None) -> ViewedArtist:
    """The public page (``artists.get_artist``) with ``viewer``: whether the actor follows it (None for an
    anonymous caller). Here, not in ``tracks/``, because follows are audience's (docs/catalog-areas.md)."""
    page = artists.get_artist(uow, artist_id)
    viewer = ArtistViewer(following=bool(uow.session.scalar(following_query(page["id"], actor_id)))) \
        if actor_id else None
    return ViewedArtist(**page, viewer=viewer)


def following_query(artist_id: str, user_id: str) -> Select:
    """One primary-key probe of ``artist_follows`` (user_id, artist_id)."""
    return select(exists().where(ArtistFollow.user_id == user_id, ArtistFollow.artist_id == artist_id))


def _bump(uow: UnitOfWork, artist_id: str, delta: int) -> None:
    # one atomic UPDATE: concurrent follows of one page never lose a count
    uow.session.execute(update(Artist).where(Artist.id == artist_id)
                        .values(followers_count=Artist.followers_count + delta)
                        .execution_options(synchronize_session=False))


def _count(uow: UnitOfWork, artist_id: str) -> int:
    return uow.session.scalar(select(Artist.followers_count).where(Artist.id == artist_id)) or 0


def _tell_owner(uow: UnitOfWork, page: Artist, follower_id: str, count: int, now: datetime) -> None:
    notice_id = new_id()
    first = insert_once(uow.session, FollowerNotice, {"artist_id": page.id, "follower_id": follower_id,
                                                      "notification_id": notice_id, "created_at": now})
    if not first:
        return
    payload: dict[str, Any] = {"artist_id": page.id, "artist_name": page.name, "follower_user_id": follower_id,
                               "followers_count": count}
    notify_one(uow, str(page.user_id), rules.NEW_FOLLOWER, payload, now, notification_id=notice_id)


def list_followers(uow: UnitOfWork, artist_id: str, page: PageRequest) -> Envelope:
    """Who follows the page, most recent first (the public Followers tab); NotFound for an unknown page."""
    session = uow.session
    artist = repository.require_artist(session, artist_id)
    query = keyset_page(select(ArtistFollow.user_id, ArtistFollow.created_at)
                        .where(ArtistFollow.artist_id == artist.id),
                        (ArtistFollow.created_at, ArtistFollow.user_id), page)
    rows = session.execute(query).all()
    kept, next_position = split(rows, page, lambda row: Position((row.created_at, row.user_id)))
    items = [Follower(user_id=row.user_id, followed_at=iso(row.created_at)) for row in kept]
    return envelope(FOLLOWERS, items, _count(uow, artist.id), next_position)
