"""The accounts lists' keyset query: pages over (created_at, id), oldest or newest first
(cursors, envelopes and page cutting are in ``services.common.pagination``)."""
from __future__ import annotations

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from services.common.pagination import PageRequest


def after_position(query: Select, created_at: InstrumentedAttribute, item_id: InstrumentedAttribute,
                   page: PageRequest, newest_first: bool) -> Select:
    """``query`` ordered by (created_at, id), starting after ``page.after`` (a (created_at, id) position),
    one row more than the page holds (that extra row only tells whether there is a next page)."""
    keys = tuple_(created_at, item_id)
    if newest_first:
        query = query.order_by(created_at.desc(), item_id.desc())
        if page.after is not None:
            query = query.where(keys < tuple(page.after.values))
    else:
        query = query.order_by(created_at.asc(), item_id.asc())
        if page.after is not None:
            query = query.where(keys > tuple(page.after.values))
    return query.limit(page.limit + 1)
