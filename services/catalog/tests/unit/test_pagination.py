"""Opaque keyset cursors: they round-trip and are refused by another list."""
from datetime import datetime, timedelta, timezone

import pytest

from services.catalog import schemas
from services.catalog.pagination import InvalidCursor, PageRequest, Position, decode_cursor, encode_cursor, split

MOMENT = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=timezone.utc)


def test_a_cursor_round_trips():
    position = Position((42, MOMENT, "id-1"))
    cursor = encode_cursor("tracks:popular", position)
    assert "=" not in cursor and "id-1" not in cursor  # opaque, URL-safe
    assert decode_cursor("tracks:popular", cursor) == position


def test_times_come_back_in_utc():
    local = MOMENT.astimezone(timezone(timedelta(hours=-5)))
    assert decode_cursor("k", encode_cursor("k", Position((local, "x")))).values[0] == MOMENT


@pytest.mark.parametrize("cursor", ["", "!!!", "bm90IGpzb24", encode_cursor("tracks:newest", Position(()))[:-3]])
def test_garbage_is_refused(cursor):
    with pytest.raises(InvalidCursor):
        decode_cursor("tracks:newest", cursor)


def test_a_cursor_of_another_list_is_refused():
    with pytest.raises(InvalidCursor):
        decode_cursor("tracks:newest", encode_cursor("tracks:popular", Position((1, MOMENT, "x"))))


def test_a_cursor_with_the_wrong_arity_is_refused():
    cursor = encode_cursor("tracks:newest", Position((1, MOMENT, "x")))
    with pytest.raises(InvalidCursor):
        schemas.decode_tracks_cursor("newest", cursor)


def test_split_keeps_the_limit_and_marks_the_next_page():
    kept, after = split([1, 2, 3], PageRequest(limit=2), lambda n: Position((n,)))
    assert (kept, after) == ([1, 2], Position((2,)))
    assert split([1, 2], PageRequest(limit=2), lambda n: Position((n,))) == ([1, 2], None)
