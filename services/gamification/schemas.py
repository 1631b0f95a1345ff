"""Validation of gamification's RPC input: pages (``cursor``/``limit``) and the leaderboard's choices."""
from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from services.common.fields import StrictInteger
from services.common.pagination import DEFAULT_LIMIT, MAX_LIMIT, InvalidCursor, PageRequest, decode_cursor
from services.common.validation import StrictSchema, invalid, load
from services.contracts.errors import NotFound
from services.contracts.rpc.gamification import LEADERBOARD_CATEGORIES, LEADERBOARD_PERIODS
from services.contracts.vocabularies import CURRENCIES
from services.gamification.leaderboards import category_key, cursor_kind
from services.gamification.rules import DEFAULT_CURRENCY


class PageSchema(StrictSchema):
    cursor = fields.String(load_default=None, allow_none=True)
    limit = StrictInteger(load_default=DEFAULT_LIMIT, allow_none=True, validate=validate.Range(min=1, max=MAX_LIMIT))


class LeaderboardSchema(PageSchema):
    period = fields.String(load_default="all_time", allow_none=True, validate=validate.OneOf(LEADERBOARD_PERIODS))
    currency = fields.String(load_default=DEFAULT_CURRENCY, allow_none=True, validate=validate.OneOf(CURRENCIES))


def load_page(kind: str, cursor: Any, limit: Any, shape: tuple[type, ...] | None = None) -> tuple[PageRequest, dict]:
    data = load(PageSchema, {"cursor": cursor, "limit": limit})
    after = None
    if data["cursor"]:
        try:
            after = decode_cursor(kind, data["cursor"], *((shape,) if shape else ()))
        except InvalidCursor as exc:
            raise invalid("cursor", str(exc)) from None
    return PageRequest(after, DEFAULT_LIMIT if data["limit"] is None else data["limit"]), data


def leaderboard_input(category: Any, period: Any, currency: Any, cursor: Any, limit: Any) -> tuple[str, str, str,
                                                                                                     PageRequest]:
    """(category, period, currency, page): an unknown category is ``NotFound`` (it names no board), the rest
    ``InvalidField``. The cursor belongs to one board (category, currency and period)."""
    if category not in LEADERBOARD_CATEGORIES:
        raise NotFound(f"no leaderboard {category!r}: one of {', '.join(LEADERBOARD_CATEGORIES)}")
    if isinstance(currency, str):
        currency = currency.upper()
    data = load(LeaderboardSchema, {"cursor": None, "limit": limit, "period": period, "currency": currency})
    period, currency = data["period"] or "all_time", data["currency"] or DEFAULT_CURRENCY
    page, _ = load_page(cursor_kind(category_key(category, currency), period), cursor, limit, (float, str))
    return category, period, currency, page
