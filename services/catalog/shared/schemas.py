"""What every area's input validation shares: trimmed text fields and the ``cursor``/``limit`` of a
list page. Unknown fields are refused and failures raise ``InvalidField`` (services/common/validation)."""
from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from services.common.fields import StrictInteger, Trimmed
from services.common.pagination import DEFAULT_LIMIT, KEYSET, MAX_LIMIT, InvalidCursor, PageRequest, decode_cursor
from services.common.validation import StrictSchema, invalid, load


def text(max_length: int, min_length: int = 1, **kwargs) -> Trimmed:
    return Trimmed(validate=validate.Length(min=min_length, max=max_length), **kwargs)


def optional_text(max_length: int) -> Trimmed:
    """Absent when not sent; ``None`` or blank clears it."""
    return Trimmed(allow_none=True, validate=validate.Length(max=max_length))


class PageSchema(StrictSchema):
    """``cursor``/``limit`` of a list; a query schema of a list extends it with its filters."""

    cursor = fields.String(load_default=None, allow_none=True)
    limit = StrictInteger(load_default=DEFAULT_LIMIT, allow_none=True, validate=validate.Range(min=1, max=MAX_LIMIT))


def page_of(kind: str, data: dict[str, Any], shape: tuple[type, ...] = KEYSET) -> PageRequest:
    """The page that ``data`` (loaded by a ``PageSchema``) asks for. Its cursor must be one the list
    ``kind`` returned, holding values of the types ``shape`` lists (the list's sort key); checked only
    once the other fields are valid, as ``InvalidField`` on ``cursor``."""
    after = None
    if data["cursor"]:
        try:
            after = decode_cursor(kind, data["cursor"], shape)
        except InvalidCursor as exc:
            raise invalid("cursor", str(exc)) from None
    return PageRequest(after, DEFAULT_LIMIT if data["limit"] is None else data["limit"])


def load_page(kind: str, cursor: Any, limit: Any, shape: tuple[type, ...] = KEYSET) -> PageRequest:
    """A page of the list ``kind`` (one sorted by (created_at, id) unless ``shape`` says otherwise)."""
    return page_of(kind, load(PageSchema, {"cursor": cursor, "limit": limit}), shape)
