"""Schemas of plays and listening history (docs/rpc-catalog.md: report_play, list_history).

The gateway checks the body's shape (numbers, ranges); the catalog service checks the rest (the position
against the duration, the duration against the track's) and answers 422 the same way."""
from __future__ import annotations

from typing import Any

from marshmallow import fields, validate

from gateway.catalog_schemas import TrackLinks
from gateway.schemas import StrictSchema, page_of
from services.contracts.rpc import catalog as contract
from services.contracts.rpc.catalog import PlayResult  # noqa: F401

class Seconds(fields.Float):
    """A JSON number: "31" (a string) or true is refused, as are NaN and infinity."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class PlayReport(StrictSchema):
    position_s = Seconds(required=True, validate=validate.Range(min=0), metadata={
        "description": "Seconds listened so far; at most duration_s + 1."})
    duration_s = Seconds(required=True, validate=validate.Range(min=0, min_inclusive=False), metadata={
        "description": "The track's duration as the player knows it; within 2 s of the track's own."})


class HistoryTrack(contract.HistoryTrack):
    links = fields.Nested(TrackLinks)


class HistoryEntry(contract.HistoryEntry):
    track = fields.Nested(HistoryTrack)


HistoryPage = page_of(HistoryEntry)
