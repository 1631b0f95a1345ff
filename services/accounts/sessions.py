"""Sessions: the refresh tokens a login hands out (docs/accounts.md: Sessions).

A refresh token is 32 random bytes, shown to the client once; only its SHA-256 is stored. A login
starts a family (its id is the session id the gateway puts in access tokens as ``sid``); each
refresh uses the token up and issues the next one of the family. A used token presented again
means two parties hold the session — the client and whoever copied it — so the whole family is
revoked and both must log in again. Except within ``REFRESH_REUSE_GRACE_S`` (10 s) of its first use:
that is the same browser asking twice at once (two tabs opening together, a reload while the first
answer was on its way, whose new cookie the browser then dropped), and it gets another token of the
same session.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import TypedDict

from sqlalchemy import select, update

from services.accounts import repository
from services.accounts.models import RefreshToken
from services.common.clock import as_utc
from services.common.config import env_int
from services.common.db import UnitOfWork
from services.common.persistence import new_id
from services.contracts.errors import Unauthorized

LOG_IN_AGAIN = "log in again (POST /api/v1/auth/login)"
UNKNOWN = f"this refresh token is not valid: {LOG_IN_AGAIN}"
REUSED = f"this refresh token was already used, so the session may have been copied and has been ended: {LOG_IN_AGAIN}"
EXPIRED = f"this refresh token has expired: {LOG_IN_AGAIN}"


class Issued(TypedDict):
    user_id: str
    session_id: str
    refresh_token: str
    refresh_expires_in: int


def ttl_s() -> int:
    return env_int("REFRESH_TOKEN_TTL_S", 30 * 24 * 3600)


def reuse_grace_s() -> int:
    return env_int("REFRESH_REUSE_GRACE_S", 10)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(uow: UnitOfWork, user_id: str, now: datetime) -> Issued:
    """A new session (token family) for a user who just proved who they are."""
    return _issue(uow, user_id, new_id(), now)


def _issue(uow: UnitOfWork, user_id: str, family_id: str, now: datetime) -> Issued:
    token, ttl = secrets.token_urlsafe(32), ttl_s()
    uow.session.add(RefreshToken(user_id=user_id, family_id=family_id, token_hash=token_hash(token),
                                 created_at=now, expires_at=now + timedelta(seconds=ttl)))
    return Issued(user_id=user_id, session_id=family_id, refresh_token=token, refresh_expires_in=ttl)


def rotate(uow: UnitOfWork, token: str, now: datetime) -> Issued:
    """The next token of ``token``'s session, which stops working. ``Unauthorized`` when it is
    unknown, revoked, expired or its account is gone — and when it was already used, which also
    revokes the whole session (committed before raising)."""
    row = _locked(uow, token)
    if row is None or row.revoked_at is not None:
        raise Unauthorized(UNKNOWN)
    if row.used_at is not None and now - as_utc(row.used_at) > timedelta(seconds=reuse_grace_s()):
        revoke_family(uow, row.family_id, now)
        uow.commit()
        raise Unauthorized(REUSED)
    if as_utc(row.expires_at) <= now:
        raise Unauthorized(EXPIRED)
    if repository.find_user(uow.session, row.user_id) is None:
        raise Unauthorized(repository.ACCOUNT_GONE)
    if row.used_at is None:
        row.used_at = now  # a second use within the grace keeps the first one's time: the grace never grows
    return _issue(uow, row.user_id, row.family_id, now)


def end(uow: UnitOfWork, token: str, now: datetime) -> None:
    """Log out: the session of ``token`` is revoked. An unknown or already ended token changes
    nothing (logging out twice is not an error, and the answer reveals nothing about tokens)."""
    row = _locked(uow, token)
    if row is not None:
        revoke_family(uow, row.family_id, now)


def revoke_family(uow: UnitOfWork, family_id: str, now: datetime) -> None:
    uow.session.execute(update(RefreshToken).where(RefreshToken.family_id == family_id,
                                                   RefreshToken.revoked_at.is_(None)).values(revoked_at=now))


def revoke_all(uow: UnitOfWork, user_id: str, now: datetime, keep_session: str | None = None) -> None:
    """Every session of the user ends, except ``keep_session`` (the one changing the password)."""
    statement = update(RefreshToken).where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
    if keep_session is not None:
        statement = statement.where(RefreshToken.family_id != keep_session)
    uow.session.execute(statement.values(revoked_at=now))


def _locked(uow: UnitOfWork, token: str) -> RefreshToken | None:
    """The token's row, locked until commit: of two refreshes with one token, the second sees it used."""
    return uow.session.scalars(select(RefreshToken).where(RefreshToken.token_hash == token_hash(token))
                               .with_for_update().execution_options(populate_existing=True)).first()
