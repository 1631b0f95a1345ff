"""Rate limits kept in the database, so they hold across every replica of the service and the
gateway (docs/rpc-accounts.md: Rate limits).

Each limit is a sliding window: at most ``max_hits`` counted attempts per key within the last
``window_s`` seconds. Refused attempts are not counted, so a client that waits gets back in.
Concurrent attempts checked at the same instant may overshoot by the number in flight — a
limit on abuse, not an exact quota. A limit set to 0 is disabled (e.g. for load benchmarks).

Failed logins are limited twice (docs/accounts.md: Login limits), so that strangers cannot lock a
person out of their own account: per (email, client address) a few failures lock out only that
address, for a lockout that doubles each time it recurs; per email, a higher ceiling over every
address stops a guess spread across many addresses.
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Sequence, cast

from sqlalchemy import CursorResult, delete, func, select

from services.common.clock import as_utc
from services.accounts.models import LoginLockout, RateLimitHit
from services.common.config import env_int
from services.common.sql import insert_ignoring_duplicates
from services.common.db import UnitOfWork
from services.contracts.errors import TooManyRequests


@dataclass(frozen=True)
class Limit:
    bucket: str
    max_hits: int
    window_s: int

    @property
    def enabled(self) -> bool:
        return self.max_hits > 0

    def window_start(self, now: datetime) -> datetime:
        return now - timedelta(seconds=self.window_s)


def window_s() -> int:
    return env_int("RATE_WINDOW_S", 60)


def failed_logins_per_email_and_ip() -> Limit:
    """Failures of one (email, address) pair that start its first lockout."""
    return Limit("login_failures:email_ip", env_int("RATE_LOGIN_FAILURES_PER_EMAIL_AND_IP", 5), window_s())


def failed_logins_per_email() -> Limit:
    """The ceiling over every address: reached, the email is refused to everyone until the window slides."""
    return Limit("login_failures:email", env_int("RATE_LOGIN_FAILURES_PER_EMAIL_TOTAL", 20), window_s())


def lockout_s() -> int:
    return env_int("RATE_LOGIN_LOCKOUT_S", 60)


def lockout_max_s() -> int:
    return env_int("RATE_LOGIN_LOCKOUT_MAX_S", 3600)


#: a pair's lockouts are remembered (and keep doubling) until a day has passed since the last one ended
STRIKES_KEPT = timedelta(days=1)


def email_and_ip_key(email_key: str, client_ip: str) -> str:
    return f"{email_key}\n{client_ip}"


def logins_per_ip() -> Limit:
    return Limit("logins:ip", env_int("RATE_LOGINS_PER_IP", 100), window_s())


def registrations_per_ip() -> Limit:
    return Limit("registrations:ip", env_int("RATE_REGISTRATIONS_PER_IP", 30), window_s())


def seconds_until_allowed(hits: Sequence[datetime], limit: Limit, now: datetime) -> int:
    """0 when one more attempt fits in the window; otherwise the whole seconds (at least 1) until
    enough of the hits in the window have aged out of it."""
    if not limit.enabled:
        return 0
    recent = sorted(hit for hit in hits if hit > limit.window_start(now))
    excess = len(recent) - limit.max_hits
    if excess < 0:
        return 0
    # once this hit leaves the window, max_hits - 1 remain and one more attempt fits
    frees_at = recent[excess] + timedelta(seconds=limit.window_s)
    return max(1, math.ceil((frees_at - now).total_seconds()))


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def check(uow: UnitOfWork, limit: Limit, key: str, now: datetime) -> None:
    """Raise ``TooManyRequests`` (details ``{"retry_after": s}``) if ``key`` used up ``limit``."""
    if not limit.enabled:
        return
    hits = uow.session.scalars(
        select(RateLimitHit.at).where(RateLimitHit.bucket == limit.bucket, RateLimitHit.key_hash == key_hash(key),
                                      RateLimitHit.at > limit.window_start(now))).all()
    wait = seconds_until_allowed([as_utc(hit) for hit in hits], limit, now)
    if wait:
        raise TooManyRequests(f"too many attempts; try again in {wait} s", {"retry_after": wait})


def record(uow: UnitOfWork, limit: Limit, key: str, now: datetime) -> None:
    """Count one attempt, and forget this key's attempts that have left the window."""
    if not limit.enabled:
        return
    digest = key_hash(key)
    uow.session.execute(delete(RateLimitHit).where(
        RateLimitHit.bucket == limit.bucket, RateLimitHit.key_hash == digest,
        RateLimitHit.at <= limit.window_start(now)))
    uow.session.add(RateLimitHit(bucket=limit.bucket, key_hash=digest, at=now))


