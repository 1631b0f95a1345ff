"""The track list's cursors: each sort has its own, holding that sort's key (the cursors themselves are
tested with services.common.pagination in tests/unit/test_pagination.py)."""
from datetime import datetime, timezone

import pytest

from services.catalog.tracks import schemas
from services.common.pagination import Position, encode_cursor
from services.contracts.errors import InvalidField

MOMENT = datetime(2026, 3, 1, 12, 30, 15, 123456, tzinfo=timezone.utc)
NEWEST = Position((MOMENT, "id-1"))
POPULAR = Position((42, MOMENT, "id-1"))


@pytest.mark.parametrize("sort, position", [("newest", NEWEST), ("popular", POPULAR)])
def test_each_sort_takes_its_own_cursor(sort, position):
    cursor = encode_cursor(schemas.tracks_kind(sort), position)
    assert schemas.load_track_query(None, sort, cursor, 5).page.after == position


@pytest.mark.parametrize("sort, cursor", [
    ("newest", encode_cursor(schemas.tracks_kind("popular"), POPULAR)),   # another sort's
    ("popular", encode_cursor(schemas.tracks_kind("newest"), NEWEST)),
    ("newest", encode_cursor(schemas.tracks_kind("newest"), POPULAR)),    # the wrong sort key
    ("popular", encode_cursor(schemas.tracks_kind("popular"), Position(("42", MOMENT, "id-1")))),
])
def test_any_other_cursor_is_invalid(sort, cursor):
    with pytest.raises(InvalidField) as caught:
        schemas.load_track_query(None, sort, cursor, 5)
    assert list(caught.value.details) == ["cursor"]


def test_the_cursor_is_judged_only_once_the_other_fields_are_valid():
    with pytest.raises(InvalidField) as caught:
        schemas.load_track_query({"bpm_min": "fast"}, "newest", "garbage", 5)
    assert list(caught.value.details) == ["filters.bpm_min"]
