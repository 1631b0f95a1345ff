"""Accounts: registration, login, the user's own data and public profiles."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.accounts import passwords, ratelimit, repository, tokens, views
from services.common.clock import utcnow
from services.accounts.commands import Credentials, NewAccount, ProfileChanges, Registration
from services.accounts.models import User
from services.accounts.plans import DEFAULT_PLAN
from services.common.db import UnitOfWork
from services.contracts.errors import Conflict, Unauthorized
from services.contracts.errors import InvalidField
from services.common.persistence import parse_id
from services.contracts.events import USER_REGISTERED

#: one message for an unknown email and a wrong password: a login must not reveal who has an account
INVALID_CREDENTIALS = "invalid email or password"


def register(uow: UnitOfWork, registration: Registration) -> views.PrivateUser:
    now = utcnow()
    limit = ratelimit.registrations_per_ip()
    ratelimit.check(uow, limit, registration.client_ip, now)
    ratelimit.record(uow, limit, registration.client_ip, now)
    uow.commit()  # the attempt counts even if the registration is then refused (e.g. email taken)
    user = create_account(uow, registration.account)
    return views.private_user(uow.session, user)


def create_account(uow: UnitOfWork, account: NewAccount, granted_roles: Iterable[str] = ()) -> User:
    """A new listener on the default plan (plus ``granted_roles``); emits ``user_registered``.

    Raises ``Conflict`` (details ``{"field": "email"|"username"}``) when either is taken, whatever its case.
    """
    session = uow.session
    _refuse_taken(uow, account)
    user = User(email=account.email, email_normalized=repository.normalize_email(account.email),
                username=account.username, username_normalized=repository.normalize_username(account.username),
                password_hash=passwords.hash_password(account.password), plan=DEFAULT_PLAN.code,
                tokens=DEFAULT_PLAN.monthly_tokens, links=[])
    session.add(user)
    try:
        session.flush()
    except IntegrityError:
        # a concurrent registration won the unique index between our check and this insert
        session.rollback()
        _refuse_taken(uow, account)
        raise
    for role in granted_roles:
        repository.grant_role(session, user, role)
    uow.emit(USER_REGISTERED, {"user_id": user.id, "username": user.username})
    return user


def _refuse_taken(uow: UnitOfWork, account: NewAccount) -> None:
    if repository.find_by_email(uow.session, account.email) is not None:
        raise Conflict("an account with this email already exists", {"field": "email"})
    if repository.username_taken(uow.session, account.username):
        raise Conflict("this username is taken", {"field": "username"})


def authenticate(uow: UnitOfWork, credentials: Credentials) -> views.PrivateUser:
    """The account whose email and password these are. Failures are counted per email (known or
    not, so the limit reveals nothing either) and attempts per client address."""
    now = utcnow()
    email_key = repository.normalize_email(credentials.email)
    per_ip, failures = ratelimit.logins_per_ip(), ratelimit.failed_logins_per_email()
    ratelimit.check(uow, per_ip, credentials.client_ip, now)
    ratelimit.check(uow, failures, email_key, now)
    ratelimit.record(uow, per_ip, credentials.client_ip, now)
    user = repository.find_by_email(uow.session, email_key)
    # verify first, also for an unknown email, so both failures cost the same time
    if not passwords.verify_password(user.password_hash if user else None, credentials.password) or user is None:
        ratelimit.record(uow, failures, email_key, now)
        uow.commit()  # the failure must stay counted although this call fails
        raise Unauthorized(INVALID_CREDENTIALS)
    ratelimit.clear(uow, failures, email_key)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(credentials.password)
    return views.private_user(uow.session, user)


def get_user(uow: UnitOfWork, actor_id: str) -> views.PrivateUser:
    user, counts = repository.require_user_with_counts(uow.session, actor_id)
    tokens.refresh(user, utcnow())  # /me shows this month's balance, reset lazily (tokens.py)
    return views.private_user(uow.session, user, counts)


def get_public_profile(uow: UnitOfWork, user_id: str) -> views.PublicUser:
    return views.public_user(uow.session, *repository.require_user_with_counts(uow.session, user_id))


def update_profile(uow: UnitOfWork, actor_id: str, changes: ProfileChanges) -> views.PrivateUser:
    user = tokens.refresh(repository.require_user(uow.session, actor_id), utcnow())
    for field, value in changes.values.items():
        setattr(user, field, value)
    uow.session.flush()
    return views.private_user(uow.session, user)


#: one list page's people at most (pages hold up to 100 items, each naming one or two people)
USERNAMES_MAX = 200


def usernames(uow: UnitOfWork, user_ids: list[str]) -> dict[str, str | None]:
    """The username of each asked id, in one query: null for an id with no account (a deleted one, or
    not an id at all), so a list can show "deleted user" without a second look-up."""
    if not isinstance(user_ids, list) or len(user_ids) > USERNAMES_MAX:
        raise InvalidField(f"user_ids must be a list of at most {USERNAMES_MAX} ids",
                           {"user_ids": [f"a list of at most {USERNAMES_MAX} ids"]})
    wanted = {str(user_id): parse_id(user_id) for user_id in user_ids}
    found = dict(uow.session.execute(select(User.id, User.username).where(
        User.id.in_({canonical for canonical in wanted.values() if canonical}))).all())
    return {asked: found.get(canonical) if canonical else None for asked, canonical in wanted.items()}
