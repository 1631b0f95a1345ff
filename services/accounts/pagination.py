"""Keyset pagination with opaque cursors.

A cursor names the last item a client saw — its timestamp and id — and the list it came from,
so a cursor from one list is refused by another. Pages are index range scans, never OFFSETs.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Sequence, TypedDict, TypeVar

from sqlalchemy import Select, tuple_
from sqlalchemy.orm import InstrumentedAttribute

from services.common.clock import as_utc

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

T = TypeVar("T")


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Position:
    """Where a page ends: the (timestamp, id) of its last item."""

    created_at: datetime
    id: str


@dataclass(frozen=True)
class PageRequest:
    after: Position | None = None
    limit: int = DEFAULT_LIMIT


def encode_cursor(kind: str, position: Position) -> str:
    raw = json.dumps([kind, as_utc(position.created_at).isoformat(), position.id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str) -> Position:
    """The position ``cursor`` points at; ``InvalidCursor`` if it is malformed or from another list."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_kind, moment, item_id = json.loads(raw)
        position = Position(as_utc(datetime.fromisoformat(moment)), str(item_id))
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        raise InvalidCursor("not a cursor this list returned") from None
    if cursor_kind != kind:
        raise InvalidCursor("this cursor belongs to another list")
    return position


def after_position(query: Select, created_at: InstrumentedAttribute, item_id: InstrumentedAttribute,
                   page: PageRequest, newest_first: bool) -> Select:
    """``query`` ordered by (created_at, id), starting after ``page.after``, one row more than the
    page holds (that extra row only tells whether there is a next page)."""
    if newest_first:
        query = query.order_by(created_at.desc(), item_id.desc())
        if page.after is not None:
            query = query.where(tuple_(created_at, item_id) < (page.after.created_at, page.after.id))
    else:
        query = query.order_by(created_at.asc(), item_id.asc())
        if page.after is not None:
            query = query.where(tuple_(created_at, item_id) > (page.after.created_at, page.after.id))
    return query.limit(page.limit + 1)


class Envelope(TypedDict):
    """Every list's shape: ``next`` is the cursor of the following page, or None on the last one."""

    items: list[Any]
    total: int
    next: str | None


@dataclass(frozen=True)
class Page(Generic[T]):
    rows: Sequence[T]
    next_position: Position | None


def cut(rows: Sequence[T], page: PageRequest, position_of) -> Page[T]:
    """Keep ``page.limit`` rows; if a further row was fetched, the last kept one is where the next page starts."""
    kept = list(rows[: page.limit])
    has_more = len(rows) > page.limit
    return Page(kept, position_of(kept[-1]) if has_more and kept else None)


def envelope(kind: str, items: list[Any], total: int, next_position: Position | None) -> Envelope:
    return Envelope(items=items, total=total,
                    next=encode_cursor(kind, next_position) if next_position is not None else None)
