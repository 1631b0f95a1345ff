"""Small SQL helpers that must work the same on SQLite (development) and PostgreSQL (production):
an idempotent insert and the keyset page query every list uses."""
from __future__ import annotations

from typing import Any, Sequence, cast

from sqlalchemy import CursorResult, Select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from services.common.pagination import PageRequest


def insert_ignoring_duplicates(session: Session, model: type, values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING: idempotent and race-free without a savepoint.

    Returns whether a row was inserted."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = cast(CursorResult, session.execute(insert(model).values(**values).on_conflict_do_nothing()))
    return bool(result.rowcount)


def keyset_page(statement: Select, keys: Sequence[ColumnElement[Any]], page: PageRequest,
                descending: bool = True) -> Select:
    """``statement`` ordered by ``keys`` (the sort key, most significant first), after the cursor, one row
    more than the page holds (that row only tells whether there is a next page): an index range scan,
    never an OFFSET."""
    if page.after is not None:
        after = tuple(page.after.values)
        statement = statement.where(tuple_(*keys) < after if descending else tuple_(*keys) > after)
    return statement.order_by(*(key.desc() if descending else key.asc() for key in keys)).limit(page.limit + 1)
