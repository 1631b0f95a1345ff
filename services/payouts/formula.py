"""The pool split's arithmetic (docs/business-rules.md "Earnings"), pure functions without I/O.

A track's value is ``age_factor(months) * popularity_factor(plays)``; the caller divides it by the track's
producer count and adds the parts up per credited artist page (in SQL). ``split_pool`` turns those values into
cents that add up to the pool exactly, by the largest-remainder method. ``user_centric`` is the statement's
comparison model: each subscriber's fee split by what that subscriber played.
"""
from __future__ import annotations

import calendar
import math
from datetime import datetime, timezone
from typing import Hashable, Mapping, TypeVar

K = TypeVar("K", bound=Hashable)
S = TypeVar("S", bound=Hashable)

HALF_LIFE_MONTHS = 6


def age_factor(months: float) -> float:
    """exp(-ln 2 / 6 · months): 1 at upload, 1/2 after six months, 1/4 after a year."""
    if not math.isfinite(months) or months < 0:
        raise ValueError(f"months must be a finite number >= 0, got {months!r}")
    return math.exp(-math.log(2) / HALF_LIFE_MONTHS * months)


def popularity_factor(plays: int) -> float:
    """1 + 2L/(L+1), L = log10(1 + plays): 1 at no plays, 2 at 9, about 2.33 at 99, approaching 3."""
    if plays < 0:
        raise ValueError(f"plays must be >= 0, got {plays!r}")
    level = math.log10(1 + plays)
    return 1 + 2 * level / (level + 1)


def track_value(months: float, plays: int) -> float:
    """A track's value before dividing by its producer count."""
    return age_factor(months) * popularity_factor(plays)


DAYS_IN_MONTH = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in(year: int, month: int) -> int:
    return 29 if month == 2 and calendar.isleap(year) else DAYS_IN_MONTH[month - 1]


def _add_months(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` later, the day clamped to the target month's last day (Jan 31 → Feb 28)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 + months, 12)
    return moment.replace(year=year, month=month + 1, day=min(moment.day, _days_in(year, month + 1)))


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.tzinfo is timezone.utc:  # the database's datetimes: nothing to convert
        return moment
    return moment.astimezone(timezone.utc)


def months_between(start: datetime, end: datetime) -> float:
    """Calendar months from ``start`` to ``end``: whole months, plus the elapsed fraction of the next one.

    Convention: the k-th anniversary of ``start`` is the same day and time k months later, its day clamped to
    the month's last day (uploaded Jan 31 → Feb 28 or 29, then Mar 31). The whole part counts the anniversaries
    reached by ``end``; the fraction is the time since the last one divided by the length of the interval to the
    next (so one day counts more in February than in March). Continuous and increasing in ``end``; negative
    (by symmetry) when ``end`` is before ``start``. Aware datetimes are compared in UTC; both must be aware,
    or both naive.
    """
    start, end = _utc(start), _utc(end)
    if end < start:
        return -months_between(end, start)
    # the anniversary in end's month is either reached, or the one a month earlier is (a whole month before)
    whole = (end.year - start.year) * 12 + end.month - start.month
    anniversary = _add_months(start, whole)
    if anniversary > end:
        whole, following, anniversary = whole - 1, anniversary, _add_months(start, whole - 1)
    else:
        following = _add_months(start, whole + 1)
    return whole + (end - anniversary) / (following - anniversary)


def _as_integers(weights: Mapping[K, float]) -> dict[K, int]:
    """Each float weight as an exact integer over one common power-of-two denominator (floats are dyadic)."""
    ratios = {}
    for key, weight in weights.items():
        if not math.isfinite(weight) or weight < 0:
            raise ValueError(f"weights must be finite numbers >= 0, got {weight!r} for {key!r}")
        ratios[key] = float(weight).as_integer_ratio()
    common = max((den for _, den in ratios.values()), default=1)
    return {key: num * (common // den) for key, (num, den) in ratios.items()}


def largest_remainder(total_cents: int, weights: Mapping[K, float]) -> dict[K, int]:
    """``total_cents`` split pro rata to ``weights``, in whole cents adding up to ``total_cents`` exactly.

    Each key gets the floor of its exact quota; the cents left go one each to the largest remainders, ties
    broken by key (ascending, so keys must be orderable). Computed in exact integers, so the result does not
    depend on the dict's order. A zero weight gets 0. All weights zero (or none) → ValueError: nobody to pay.
    """
    if isinstance(total_cents, bool) or not isinstance(total_cents, int) or total_cents < 0:
        raise ValueError(f"total_cents must be an integer >= 0, got {total_cents!r}")
    exact = _as_integers(weights)
    denominator = sum(exact.values())
    if denominator == 0:
        raise ValueError("all weights are zero: there is nobody to split the amount between")
    shares, remainders = {}, {}
    for key, weight in exact.items():
        shares[key], remainders[key] = divmod(total_cents * weight, denominator)
    left = total_cents - sum(shares.values())
    for key in sorted(exact, key=lambda k: (-remainders[k], k))[:left]:
        shares[key] += 1
    return shares


def split_pool(pool_cents: int, values: Mapping[K, float], excluded: set[K] | frozenset[K]) -> dict[K, int]:
    """Each artist page's cents of the pool: excluded pages get 0 and the others share the whole pool pro rata
    to their values (so the excluded shares are redistributed), by largest remainder.

    When no page outside ``excluded`` has a value above zero there is nobody to pay: every page gets 0 and the
    caller keeps the pool (a run reports it undistributed rather than failing).
    """
    eligible = {key: value for key, value in values.items() if key not in excluded}
    shares = dict.fromkeys(values, 0)
    if pool_cents and any(value > 0 for value in eligible.values()):
        shares.update(largest_remainder(pool_cents, eligible))
    elif pool_cents < 0:
        raise ValueError(f"pool_cents must be >= 0, got {pool_cents!r}")
    return shares


def user_centric(fees: Mapping[S, int], plays: Mapping[S, Mapping[K, int]]) -> dict[K, float]:
    """The user-centric model: each subscriber's fee split between artists by that subscriber's plays.

    A subscriber who paid but played nothing pays nobody (their fee is in no artist's amount), and plays of
    someone who paid nothing in the period bring nothing. Amounts are exact fractions of cents, as floats; the
    statement shows them beside the pool shares, nothing is paid from them.
    """
    amounts: dict[K, list[float]] = {}
    for subscriber, played in plays.items():
        fee = fees.get(subscriber, 0)
        total = sum(count for count in played.values() if count > 0)
        if not fee or not total:
            continue
        for artist, count in played.items():
            if count > 0:
                amounts.setdefault(artist, []).append(fee * count / total)
    return {artist: math.fsum(parts) for artist, parts in amounts.items()}

