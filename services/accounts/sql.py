"""Small SQL helpers that must work the same on SQLite (development) and PostgreSQL (production)."""
from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_ignoring_duplicates(session: Session, model: type, values: dict[str, Any]) -> bool:
    """INSERT … ON CONFLICT DO NOTHING: idempotent and race-free without a savepoint.

    Returns whether a row was inserted."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    result = cast(CursorResult, session.execute(insert(model).values(**values).on_conflict_do_nothing()))
    return bool(result.rowcount)
