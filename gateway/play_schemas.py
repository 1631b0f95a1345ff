"""Schemas of plays and listening history (docs/rpc-catalog.md: report_play, list_history).

The gateway checks the body's shape (numbers, ranges); the catalog service checks the rest (the position
against the duration, the duration against the track's) and answers 422 the same way."""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from gateway.catalog_schemas import TrackLinks
from gateway.schemas import StrictSchema, page_of

REASONS = ("counted", "too_early", "already_counted_this_hour", "own_track")


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


class PlayResult(Schema):
    counted = fields.Boolean(metadata={"description": "Whether this report counted a play."})
    reason = fields.String(metadata={"enum": list(REASONS)})
    play_count = fields.Integer(metadata={"description": "The track's counted plays, this one included."})
    next_count_at = fields.String(allow_none=True, metadata={
        "format": "date-time", "description": "When the anti-repeat hour ends (a play may count again), or null."})


class HistoryTrack(Schema):
    id = fields.String(metadata={"format": "uuid"})
    name = fields.String(metadata={"description": "The track's title."})
    artists = fields.List(fields.String(), metadata={"description": "Artist display names."})
    artist_id = fields.String(metadata={"format": "uuid"})
    links = fields.Nested(TrackLinks)


class HistoryEntry(Schema):
    id = fields.String(metadata={"format": "uuid"})
    track = fields.Nested(HistoryTrack)
    listened_at = fields.String(metadata={"format": "date-time", "description": "The session's latest report."})
    started_at = fields.String(metadata={"format": "date-time", "description": "The session's first report."})
    position_s = fields.Float(metadata={"description": "Where the listener was at the latest report."})
    counted = fields.Boolean(metadata={"description": "Whether a play counted during this session."})


HistoryPage = page_of(HistoryEntry)
