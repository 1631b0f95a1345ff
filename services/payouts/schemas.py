"""Validation of payouts' RPC input: the lists' ``cursor``/``limit`` (the history, the admins' runs) and an
optional ``artist_id``."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import fields, validate

from services.common.fields import StrictInteger
from services.common.pagination import (DEFAULT_LIMIT, KEYSET, MAX_LIMIT, InvalidCursor, PageRequest,
                                       decode_cursor)
from services.common.persistence import parse_id
from services.common.validation import StrictSchema, invalid, load
from services.payouts.finances import TRANSACTIONS
from services.contracts.errors import NotFound


class PageSchema(StrictSchema):
    cursor = fields.String(load_default=None, allow_none=True)
    limit = StrictInteger(load_default=DEFAULT_LIMIT, allow_none=True, validate=validate.Range(min=1, max=MAX_LIMIT))


#: the admins' list of runs (runs.list_runs) and its sort key, (period, started_at, id): what its cursor holds
RUNS = "payout_runs"
RUN_KEY: tuple[type, ...] = (str, datetime, str)


def load_page(cursor: Any, limit: Any, kind: str = TRANSACTIONS, shape: tuple[type, ...] = KEYSET) -> PageRequest:
    """A page of the list ``kind`` (default: the ledger's history), whose sort key has the types ``shape``."""
    data = load(PageSchema, {"cursor": cursor, "limit": limit})
    after = None
    if data["cursor"]:
        try:
            after = decode_cursor(kind, data["cursor"], shape)
        except InvalidCursor as exc:
            raise invalid("cursor", str(exc)) from None
    return PageRequest(after, DEFAULT_LIMIT if data["limit"] is None else data["limit"])


def load_runs_page(cursor: Any, limit: Any) -> PageRequest:
    return load_page(cursor, limit, RUNS, RUN_KEY)


def artist_id(value: Any) -> str | None:
    """An artist id (None: the caller's own page); a malformed one names no page of theirs."""
    if value is None:
        return None
    parsed = parse_id(value)
    if parsed is None:
        raise NotFound("artist not found")
    return parsed
