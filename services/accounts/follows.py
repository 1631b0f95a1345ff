"""Following users and producers: idempotent follow/unfollow, and the two lists with counts."""
from __future__ import annotations

from typing import TypedDict

from sqlalchemy import Select, delete, exists, func, select
from sqlalchemy.orm import InstrumentedAttribute

from services.accounts import repository, views
from services.accounts.models import Follow, User
from services.common.persistence import parse_id
from services.common.sql import insert_ignoring_duplicates, keyset_page
from services.common.db import UnitOfWork
from services.common.pagination import Envelope, PageRequest, Position, envelope, split
from services.contracts.errors import InvalidField

FOLLOWERS = "followers"
FOLLOWING = "following"


class FollowState(TypedDict):
    following: bool
    followers_count: int


class UserViewer(TypedDict):
    """The caller's own relation to a user's profile."""

    following: bool


def following_query(actor_id: str, user_id: str) -> Select:
    """One primary-key probe of ``follows`` (follower_id, followee_id)."""
    return select(exists().where(Follow.follower_id == actor_id, Follow.followee_id == user_id))


def viewer(uow: UnitOfWork, actor_id: str | None, user_id: str) -> UserViewer | None:
    """Whether ``actor_id`` follows ``user_id``; None for an anonymous caller."""
    if not actor_id:
        return None
    return UserViewer(following=bool(uow.session.scalar(following_query(actor_id, user_id))))


def _refuse_self(actor_id: str, user_id: str) -> None:
    actor, target = parse_id(actor_id), parse_id(user_id)
    if actor is not None and actor == target:
        raise InvalidField("you cannot follow yourself", {"user_id": ["you cannot follow yourself"]})


def follow(uow: UnitOfWork, actor_id: str, user_id: str) -> FollowState:
    _refuse_self(actor_id, user_id)
    actor = repository.require_user(uow.session, actor_id)
    target = repository.require_user(uow.session, user_id)
    insert_ignoring_duplicates(uow.session, Follow, {"follower_id": actor.id, "followee_id": target.id})
    return {"following": True, "followers_count": repository.count_followers(uow.session, target.id)}


def unfollow(uow: UnitOfWork, actor_id: str, user_id: str) -> FollowState:
    _refuse_self(actor_id, user_id)
    actor = repository.require_user(uow.session, actor_id)
    target = repository.require_user(uow.session, user_id)
    uow.session.execute(delete(Follow).where(Follow.follower_id == actor.id, Follow.followee_id == target.id))
    return {"following": False, "followers_count": repository.count_followers(uow.session, target.id)}


def list_followers(uow: UnitOfWork, user_id: str, page: PageRequest) -> Envelope:
    """Who follows ``user_id``, newest first."""
    return _list(uow, user_id, page, FOLLOWERS, of=Follow.followee_id, other=Follow.follower_id)


def list_following(uow: UnitOfWork, user_id: str, page: PageRequest) -> Envelope:
    """Whom ``user_id`` follows, newest first."""
    return _list(uow, user_id, page, FOLLOWING, of=Follow.follower_id, other=Follow.followee_id)


def _list(uow: UnitOfWork, user_id: str, page: PageRequest, kind: str,
          of: InstrumentedAttribute, other: InstrumentedAttribute) -> Envelope:
    session = uow.session
    user = repository.require_user(session, user_id)
    query = select(User, Follow.created_at).join(Follow, other == User.id).where(of == user.id)
    rows = session.execute(keyset_page(query, (Follow.created_at, other), page)).all()
    kept, next_position = split(rows, page, lambda row: Position((row.created_at, row.User.id)))
    total = session.scalar(select(func.count()).select_from(Follow).where(of == user.id)) or 0
    return envelope(kind, [views.user_summary(row.User) for row in kept], total, next_position)
