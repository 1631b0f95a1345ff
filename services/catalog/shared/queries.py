"""What the list and community use cases share: an idempotent insert and the newest-first keyset page.
Both work the same on SQLite and PostgreSQL."""
from __future__ import annotations

from typing import Any, Callable, Sequence

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute, Session

from services.catalog.shared.references import gone_as_not_found
from services.common.pagination import Envelope, PageRequest, Position, envelope, split
from services.common.sql import insert_ignoring_duplicates, keyset_page


def insert_once(session: Session, model: type, values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING: a repeat (even a concurrent one) inserts nothing and fails
    nothing. Returns whether this call inserted the row. An item deleted since the caller found it
    is its NotFound (references.py)."""
    with gone_as_not_found(model, values):
        return insert_ignoring_duplicates(session, model, values)


def page_statement(query: Select, created_at: InstrumentedAttribute, item_id: InstrumentedAttribute,
                   page: PageRequest) -> Select:
    """``query`` (which selects one entity) newest first by (``created_at``, ``item_id``): its page, with
    the keys ending each row."""
    return keyset_page(query.add_columns(created_at, item_id), (created_at, item_id), page)


def newest_first(session: Session, query: Select, created_at: InstrumentedAttribute, item_id: InstrumentedAttribute,
                 page: PageRequest, list_kind: str, total: int,
                 present: Callable[[Sequence[Any]], list[Any]]) -> Envelope:
    """The envelope of one page of ``page_statement``; ``present`` turns the page's entities into items."""
    rows = session.execute(page_statement(query, created_at, item_id, page)).all()
    kept, next_position = split(rows, page, lambda row: Position((row[-2], row[-1])))
    return envelope(list_kind, present([row[0] for row in kept]), total, next_position)
