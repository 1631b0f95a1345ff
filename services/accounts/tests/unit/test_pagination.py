"""Accounts' page input: a cursor is refused, as InvalidField on ``cursor``, unless this very list returned it
(the cursors themselves are tested with services.common.pagination in tests/unit/test_pagination.py)."""
from datetime import datetime, timezone

import pytest

from services.accounts import follows, schemas
from services.common.pagination import Position, encode_cursor
from services.contracts.errors import InvalidField

MOMENT = datetime(2026, 3, 1, 12, 30, 45, 123456, tzinfo=timezone.utc)


def test_a_lists_own_cursor_is_where_the_page_starts():
    position = Position((MOMENT, "0b8f6c1e-1111-4222-8333-944455556666"))
    page = schemas.load_page(follows.FOLLOWERS, encode_cursor(follows.FOLLOWERS, position), 10)
    assert (page.after, page.limit) == (position, 10)


@pytest.mark.parametrize("cursor", [
    "%%%",
    encode_cursor(follows.FOLLOWING, Position((MOMENT, "x"))),       # another list's
    encode_cursor(follows.FOLLOWERS, Position((1, MOMENT, "x"))),    # not a (created_at, id)
])
def test_any_other_cursor_becomes_invalid_field_on_cursor(cursor):
    with pytest.raises(InvalidField) as caught:
        schemas.load_page(follows.FOLLOWERS, cursor, 10)
    assert list(caught.value.details) == ["cursor"]
