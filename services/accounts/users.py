"""Accounts: registration, login, the user's own data and public profiles."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable, TypedDict

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from services.accounts import follows, passwords, ratelimit, repository, roles, sessions, tokens, views
from services.common.clock import utcnow
from services.accounts.commands import Credentials, NewAccount, PasswordChange, ProfileChanges, Registration
from services.accounts.models import User
from services.accounts.plans import DEFAULT_PLAN
from services.common.db import UnitOfWork
from services.common.validation import invalid
from services.contracts.errors import Conflict, Forbidden, InvalidField, Unauthorized
from services.common.persistence import parse_id
from services.contracts.events import USER_REGISTERED

#: one message for an unknown email and a wrong password: a login must not reveal who has an account
INVALID_CREDENTIALS = "invalid email or password"
NOT_YOUR_PASSWORD = "is not your current password"


class Login(TypedDict):
    user: views.PrivateUser
    session_id: str
    refresh_token: str
    refresh_expires_in: int


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
    """The account whose email and password these are, under the login limits (ratelimit.py):
    attempts per client address, failures per (email, address) and per email — known or not, so
    the limits reveal nothing either."""
    now = utcnow()
    email_key = repository.normalize_email(credentials.email)
    per_ip = ratelimit.logins_per_ip()
    ratelimit.check(uow, per_ip, credentials.client_ip, now)
    ratelimit.record(uow, per_ip, credentials.client_ip, now)
    user = repository.find_by_email(uow.session, email_key)
    if not password_matches(uow, email_key, credentials.client_ip, user, credentials.password, now) or user is None:
        raise Unauthorized(INVALID_CREDENTIALS)
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(credentials.password)
    return views.private_user(uow.session, user)


def password_matches(uow: UnitOfWork, email_key: str, client_ip: str, user: User | None, password: str,
                     now: datetime) -> bool:
    """Whether ``password`` is ``user``'s, checked under the failed-login limits of ``email_key``
    from ``client_ip`` (``TooManyRequests`` while they refuse). A failure is counted and committed
    at once, so it stays counted although the caller then fails."""
    pair = ratelimit.email_and_ip_key(email_key, client_ip)
    ceiling = ratelimit.failed_logins_per_email()
    ratelimit.check_lockout(uow, pair, now)
    ratelimit.check(uow, ceiling, email_key, now)
    # verified also for an unknown email (against a dummy hash), so both failures cost the same time
    if passwords.verify_password(user.password_hash if user else None, password) and user is not None:
        ratelimit.forget_login_failures(uow, pair)
        return True
    ratelimit.record(uow, ceiling, email_key, now)
    ratelimit.record_login_failure(uow, pair, now)
    uow.commit()
    return False


def login(uow: UnitOfWork, credentials: Credentials) -> Login:
    """``authenticate``, then a new session: its refresh token and id (sessions.py)."""
    user = authenticate(uow, credentials)
    issued = sessions.start(uow, user["id"], utcnow())
    return Login(user=user, session_id=issued["session_id"], refresh_token=issued["refresh_token"],
                 refresh_expires_in=issued["refresh_expires_in"])


def change_password(uow: UnitOfWork, change: PasswordChange) -> None:
    """Set a new password once the current one is proven; every other session ends (their refresh
    tokens are revoked; access tokens already issued live out their short lifetime). A wrong
    current password counts as a failed login from the caller's address."""
    now = utcnow()
    user = repository.require_actor(uow.session, change.actor_id)
    reasons: dict[str, list[str]] = {}
    policy = passwords.policy_violations(change.new_password, user.email)  # as at registration
    if policy:
        reasons["new_password"] = policy
    if not password_matches(uow, user.email_normalized, change.client_ip, user, change.old_password, now):
        reasons["old_password"] = [NOT_YOUR_PASSWORD]
    elif change.new_password == change.old_password:
        reasons.setdefault("new_password", []).append("must differ from your current password")
    if reasons:
        raise InvalidField("the password was not changed", reasons)
    user.password_hash = passwords.hash_password(change.new_password)
    sessions.revoke_all(uow, user.id, now, keep_session=change.session_id)


def verify_actor(uow: UnitOfWork, actor_id: str, role: str | None = None) -> None:
    """Nothing when ``actor_id`` is an existing account (holding ``role``, when one is named);
    ``Unauthorized`` when it is gone, ``Forbidden`` without the role. The gateway asks this before
    reading an upload's body, so only producers can make the platform store a file."""
    if role is None:
        if not repository.actor_exists(uow.session, actor_id):
            raise Unauthorized(repository.ACCOUNT_GONE)
        return
    if role not in roles.GRANTABLE:
        raise invalid("role", f"Must be one of: {', '.join(roles.GRANTABLE)}.")
    user = repository.require_actor(uow.session, actor_id)
    if role not in user.role_names():
        raise Forbidden(f"only {role}s can do this")


def get_user(uow: UnitOfWork, actor_id: str) -> views.PrivateUser:
    found = repository.find_user_with_counts(uow.session, actor_id)
    if found is None:  # the caller's own account: a token naming a deleted one is refused, not "not found"
        raise Unauthorized(repository.ACCOUNT_GONE)
    user, counts = found
    tokens.refresh(user, utcnow())  # /me shows this month's balance, reset lazily (tokens.py)
    return views.private_user(uow.session, user, counts)


def get_public_profile(uow: UnitOfWork, user_id: str, actor_id: str | None = None) -> views.ViewedUser:
    """The public profile with ``viewer``: whether ``actor_id`` follows the user (None for an anonymous caller)."""
    profile = views.public_user(uow.session, *repository.require_user_with_counts(uow.session, user_id))
    return views.ViewedUser(**profile, viewer=follows.viewer(uow, actor_id, profile["id"]))


def update_profile(uow: UnitOfWork, actor_id: str, changes: ProfileChanges) -> views.PrivateUser:
    user = tokens.refresh(repository.require_actor(uow.session, actor_id), utcnow())
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
        User.id.in_({canonical for canonical in wanted.values() if canonical}),
        User.deleted_at.is_(None))).all())  # a deleted account's tombstone row names nobody
    return {asked: found.get(canonical) if canonical else None for asked, canonical in wanted.items()}
