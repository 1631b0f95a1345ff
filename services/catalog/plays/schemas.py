"""Validation of ``report_play``'s input (bad input changes nothing), and the name of the history list
(whose pages ``shared.schemas.load_page`` loads)."""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from services.catalog.plays import rules as play_rules
from services.common.validation import StrictSchema, load

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


def load_play_report(position_s: Any, duration_s: Any) -> dict[str, float]:
    return load(PlayReportSchema, {"position_s": position_s, "duration_s": duration_s})
