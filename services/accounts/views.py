"""The shapes RPC methods return (docs/rpc-accounts.md: Shapes). Never a password hash."""
from __future__ import annotations

from typing import TypedDict

from sqlalchemy.orm import Session

from services.accounts import roles
from services.accounts.billing import billing
from services.accounts.models import ProducerApplication, User
from services.accounts.repository import FollowCounts, follow_counts
from services.common.clock import iso, iso_or_none


class Profile(TypedDict):
    name: str | None
    city: str | None
    country: str | None
    description: str | None
    links: list[str]


class PublicUser(TypedDict):
    id: str
    username: str
    roles: list[str]
    profile: Profile
    #: the avatar's id (it changes with every new image), null without one; the gateway makes it a URL
    avatar: str | None
    followers_count: int
    following_count: int
    created_at: str


class ViewedUser(PublicUser, total=False):
    #: whether the caller follows the user (``{"following": bool}``); None for an anonymous caller
    viewer: dict | None


class PrivateUser(PublicUser):
    email: str
    plan: str
    tokens: int
    # billing (services/accounts/billing/billing.py: account_fields)
    subscription_status: str | None
    pending_plan: str | None
    cancel_at_period_end: bool
    current_period_end: str | None
    can_download: bool


class PublicUserSummary(TypedDict):
    id: str
    username: str
    name: str | None


class Application(TypedDict):
    id: str
    user_id: str
    username: str | None
    type: str
    status: str
    producer_name: str | None
    beats_link: str | None
    first_name: str | None
    last_name: str | None
    label: str | None
    instagram: str | None
    artist_id: str | None
    rejection_reason: str | None
    created_at: str
    decided_at: str | None


def profile(user: User) -> Profile:
    return {"name": user.name, "city": user.city, "country": user.country, "description": user.description,
            "links": list(user.links or [])}


def public_user(session: Session, user: User, counts: FollowCounts | None = None) -> PublicUser:
    counts = counts or follow_counts(session, user.id)
    return PublicUser(id=user.id, username=user.username, roles=roles.public_roles(user.role_names()),
                      profile=profile(user), avatar=user.avatar_id, followers_count=counts.followers,
                      following_count=counts.following, created_at=iso(user.created_at))


def private_user(session: Session, user: User, counts: FollowCounts | None = None) -> PrivateUser:
    counts = counts or follow_counts(session, user.id)
    return PrivateUser(id=user.id, email=user.email, username=user.username,
                       roles=roles.private_roles(user.role_names()), plan=user.plan, tokens=user.tokens,
                       profile=profile(user), avatar=user.avatar_id, followers_count=counts.followers,
                       following_count=counts.following, created_at=iso(user.created_at),
                       **billing.account_fields(user))


def user_summary(user: User) -> PublicUserSummary:
    return {"id": user.id, "username": user.username, "name": user.name}


def application(row: ProducerApplication) -> Application:
    applicant = row.applicant
    return {"id": row.id, "user_id": row.user_id, "username": None if applicant.deleted_at else applicant.username,
            "type": row.type, "status": row.status,
            "producer_name": row.producer_name, "beats_link": row.beats_link, "first_name": row.first_name,
            "last_name": row.last_name, "label": row.label, "instagram": row.instagram, "artist_id": row.artist_id,
            "rejection_reason": row.rejection_reason, "created_at": iso(row.created_at),
            "decided_at": iso_or_none(row.decided_at)}
