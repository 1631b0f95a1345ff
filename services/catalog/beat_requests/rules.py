"""Pure beat-request rules (no I/O). docs/business-rules.md "Beat requests" is the source of every number here;
where it is silent the choice is ours and written in the README ("Beat requests and notifications")."""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable, TypedDict

from services.catalog.tracks import rules
from services.common.clock import as_utc
from services.contracts.vocabularies import (BEAT_REQUEST_BUDGET_MAX_CENTS, BEAT_REQUEST_CURRENCIES,
                                             BEAT_REQUEST_GENRE_MAX, BEAT_REQUEST_LIFETIME_COSTS,
                                             BEAT_REQUEST_MESSAGE_MAX, BEAT_REQUEST_MOOD_MAX)

#: lifetime in hours → tokens it costs
LIFETIME_COSTS = BEAT_REQUEST_LIFETIME_COSTS
RENEWAL_COST = 1
#: a renewal gives a fresh 24 h from the moment of renewal (our choice: the cheapest lifetime, for 1 token)
RENEWAL_LIFETIME = timedelta(hours=24)
#: an expired request can be renewed until this long after it expired
RENEWAL_WINDOW = timedelta(days=30)
BPM_MIN, BPM_MAX = rules.BPM_MIN, rules.BPM_MAX
GENRE_MAX, MOOD_MAX, MESSAGE_MAX = BEAT_REQUEST_GENRE_MAX, BEAT_REQUEST_MOOD_MAX, BEAT_REQUEST_MESSAGE_MAX
#: budgets are CAD, the platform's currency, so ``budget_min`` compares like with like
CURRENCIES = BEAT_REQUEST_CURRENCIES
DEFAULT_CURRENCY = "CAD"
#: 1,000,000.00 CAD: a bound well inside a 32-bit integer column
BUDGET_MAX_CENTS = BEAT_REQUEST_BUDGET_MAX_CENTS

OPEN = "open"
EXPIRED = "expired"
DELETED = "deleted"

CREATE_PURPOSE = "create"
DELETE_PURPOSE = "delete"


class Cost(TypedDict):
    lifetime_hours: int
    cost_tokens: int


class PriceList(TypedDict):
    costs: list[Cost]
    renewal: Cost


def price_list() -> PriceList:
    """What a request costs by lifetime, shortest first, and what a renewal costs and gives (the API's
    ``GET /beat-requests/costs``, so that clients never copy these numbers)."""
    costs = [Cost(lifetime_hours=hours, cost_tokens=cost) for hours, cost in sorted(LIFETIME_COSTS.items())]
    return PriceList(costs=costs,
                     renewal=Cost(lifetime_hours=int(RENEWAL_LIFETIME.total_seconds() // 3600),
                                  cost_tokens=RENEWAL_COST))


def cost_of(lifetime_hours: int) -> int:
    """Tokens a new request with this lifetime costs; ValueError for a lifetime we do not sell."""
    try:
        return LIFETIME_COSTS[lifetime_hours]
    except KeyError:
        raise ValueError(f"lifetime must be one of {', '.join(map(str, LIFETIME_COSTS))} hours") from None


def expiry(start: datetime, lifetime_hours: int) -> datetime:
    return as_utc(start) + timedelta(hours=lifetime_hours)


def status(expires_at: datetime, deleted_at: datetime | None, now: datetime) -> str:
    if deleted_at is not None:
        return DELETED
    return OPEN if as_utc(now) < as_utc(expires_at) else EXPIRED


def renewable(expires_at: datetime, now: datetime) -> bool:
    """Expired, and no more than ``RENEWAL_WINDOW`` ago (the 30th day after expiry still counts)."""
    now, expires_at = as_utc(now), as_utc(expires_at)
    return expires_at <= now <= expires_at + RENEWAL_WINDOW


def renewal_purpose(renewals_so_far: int) -> str:
    """The token ledger key of the next renewal: ``renew:1``, ``renew:2`` …"""
    return f"renew:{renewals_so_far + 1}"


def genre_key(genre: str) -> str:
    return rules.normalize_genre(genre)


def matches_genre(request_genre_key: str, producer_genres: Iterable[str]) -> bool:
    """Whether a producer's artist-page genres include the request's genre (case and accents ignored)."""
    return request_genre_key in {rules.normalize_genre(genre) for genre in producer_genres}
