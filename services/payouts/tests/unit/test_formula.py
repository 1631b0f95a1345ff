"""The pool split's arithmetic (docs/business-rules.md "Earnings"): the formula's values, calendar months, the
largest-remainder rounding, and properties over random catalogs (hypothesis): every split adds up to the pool
to the cent, nobody gets a negative amount, excluded pages get nothing, and nobody is more than a cent plus the
redistribution away from their exact pro-rata share."""
from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.payouts.formula import (age_factor, largest_remainder, months_between, popularity_factor,
                                      split_pool, track_value, user_centric)

# no example database written into the work tree; no deadline on a shared, loaded machine
PROPERTY = settings(max_examples=200, deadline=None, database=None)
CATALOG_PROPERTY = settings(PROPERTY, max_examples=100)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


# --- the formula -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("plays, factor", [(0, 1.0), (9, 2.0), (99, 7 / 3), (999, 2.5)])
def test_popularity_factor_matches_the_rules(plays, factor):
    assert popularity_factor(plays) == pytest.approx(factor, rel=1e-12)


def test_popularity_is_about_two_point_three_three_at_99_plays():
    assert round(popularity_factor(99), 2) == 2.33


def test_popularity_grows_with_plays_and_approaches_three_without_reaching_it():
    factors = [popularity_factor(10 ** n - 1) for n in range(0, 16)]
    assert factors == sorted(factors) and len(set(factors)) == len(factors)
    assert 2.84 < popularity_factor(10 ** 12) < popularity_factor(10 ** 60) < 3


def test_age_factor_halves_every_six_months():
    assert age_factor(0) == 1.0
    assert age_factor(6) == pytest.approx(0.5, rel=1e-12)
    assert age_factor(12) == pytest.approx(0.25, rel=1e-12)
    assert age_factor(3) == pytest.approx(math.sqrt(0.5), rel=1e-12)


def test_track_value_is_age_times_popularity():
    assert track_value(0, 0) == 1.0
    assert track_value(6, 9) == pytest.approx(1.0, rel=1e-12)
    assert track_value(6, 0) == pytest.approx(track_value(0, 0) / 2, rel=1e-12)


@pytest.mark.parametrize("call", [lambda: age_factor(-0.1), lambda: age_factor(math.nan),
                                  lambda: popularity_factor(-1)])
def test_impossible_inputs_are_refused(call):
    with pytest.raises(ValueError):
        call()


# --- calendar months ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("start, end, months", [
    (utc(2026, 1, 1), utc(2026, 1, 1), 0.0),
    (utc(2026, 1, 1), utc(2026, 7, 1), 6.0),
    (utc(2026, 1, 15, 12), utc(2027, 1, 15, 12), 12.0),
    (utc(2026, 3, 1), utc(2026, 3, 16, 12), 0.5),                # half of March's 31 days
    (utc(2026, 2, 1), utc(2026, 2, 15), 0.5),                    # half of a 28-day February
    (utc(2028, 2, 1), utc(2028, 2, 15, 12), 0.5),                # half of a leap February
    (utc(2026, 1, 31), utc(2026, 2, 28), 1.0),                   # month end clamps to February's last day
    (utc(2028, 1, 31), utc(2028, 2, 29), 1.0),                   # ... in a leap year too
    (utc(2026, 1, 31), utc(2026, 3, 31), 2.0),                   # and comes back to the 31st afterwards
    (utc(2028, 2, 29), utc(2029, 2, 28), 12.0),                  # a leap day's anniversary in a common year
    (utc(2026, 1, 31), utc(2026, 3, 28), 1 + 28 / 31),           # Feb 28 → Mar 31 is the second month
    (utc(2025, 12, 31, 23), utc(2026, 1, 1), 1 / (31 * 24)),     # across a year end
])
def test_months_between_counts_calendar_months(start, end, months):
    assert months_between(start, end) == pytest.approx(months, rel=1e-12, abs=1e-12)


def test_months_between_compares_aware_datetimes_in_utc():
    toronto = timezone(timedelta(hours=-5))
    assert months_between(datetime(2026, 1, 31, 19, tzinfo=toronto), utc(2026, 3, 1)) == pytest.approx(1.0)


