"""Opaque keyset cursors (services.common.pagination): they round-trip, hold times in UTC, and are refused
by another list or when their values are not the list's sort key."""
from datetime import datetime, timedelta, timezone

import pytest

from services.common.pagination import (
    KEYSET,
    InvalidCursor,
    PageRequest,
    Position,
    decode_cursor,
    encode_cursor,
    envelope,
    split,
)

MOMENT = datetime(2026, 3, 1, 12, 30, 45, 123456, tzinfo=timezone.utc)
POPULAR = (int, datetime, str)


def test_a_cursor_round_trips_with_microseconds():
    position = Position((MOMENT, "0b8f6c1e-1111-4222-8333-944455556666"))
    assert decode_cursor("followers", encode_cursor("followers", position)) == position


def test_a_cursor_of_another_sort_key_round_trips():
    position = Position((42, MOMENT, "id-1"))
    assert decode_cursor("tracks:popular", encode_cursor("tracks:popular", position), POPULAR) == position


def test_a_cursor_is_opaque_url_safe_text():
    cursor = encode_cursor("followers", Position((MOMENT, "id-1")))
    url_safe = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert "2026" not in cursor and "id-1" not in cursor and set(cursor) <= url_safe


def test_naive_times_are_taken_as_utc():
    naive = MOMENT.replace(tzinfo=None)
    assert decode_cursor("k", encode_cursor("k", Position((naive, "x")))).values[0] == MOMENT


def test_other_timezones_are_converted_to_utc():
    eastern = MOMENT.astimezone(timezone(timedelta(hours=-5)))
    moment = decode_cursor("k", encode_cursor("k", Position((eastern, "x")))).values[0]
    assert moment == MOMENT and moment.utcoffset() == timedelta(0)


def test_a_cursor_from_another_list_is_refused():
    with pytest.raises(InvalidCursor, match="another list"):
        decode_cursor("following", encode_cursor("followers", Position((MOMENT, "x"))))


@pytest.mark.parametrize("garbage", ["", "!!!", "bm90IGpzb24", "WyJmb2xsb3dlcnMiXQ", "WzEsMiwzLDRd",
                                     encode_cursor("followers", Position(()))[:-3]])
def test_garbage_is_an_invalid_cursor(garbage):
    with pytest.raises(InvalidCursor):
        decode_cursor("followers", garbage)


@pytest.mark.parametrize("values, shape", [
    ((1, MOMENT, "x"), KEYSET),             # too many values
    ((MOMENT,), KEYSET),                    # too few
    (("not a time", "x"), KEYSET),          # a string where a time belongs
    ((MOMENT, 7), KEYSET),                  # a number where an id belongs
    ((MOMENT, MOMENT, "x"), POPULAR),       # a time where a count belongs
    ((1.5, MOMENT, "x"), POPULAR),          # not an integer count
])
def test_values_that_are_not_the_lists_sort_key_are_refused(values, shape):
    with pytest.raises(InvalidCursor, match="not a cursor this list returned"):
        decode_cursor("k", encode_cursor("k", Position(values)), shape)


def test_split_keeps_the_limit_and_points_next_at_the_last_kept_row():
    rows = [(MOMENT - timedelta(seconds=i), f"id{i}") for i in range(4)]
    kept, next_position = split(rows, PageRequest(None, 3), Position)
    assert (kept, next_position) == (rows[:3], Position(rows[2]))


def test_split_on_the_last_page_has_no_next():
    rows = [(MOMENT, "a"), (MOMENT, "b")]
    assert split(rows, PageRequest(None, 2), Position) == (rows, None)
    assert split([], PageRequest(None, 2), Position) == ([], None)


def test_envelope_shape():
    assert envelope("k", [{"id": 1}], 7, None) == {"items": [{"id": 1}], "total": 7, "next": None}
    next_cursor = envelope("k", [], 7, Position((MOMENT, "a")))["next"]
    assert decode_cursor("k", next_cursor) == Position((MOMENT, "a"))


def forged(kind: str, values: list) -> str:
    import base64
    import json

    raw = json.dumps([kind, values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize("values", [
    [{"t": "2026-11-26T08:00:00+00:00"}, "a\u0000b"],  # the database refuses NUL
    [{"t": "2026-11-26T08:00:00+00:00"}, "\ud800"],  # a lone surrogate has no UTF-8 form
    [{"t": "0001-01-01T00:00:00+10:00"}, "id"],  # to UTC overflows datetime
])
def test_a_forged_cursor_that_the_database_or_datetime_cannot_take_is_refused(values):
    with pytest.raises(InvalidCursor):
        decode_cursor("comments", forged("comments", values))
