"""Keyset pagination with opaque cursors.

A cursor names the sort-key values of the last item a client saw and the list (and sort) it came from,
so a cursor from one list is refused by another. Pages are index range scans, never OFFSETs.
"""
from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence, TypedDict

from services.common.clock import as_utc

DEFAULT_LIMIT = 20
MAX_LIMIT = 100

#: the sort key of most lists, (created_at, id): the types a cursor of such a list must hold
KEYSET: tuple[type, ...] = (datetime, str)


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Position:
    """Where a page ends: the sort-key values of its last item, most significant first."""

    values: tuple[Any, ...]


@dataclass(frozen=True)
class PageRequest:
    after: Position | None = None
    limit: int = DEFAULT_LIMIT


def _dump(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"t": as_utc(value).isoformat()}
    return value


def _load(value: Any) -> Any:
    if isinstance(value, dict):
        return as_utc(datetime.fromisoformat(value["t"]))
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("NUL in a cursor value")
        value.encode("utf-8")  # a lone surrogate cannot reach the database: UnicodeEncodeError is a ValueError
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise ValueError("unexpected cursor value")


def encode_cursor(kind: str, position: Position) -> str:
    raw = json.dumps([kind, [_dump(value) for value in position.values]], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(kind: str, cursor: str, shape: tuple[type, ...] = KEYSET) -> Position:
    """The position ``cursor`` points at. ``InvalidCursor`` if it is malformed, from another list, or
    its values are not of the types ``shape`` lists (the list's sort key) — so a forged cursor never
    reaches the SQL."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_kind, values = json.loads(raw)
        position = Position(tuple(_load(value) for value in values))
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, KeyError, OverflowError):
        raise InvalidCursor("not a cursor this list returned") from None
    if cursor_kind != kind:
        raise InvalidCursor("this cursor belongs to another list")
    if len(position.values) != len(shape) or not all(map(isinstance, position.values, shape)):
        raise InvalidCursor("not a cursor this list returned")
    return position


class Envelope(TypedDict):
    """Every list's shape: ``next`` is the cursor of the following page, or None on the last one."""

    items: list[Any]
    total: int
    next: str | None


def envelope(kind: str, items: list[Any], total: int, next_position: Position | None) -> Envelope:
    return Envelope(items=items, total=total,
                    next=encode_cursor(kind, next_position) if next_position is not None else None)


def split(rows: Sequence[Any], page: PageRequest, position_of) -> tuple[list[Any], Position | None]:
    """Keep ``page.limit`` rows; if a further row was fetched, the last kept one is where the next page starts."""
    kept = list(rows[: page.limit])
    return kept, (position_of(kept[-1]) if len(rows) > page.limit and kept else None)
