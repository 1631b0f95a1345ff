"""Look-ups the use cases share."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from services.accounts import roles
from services.accounts.models import Follow, User, UserRole
from services.common.persistence import parse_id
from services.common.sql import insert_ignoring_duplicates
from services.contracts.errors import Forbidden, NotFound, Unauthorized

USER_NOT_FOUND = "user not found"
#: the caller's token is genuine but names an account that was deleted (or never existed here)
ACCOUNT_GONE = "the account of this access token no longer exists: log in again or register"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def normalize_username(username: str) -> str:
    return username.strip().lower()


def find_user(session: Session, user_id: object) -> User | None:
    """The user, unless the id names nobody or a deleted account's tombstone."""
    canonical = parse_id(user_id)
    user = None if canonical is None else session.get(User, canonical)
    return None if user is None or user.deleted_at is not None else user


def require_actor(session: Session, actor_id: object) -> User:
    """The caller's own account; ``Unauthorized`` (HTTP 401) when it no longer exists."""
    user = find_user(session, actor_id)
    if user is None:
        raise Unauthorized(ACCOUNT_GONE)
    return user


def actor_exists(session: Session, actor_id: object) -> bool:
    """One primary-key look-up: the gateway asks this for every signed-in request."""
    canonical = parse_id(actor_id)
    return canonical is not None and session.scalar(
        select(User.id).where(User.id == canonical, User.deleted_at.is_(None))) is not None


def require_user(session: Session, user_id: object) -> User:
    user = find_user(session, user_id)
    if user is None:
        raise NotFound(USER_NOT_FOUND, {"user_id": str(user_id)})
    return user


def find_locked_user(session: Session, user_id: object) -> User | None:
    """The user row, locked until commit (and re-read, so a copy already in the session is current):
    every change of a user's balance, plan or billing state takes this lock first, so concurrent
    calls for one user apply one after the other. A deleted account's tombstone is found too, so
    Stripe's last events about its subscription still apply."""
    canonical = parse_id(user_id)
    if canonical is None:
        return None
    return session.scalars(select(User).where(User.id == canonical).with_for_update()
                           .execution_options(populate_existing=True)).first()


def lock_user(session: Session, user_id: object) -> User:
    user = find_locked_user(session, user_id)
    if user is None:
        raise NotFound(USER_NOT_FOUND, {"user_id": str(user_id)})
    return user


def require_admin(session: Session, actor_id: object) -> User:
    """The acting user, if the database says they are an admin (the caller's claims do not count)."""
    actor = find_user(session, actor_id)
    if actor is None or roles.ADMIN not in actor.role_names():
        raise Forbidden("only admins may do this")
    return actor


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email_normalized == normalize_email(email),
                                              User.deleted_at.is_(None))).first()


def username_taken(session: Session, username: str) -> bool:
    found = session.scalars(select(User.id).where(User.username_normalized == normalize_username(username)))
    return found.first() is not None


def grant_role(session: Session, user: User, role: str) -> None:
    """Idempotent, also against a concurrent grant of the same role."""
    if insert_ignoring_duplicates(session, UserRole, {"user_id": user.id, "role": role}):
        session.refresh(user, ["roles"])


@dataclass(frozen=True)
class FollowCounts:
    followers: int
    following: int


def count_followers(session: Session, user_id: str) -> int:
    return session.scalar(select(func.count()).select_from(Follow).where(Follow.followee_id == user_id)) or 0


def _count_where(condition):
    return select(func.count()).select_from(Follow).where(condition).scalar_subquery()


def follow_counts(session: Session, user_id: str) -> FollowCounts:
    """Both counts in one round trip (every profile and ``/me`` shows them)."""
    followers, following = session.execute(
        select(_count_where(Follow.followee_id == user_id), _count_where(Follow.follower_id == user_id))).one()
    return FollowCounts(followers=followers, following=following)


def find_user_with_counts(session: Session, user_id: object) -> tuple[User, FollowCounts] | None:
    """The user, their roles and both follow counts in a single query: ``/me`` is the hottest read."""
    canonical = parse_id(user_id)
    if canonical is None:
        return None
    row = session.execute(
        select(User, _count_where(Follow.followee_id == User.id), _count_where(Follow.follower_id == User.id))
        .where(User.id == canonical, User.deleted_at.is_(None))
        .options(joinedload(User.roles), joinedload(User.billing_account))).unique().first()
    return None if row is None else (row[0], FollowCounts(followers=row[1], following=row[2]))


def require_user_with_counts(session: Session, user_id: object) -> tuple[User, FollowCounts]:
    found = find_user_with_counts(session, user_id)
    if found is None:
        raise NotFound(USER_NOT_FOUND, {"user_id": str(user_id)})
    return found