def test_months_between_is_negative_when_the_end_comes_first():
    assert months_between(utc(2026, 7, 1), utc(2026, 1, 1)) == -6.0


@PROPERTY
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
       st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4000)),
       st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=40)))
def test_months_between_is_continuous_and_increasing(start, elapsed, more):
    earlier, later = months_between(start, start + elapsed), months_between(start, start + elapsed + more)
    assert earlier >= 0 and later >= earlier - 1e-9
    assert later - earlier <= more / timedelta(days=28) + 1e-9      # no month is shorter than 28 days
    # calendar months drift from the average month (30.44 days) by a few days at most (February)
    assert earlier == pytest.approx(elapsed / timedelta(days=365.2425 / 12), abs=0.12)


# --- largest remainder -------------------------------------------------------------------------------------------

def test_largest_remainder_gives_the_left_cents_to_the_largest_remainders():
    assert largest_remainder(100, {"a": 0.505, "b": 0.295, "c": 0.2}) == {"a": 51, "b": 29, "c": 20}


def test_ties_go_to_the_smallest_key_whatever_the_order():
    assert largest_remainder(100, {"c": 1, "a": 1, "b": 1}) == {"a": 34, "b": 33, "c": 33}
    assert largest_remainder(2, {"z": 1, "y": 1, "x": 1}) == {"x": 1, "y": 1, "z": 0}


def test_the_result_does_not_depend_on_the_order_of_the_weights():
    weights = {f"artist-{i:03}": (i % 7) / 3 + 0.1 for i in range(200)}
    forward = largest_remainder(123_457, weights)
    backward = largest_remainder(123_457, dict(reversed(list(weights.items()))))
    assert forward == backward and sum(forward.values()) == 123_457


def test_zero_weights_get_nothing_even_when_cents_are_left():
    assert largest_remainder(1, {"a": 0.0, "b": 1.0, "c": 1.0}) == {"a": 0, "b": 1, "c": 0}


def test_weights_of_very_different_sizes_are_exact():
    assert largest_remainder(10, {"tiny": 1e-300, "huge": 1e300}) == {"tiny": 0, "huge": 10}


@pytest.mark.parametrize("weights", [{}, {"a": 0.0, "b": 0}])
def test_all_zero_weights_are_refused(weights):
    with pytest.raises(ValueError, match="nobody"):
        largest_remainder(100, weights)


@pytest.mark.parametrize("total, weights", [(-1, {"a": 1.0}), (1.5, {"a": 1.0}), (10, {"a": -1.0}),
                                            (10, {"a": math.inf}), (10, {"a": math.nan})])
def test_bad_totals_and_weights_are_refused(total, weights):
    with pytest.raises(ValueError):
        largest_remainder(total, weights)


# --- the pool split ----------------------------------------------------------------------------------------------

def test_excluded_shares_are_redistributed_pro_rata():
    shares = split_pool(10_000, {"a": 1.0, "b": 1.0, "c": 2.0}, excluded={"b"})
    assert shares == {"a": 3_333, "b": 0, "c": 6_667}


def test_nobody_to_pay_leaves_everyone_at_zero():
    assert split_pool(10_000, {"a": 1.0, "b": 2.0}, excluded={"a", "b"}) == {"a": 0, "b": 0}
    assert split_pool(10_000, {"a": 0.0}, excluded=set()) == {"a": 0}
    assert split_pool(0, {"a": 1.0}, excluded=set()) == {"a": 0}


def test_a_negative_pool_is_refused():
    with pytest.raises(ValueError):
        split_pool(-1, {"a": 1.0}, excluded=set())


ARTISTS = [f"artist-{i:02}" for i in range(30)]


@st.composite
def catalogs(draw):
    """Tracks with random ages, plays and 1–4 collaborators, summed into per-artist values as the run does."""
    values: dict[str, float] = {}
    for _ in range(draw(st.integers(1, 60))):
        months = draw(st.floats(0, 120))
        plays = draw(st.integers(0, 10 ** 7))
        credited = draw(st.lists(st.sampled_from(ARTISTS), min_size=1, max_size=4, unique=True))
        for artist in credited:
            values[artist] = values.get(artist, 0.0) + track_value(months, plays) / len(credited)
    excluded = draw(st.sets(st.sampled_from(sorted(values))))
    return values, excluded


