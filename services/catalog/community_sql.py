"""What the community use cases (likes, reposts, playlists, comments) share: an idempotent insert and
the newest-first keyset page over (created_at, id). Both work the same on SQLite and PostgreSQL."""
from __future__ import annotations

from typing import Any, Callable, Sequence, cast

from sqlalchemy import CursorResult, Select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import InstrumentedAttribute, Session

from services.catalog.references import gone_as_not_found
from services.common.pagination import Envelope, PageRequest, Position, envelope, split


def insert_once(session: Session, model: type, values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING: a repeat (even a concurrent one) inserts nothing and fails
    nothing. Returns whether this call inserted the row. An item deleted since the caller found it
    is its NotFound (references.py)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    with gone_as_not_found(model, values):
        result = cast(CursorResult, session.execute(insert(model).values(**values).on_conflict_do_nothing()))
    return bool(result.rowcount)


def page_statement(query: Select, created_at: InstrumentedAttribute, item_id: InstrumentedAttribute,
                   page: PageRequest) -> Select:
    """``query`` (which selects one entity) newest first by (``created_at``, ``item_id``), after the cursor,
    one row more than the page holds: an index range scan, never an OFFSET. The keys end each row."""
    statement = query.add_columns(created_at, item_id).order_by(created_at.desc(), item_id.desc())
    if page.after is not None:
        statement = statement.where(tuple_(created_at, item_id) < tuple(page.after.values))
    return statement.limit(page.limit + 1)


def newest_first(session: Session, query: Select, created_at: InstrumentedAttribute, item_id: InstrumentedAttribute,
                 page: PageRequest, list_kind: str, total: int,
                 present: Callable[[Sequence[Any]], list[Any]]) -> Envelope:
    """The envelope of one page of ``page_statement``; ``present`` turns the page's entities into items."""
    rows = session.execute(page_statement(query, created_at, item_id, page)).all()
    kept, next_position = split(rows, page, lambda row: Position((row[-2], row[-1])))
    return envelope(list_kind, present([row[0] for row in kept]), total, next_position)
