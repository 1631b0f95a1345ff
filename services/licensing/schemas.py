"""Validation of licensing's RPC input: the ``cursor``/``limit`` of the library (a 422 ``invalid`` naming them)."""
from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from services.common.fields import StrictInteger
from services.common.pagination import DEFAULT_LIMIT, MAX_LIMIT, InvalidCursor, PageRequest, decode_cursor
from services.common.validation import StrictSchema, invalid, load

MY_LICENSES = "my_licenses"


class PageSchema(StrictSchema):
    cursor = fields.String(load_default=None, allow_none=True)
    limit = StrictInteger(load_default=DEFAULT_LIMIT, allow_none=True, validate=validate.Range(min=1, max=MAX_LIMIT))


def load_page(cursor: Any, limit: Any) -> PageRequest:
    data = load(PageSchema, {"cursor": cursor, "limit": limit})
    after = None
    if data["cursor"]:
        try:
            after = decode_cursor(MY_LICENSES, data["cursor"])
        except InvalidCursor as exc:
            raise invalid("cursor", str(exc)) from None
    return PageRequest(after, DEFAULT_LIMIT if data["limit"] is None else data["limit"])
