"""Inputs of the ``catalog`` service: a play report."""
from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from services.contracts.inputs import StrictSchema


class Seconds(fields.Float):
    """A JSON number of seconds: "31" (a string) or true is refused, as are NaN and infinity."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class PlayReport(StrictSchema):
    """The shape of a report; the catalog checks the rest (the position against the duration, the
    duration against the track's) and refuses the same way."""

    position_s = Seconds(required=True, validate=validate.Range(min=0), metadata={
        "description": "Seconds listened so far; at most duration_s + 1."})
    duration_s = Seconds(required=True, validate=validate.Range(min=0, min_inclusive=False), metadata={
        "description": "The track's duration as the player knows it; within 2 s of the track's own."})
