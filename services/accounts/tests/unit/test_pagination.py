from datetime import datetime, timedelta, timezone

import pytest

from services.accounts import schemas
from services.accounts.pagination import (
    InvalidCursor,
    PageRequest,
    Position,
    cut,
    decode_cursor,
    encode_cursor,
    envelope,
)
from services.contracts.errors import InvalidField

MOMENT = datetime(2026, 3, 1, 12, 30, 45, 123456, tzinfo=timezone.utc)


def test_cursor_round_trips_with_microseconds():
    position = Position(MOMENT, "0b8f6c1e-1111-4222-8333-944455556666")
    assert decode_cursor("followers", encode_cursor("followers", position)) == position


def test_cursor_is_opaque_url_safe_text():
    cursor = encode_cursor("followers", Position(MOMENT, "x"))
    url_safe = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert "2026" not in cursor and set(cursor) <= url_safe


def test_naive_times_are_taken_as_utc():
    naive = MOMENT.replace(tzinfo=None)
    assert decode_cursor("k", encode_cursor("k", Position(naive, "x"))).created_at == MOMENT


def test_other_timezones_are_converted_to_utc():
    eastern = MOMENT.astimezone(timezone(timedelta(hours=-5)))
    assert decode_cursor("k", encode_cursor("k", Position(eastern, "x"))).created_at.utcoffset() == timedelta(0)


def test_a_cursor_from_another_list_is_refused():
    with pytest.raises(InvalidCursor, match="another list"):
        decode_cursor("following", encode_cursor("followers", Position(MOMENT, "x")))


@pytest.mark.parametrize("garbage", ["", "!!!", "bm90IGpzb24", "WyJmb2xsb3dlcnMiXQ", "WzEsMiwzLDRd",
                                     "WyJmb2xsb3dlcnMiLCJub3QgYSBkYXRlIiwieCJd"])
def test_garbage_is_an_invalid_cursor(garbage):
    with pytest.raises(InvalidCursor):
        decode_cursor("followers", garbage)


def test_invalid_cursor_becomes_invalid_field_on_cursor():
    with pytest.raises(InvalidField) as caught:
        schemas.load_page("followers", "%%%", 10)
    assert list(caught.value.details) == ["cursor"]


def test_cut_keeps_the_limit_and_points_next_at_the_last_kept_row():
    rows = [(MOMENT - timedelta(seconds=i), f"id{i}") for i in range(4)]
    page = cut(rows, PageRequest(None, 3), lambda row: Position(*row))
    assert page.rows == rows[:3]
    assert page.next_position == Position(*rows[2])


def test_cut_on_the_last_page_has_no_next():
    rows = [(MOMENT, "a"), (MOMENT, "b")]
    assert cut(rows, PageRequest(None, 2), lambda row: Position(*row)).next_position is None
    assert cut([], PageRequest(None, 2), lambda row: Position(*row)).next_position is None


def test_envelope_shape():
    assert envelope("k", [{"id": 1}], 7, None) == {"items": [{"id": 1}], "total": 7, "next": None}
    next_cursor = envelope("k", [], 7, Position(MOMENT, "a"))["next"]
    assert decode_cursor("k", next_cursor) == Position(MOMENT, "a")
