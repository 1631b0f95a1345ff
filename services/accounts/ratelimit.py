"""Rate limits kept in the database, so they hold across every replica of the service and the
gateway (docs/rpc-accounts.md: Rate limits).

Each limit is a sliding window: at most ``max_hits`` counted attempts per key within the last
``window_s`` seconds. Refused attempts are not counted, so a client that waits gets back in.
Concurrent attempts checked at the same instant may overshoot by the number in flight — a
limit on abuse, not an exact quota. A limit set to 0 is disabled (e.g. for load benchmarks).
"""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence, cast

from sqlalchemy import CursorResult, delete, select

from services.common.clock import as_utc
from services.accounts.models import RateLimitHit
from services.common.config import env_int
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


def failed_logins_per_email() -> Limit:
    return Limit("login_failures:email", env_int("RATE_LOGIN_FAILURES_PER_EMAIL", 5), window_s())


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
    """Delete every hit older than the window (keys never seen again leave rows behind)."""
    expired = delete(RateLimitHit).where(RateLimitHit.at <= now - timedelta(seconds=window_s()))
    return cast(CursorResult, uow.session.execute(expired)).rowcount or 0
