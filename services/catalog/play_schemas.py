"""Validation of the plays RPC inputs (``report_play``, ``list_history``): bad input changes nothing."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from services.catalog import play_rules
from services.catalog.pagination import DEFAULT_LIMIT, InvalidCursor, PageRequest, decode_cursor
from services.catalog.schemas import PageSchema, StrictSchema, load

HISTORY = "history"


class Seconds(fields.Float):
    """A JSON number of seconds: not a string, not a boolean, not NaN or infinity."""

    def __init__(self, **kwargs: Any):
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class PlayReportSchema(StrictSchema):
    position_s = Seconds(required=True, validate=validate.Range(min=0, error="must be at least 0"))
    duration_s = Seconds(required=True, validate=validate.Range(
        min=0, min_inclusive=False, max=play_rules.MAX_DURATION_S, error="must be above 0 and at most {max}"))

    @validates_schema(skip_on_field_errors=True)
    def position_within_track(self, data: dict, **kwargs) -> None:
        if not play_rules.position_fits(data["position_s"], data["duration_s"]):
            raise ValidationError([f"must not exceed duration_s by more than {play_rules.POSITION_TOLERANCE_S:g} s"],
                                  field_name="position_s")


class HistoryPageSchema(PageSchema):
    @validates_schema(skip_on_field_errors=True)
    def cursor_of_this_list(self, data: dict, **kwargs) -> None:
        if data.get("cursor"):
            try:
                decode_history_cursor(data["cursor"])
            except InvalidCursor as exc:
                raise ValidationError([str(exc)], field_name="cursor") from None


def decode_history_cursor(cursor: str):
    position = decode_cursor(HISTORY, cursor)
    if len(position.values) != 2 or not isinstance(position.values[0], datetime) \
            or not isinstance(position.values[1], str):
        raise InvalidCursor("not a cursor this list returned")
    return position


def load_play_report(position_s: Any, duration_s: Any) -> dict[str, float]:
    return load(PlayReportSchema(), {"position_s": position_s, "duration_s": duration_s})


def load_history_page(cursor: Any, limit: Any) -> PageRequest:
    data = load(HistoryPageSchema(), {"cursor": cursor, "limit": limit})
    after = decode_history_cursor(data["cursor"]) if data["cursor"] else None
    return PageRequest(after, DEFAULT_LIMIT if data["limit"] is None else data["limit"])