POOLS = st.integers(0, 10 ** 12)


@CATALOG_PROPERTY
@given(catalogs(), POOLS)
def test_shares_add_up_to_the_pool_to_the_cent(catalog, pool):
    values, excluded = catalog
    shares = split_pool(pool, values, excluded)
    assert set(shares) == set(values)
    assert all(isinstance(cents, int) and cents >= 0 for cents in shares.values())
    assert all(shares[artist] == 0 for artist in excluded)
    paid_someone = any(values[a] > 0 for a in values if a not in excluded)
    assert sum(shares.values()) == (pool if paid_someone else 0)


@CATALOG_PROPERTY
@given(catalogs(), POOLS)
def test_each_share_is_within_a_cent_of_its_exact_share_after_redistribution(catalog, pool):
    values, excluded = catalog
    shares = split_pool(pool, values, excluded)
    eligible = {a: Fraction(v) for a, v in values.items() if a not in excluded}
    total = sum(eligible.values())
    if not total:
        return
    everyone = sum(Fraction(v) for v in values.values())
    for artist, value in eligible.items():
        exact = pool * value / total          # the exact pro-rata share once the excluded are redistributed
        assert abs(shares[artist] - exact) < 1
        # against the share before exclusions: never less (minus rounding), more by at most the redistribution
        before = pool * value / everyone
        redistributed = exact - before
        assert redistributed >= 0 and shares[artist] > before - 1
        assert abs(shares[artist] - before) < 1 + redistributed


@PROPERTY
@given(st.lists(st.sampled_from(ARTISTS), min_size=1, max_size=8, unique=True), st.floats(0, 120),
       st.integers(0, 10 ** 6), POOLS)
def test_collaborators_of_one_track_share_it_equally(credited, months, plays, pool):
    values = {artist: track_value(months, plays) / len(credited) for artist in credited}
    shares = split_pool(pool, values, excluded=set())
    assert max(shares.values()) - min(shares.values()) <= 1
    assert [shares[a] for a in sorted(credited)] == sorted(shares.values(), reverse=True)  # the cents left: by key


@PROPERTY
@given(st.dictionaries(st.integers(0, 50), st.floats(0, 1e6), min_size=1), st.integers(0, 10 ** 9))
def test_largest_remainder_is_exact_and_deterministic(weights, total):
    if not any(weights.values()):
        with pytest.raises(ValueError):
            largest_remainder(total, weights)
        return
    shares = largest_remainder(total, weights)
    assert sum(shares.values()) == total
    assert shares == largest_remainder(total, dict(sorted(weights.items(), reverse=True)))
    denominator = sum(Fraction(w) for w in weights.values())
    for key, weight in weights.items():
        exact = total * Fraction(weight) / denominator
        assert math.floor(exact) <= shares[key] <= math.floor(exact) + 1


# --- user-centric ------------------------------------------------------------------------------------------------

def test_each_subscribers_fee_goes_to_what_they_played():
    fees = {"ann": 1_000, "bob": 600, "cat": 900}
    plays = {"ann": {"x": 3, "y": 1}, "bob": {"y": 2}, "dan": {"x": 50}}
    assert user_centric(fees, plays) == {"x": 750.0, "y": 850.0}    # cat played nothing, dan paid nothing


def test_zero_plays_count_for_nothing():
    assert user_centric({"ann": 1_000}, {"ann": {"x": 0, "y": 4}}) == {"y": 1_000.0}
    assert user_centric({"ann": 1_000}, {"ann": {"x": 0}}) == {}


@PROPERTY
@given(st.dictionaries(st.integers(0, 40), st.integers(0, 10 ** 6)),
       st.dictionaries(st.integers(0, 60), st.dictionaries(st.sampled_from(ARTISTS), st.integers(0, 10 ** 6))))
def test_user_centric_adds_up_to_the_fees_of_the_subscribers_who_played(fees, plays):
    amounts = user_centric(fees, plays)
    played = sum(fee for subscriber, fee in fees.items() if any(plays.get(subscriber, {}).values()))
    assert all(amount >= 0 for amount in amounts.values())
    assert math.fsum(amounts.values()) == pytest.approx(played, rel=1e-9, abs=1e-6)
