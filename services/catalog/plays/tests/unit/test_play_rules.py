"""When a play counts (docs/business-rules.md "Streaming and plays"), history sessions, and the plays RPC inputs."""
from datetime import datetime, timedelta, timezone

import pytest

from services.catalog.plays import rules as play_rules
from services.catalog.plays.rules import ALREADY_COUNTED, COUNTED, OWN_TRACK, TOO_EARLY, judge
from services.catalog.plays.schemas import HISTORY, load_play_report
from services.catalog.shared.schemas import load_page
from services.common.pagination import Position, encode_cursor
from services.contracts.errors import InvalidField

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize("duration, threshold", [(180.0, 30.0), (37.5, 30.0), (30.0, 24.0), (5.0, 4.0),
                                                 (12.0, 9.6), (10.0, 8.0)])
def test_a_play_counts_at_30_s_or_80_percent_whichever_comes_first(duration, threshold):
    assert play_rules.count_threshold_s(duration) == threshold
    assert judge(threshold, duration, False, None, NOW).reason == COUNTED
    assert judge(threshold - 0.01, duration, False, None, NOW).reason == TOO_EARLY


def test_a_counted_play_opens_an_hour_during_which_no_other_counts():
    first = judge(31, 180, False, None, NOW)
    assert (first.counted, first.reason, first.next_count_at) == (True, COUNTED, NOW + HOUR)
    again = judge(60, 180, False, NOW, NOW + timedelta(minutes=59))
    assert (again.counted, again.reason, again.next_count_at) == (False, ALREADY_COUNTED, NOW + HOUR)


def test_the_hour_rolls_from_the_last_counted_play():
    assert judge(31, 180, False, NOW, NOW + HOUR).reason == COUNTED
    assert judge(31, 180, False, NOW, NOW + HOUR - timedelta(microseconds=1)).reason == ALREADY_COUNTED


def test_the_producers_own_listening_never_counts():
    verdict = judge(180, 180, True, None, NOW)
    assert (verdict.counted, verdict.reason, verdict.next_count_at) == (False, OWN_TRACK, None)


def test_too_early_names_the_running_window_if_any():
    assert judge(5, 180, False, None, NOW).next_count_at is None
    assert judge(5, 180, False, NOW - timedelta(minutes=10), NOW).next_count_at == NOW + timedelta(minutes=50)
    assert judge(5, 180, False, NOW - 2 * HOUR, NOW).next_count_at is None


def test_positions_and_durations_have_small_tolerances():
    assert play_rules.position_fits(181, 180) and not play_rules.position_fits(181.01, 180)
    assert play_rules.duration_agrees(182, 180) and play_rules.duration_agrees(178, 180)
    assert not play_rules.duration_agrees(182.01, 180) and not play_rules.duration_agrees(90, 180)


def test_a_report_continues_the_latest_session_on_the_same_track_within_the_hour():
    assert play_rules.continues_session("t1", NOW - timedelta(minutes=59), "t1", NOW)
    assert not play_rules.continues_session("t1", NOW - timedelta(minutes=61), "t1", NOW)
    assert not play_rules.continues_session("t2", NOW - timedelta(minutes=1), "t1", NOW)
    assert not play_rules.continues_session(None, None, "t1", NOW)


# --- inputs ----------------------------------------------------------------------------------------

def test_a_valid_report_loads_as_floats():
    assert load_play_report(31, 180.5) == {"position_s": 31.0, "duration_s": 180.5}
    assert load_play_report(181.5, 180.5)["position_s"] == 181.5  # within the 1 s tolerance


@pytest.mark.parametrize("position, duration, field", [
    (-1, 180, "position_s"),
    (182, 180, "position_s"),
    (10, 0, "duration_s"),
    (10, -5, "duration_s"),
    ("31", 180, "position_s"),
    (True, 180, "position_s"),
    (31, None, "duration_s"),
    (31, float("nan"), "duration_s"),
    (31, float("inf"), "duration_s"),
    (31, 10 ** 9, "duration_s"),
])
def test_impossible_reports_are_refused_naming_the_field(position, duration, field):
    with pytest.raises(InvalidField) as refused:
        load_play_report(position, duration)
    assert field in refused.value.details


def test_history_pages_take_a_limit_and_only_their_own_cursor():
    cursor = encode_cursor(HISTORY, Position((NOW, "entry-id")))
    page = load_page(HISTORY, cursor, 5)
    assert (page.limit, page.after.values) == (5, (NOW, "entry-id"))
    assert load_page(HISTORY, None, None).limit == 20
    for bad_cursor in (encode_cursor("tracks:newest", Position((NOW, "x"))), "garbage",
                       encode_cursor(HISTORY, Position(("not a time", "x")))):
        with pytest.raises(InvalidField) as refused:
            load_page(HISTORY, bad_cursor, 5)
        assert "cursor" in refused.value.details
    for bad_limit in (0, 101, "5"):
        with pytest.raises(InvalidField):
            load_page(HISTORY, None, bad_limit)
