"""Deleting one's own account (docs/accounts.md: Deleting an account).

The person proves it is them with their password. Then, in this order: an active Stripe
subscription is cancelled at once (before anything is erased, so a Stripe failure leaves a whole
account to try again with, never a deleted one still being charged); the account's personal data
is erased in one transaction that also emits ``user_deleted`` for every other service.

What stays, anonymised: the ``users`` row as a tombstone (new email and username, no password, no
profile, no avatar, no roles, ``deleted_at`` set) because the billing row (Stripe customer and subscription
ids, needed for refunds and disputes) and the token ledger (amounts, request ids) point at it;
Producer Program applications without their personal fields. What goes: follows in both
directions and every refresh token.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select

from services.accounts import avatars, repository
from services.accounts.billing import billing
from services.accounts.billing.stripe_client import StripeBilling
from services.accounts.commands import AccountDeletion
from services.accounts.models import PENDING, Follow, ProducerApplication, RefreshToken, User
from services.accounts.producer_program import REJECTED
from services.accounts.users import NOT_YOUR_PASSWORD, password_matches
from services.common.clock import utcnow
from services.common.db import UnitOfWork
from services.common.media import MediaStore
from services.contracts.errors import InvalidField
from services.contracts.events import USER_DELETED

TOMBSTONE_DOMAIN = "deleted.invalid"  # RFC 2606: can never be a real address
WITHDRAWN = "the applicant deleted their account"


def delete_account(uow: UnitOfWork, stripe_billing: StripeBilling | None, deletion: AccountDeletion,
                   media: MediaStore | None = None) -> None:
    now = utcnow()
    user = repository.require_actor(uow.session, deletion.actor_id)
    if not password_matches(uow, user.email_normalized, deletion.client_ip, user, deletion.password, now):
        raise InvalidField("the account was not deleted", {"password": [NOT_YOUR_PASSWORD]})
    user = repository.lock_user(uow.session, user.id)  # no plan change or token spend in between
    billing.cancel_subscription_now(uow, stripe_billing, user.id)
    erase(uow, user, now, media or avatars.store())
    uow.emit(USER_DELETED, {"user_id": user.id})


def erase(uow: UnitOfWork, user: User, now: datetime, media: MediaStore) -> None:
    session = uow.session
    tombstone = tombstone_name(user.id)
    user.email = user.email_normalized = f"{tombstone}@{TOMBSTONE_DOMAIN}"
    user.username = user.username_normalized = tombstone
    user.password_hash = "!"  # no argon2 hash: no password ever matches it
    user.name = user.city = user.country = user.description = None
    user.links = []
    avatars.forget(uow, media, user)  # the file goes once this commits
    user.roles.clear()
    user.deleted_at = now
    session.execute(delete(Follow).where(or_(Follow.follower_id == user.id, Follow.followee_id == user.id)))
    session.execute(delete(RefreshToken).where(RefreshToken.user_id == user.id))
    for application in session.scalars(select(ProducerApplication).where(ProducerApplication.user_id == user.id)):
        _anonymise(application, now)
    session.flush()


def _anonymise(application: ProducerApplication, now: datetime) -> None:
    application.producer_name = application.beats_link = application.first_name = None
    application.last_name = application.label = application.instagram = None
    if application.status == PENDING:  # nobody is left to approve
        application.status, application.rejection_reason, application.decided_at = REJECTED, WITHDRAWN, now


def tombstone_name(user_id: str) -> str:
    """``deleted-`` and 22 hex digits of the id: a valid, unique username of at most 30 characters."""
    return f"deleted-{user_id.replace('-', '')[:22]}"