def clear(uow: UnitOfWork, limit: Limit, key: str) -> None:
    uow.session.execute(delete(RateLimitHit).where(RateLimitHit.bucket == limit.bucket,
                                                   RateLimitHit.key_hash == key_hash(key)))


def prune_expired(uow: UnitOfWork, now: datetime) -> int:
    """Delete every hit older than the window and every lockout no longer remembered (keys never
    seen again leave rows behind)."""
    expired = delete(RateLimitHit).where(RateLimitHit.at <= now - timedelta(seconds=window_s()))
    forgotten = delete(LoginLockout).where(LoginLockout.locked_until <= now - STRIKES_KEPT)
    return sum(cast(CursorResult, uow.session.execute(statement)).rowcount or 0
               for statement in (expired, forgotten))


# -- lockouts of an (email, client address) pair -------------------------------------------------------

def lockout_duration_s(strikes: int) -> int:
    """The lockout after ``strikes`` earlier ones: the first lasts RATE_LOGIN_LOCKOUT_S, each next one
    twice the one before, up to RATE_LOGIN_LOCKOUT_MAX_S."""
    return min(lockout_s() * 2 ** min(strikes, 30), max(lockout_max_s(), lockout_s()))


def check_lockout(uow: UnitOfWork, key: str, now: datetime) -> None:
    """Raise ``TooManyRequests`` (details ``{"retry_after": s}``) while the pair ``key`` is locked out."""
    row = uow.session.get(LoginLockout, key_hash(key))
    if row is None:
        return
    wait = math.ceil((as_utc(row.locked_until) - now).total_seconds())
    if wait > 0:
        raise TooManyRequests(f"too many failed logins from this address; try again in {wait} s",
                              {"retry_after": wait})


def record_login_failure(uow: UnitOfWork, key: str, now: datetime) -> None:
    """Count a failed login of the pair ``key``. Its RATE_LOGIN_FAILURES_PER_EMAIL_AND_IP-th failure
    within the window locks it out; after a lockout, while it is remembered, the next failure at
    once locks it out again for twice as long."""
    limit = failed_logins_per_email_and_ip()
    if not limit.enabled:
        return
    row = _locked_lockout_row(uow, key)
    remembered = row.strikes > 0 and as_utc(row.locked_until) > now - STRIKES_KEPT
    if not remembered:
        failures = _hits_in_window(uow, limit, key, now) + 1
        record(uow, limit, key, now)
        if failures < limit.max_hits:
            return
        row.strikes = 0
    row.locked_until = now + timedelta(seconds=lockout_duration_s(row.strikes))
    row.strikes += 1
    clear(uow, limit, key)


def forget_login_failures(uow: UnitOfWork, key: str) -> None:
    """A correct password from the pair: its failures and lockouts are forgiven."""
    clear(uow, failed_logins_per_email_and_ip(), key)
    uow.session.execute(delete(LoginLockout).where(LoginLockout.key_hash == key_hash(key)))


def _locked_lockout_row(uow: UnitOfWork, key: str) -> LoginLockout:
    """The pair's lockout row, created if new and locked until commit, so concurrent failures of
    one pair count one after the other."""
    digest = key_hash(key)
    insert_ignoring_duplicates(uow.session, LoginLockout, {"key_hash": digest, "strikes": 0,
                                                           "locked_until": datetime(1970, 1, 1, tzinfo=timezone.utc)})
    return uow.session.scalars(select(LoginLockout).where(LoginLockout.key_hash == digest).with_for_update()
                               .execution_options(populate_existing=True)).one()


def _hits_in_window(uow: UnitOfWork, limit: Limit, key: str, now: datetime) -> int:
    return uow.session.scalar(
        select(func.count()).select_from(RateLimitHit)
        .where(RateLimitHit.bucket == limit.bucket, RateLimitHit.key_hash == key_hash(key),
               RateLimitHit.at > limit.window_start(now))) or 0
