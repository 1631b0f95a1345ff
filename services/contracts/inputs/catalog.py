"""Inputs of the ``catalog`` service: a play report, playlists and comments."""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from services.common.fields import StrictBoolean, StrictInteger
from services.contracts.inputs import StrictSchema, UUIDString, stored_text
from services.contracts.vocabularies import (COMMENT_MAX, PLAYLIST_DESCRIPTION_MAX, PLAYLIST_MAX_TRACKS,
                                             PLAYLIST_NAME_MAX)

PLAYLIST_TEXTS = ("name", "description")


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


# -- community: playlists and comments ---------------------------------------------------------------

def playlist_name(**kwargs: Any) -> fields.String:
    return stored_text(PLAYLIST_NAME_MAX, **kwargs)


def playlist_description() -> fields.String:
    return stored_text(PLAYLIST_DESCRIPTION_MAX, 0, allow_none=True, metadata={"description": "Blank or null clears it."})


class NewPlaylist(StrictSchema):
    name = playlist_name(required=True)
    description = playlist_description()
    public = StrictBoolean(load_default=True, metadata={"description": "Private playlists are seen by their "
                                                                       "owner only (404 to everyone else)."})


class PlaylistChanges(StrictSchema):
    """Any of the fields; a name can change, never disappear."""

    name = playlist_name()
    description = playlist_description()
    public = StrictBoolean()

    @validates_schema
    def not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("Send at least one of name, description, public.")


class PlaylistEntry(StrictSchema):
    track_id = UUIDString(required=True, metadata={"description": "A published track."})
    position = StrictInteger(allow_none=True, validate=validate.Range(min=0), metadata={
        "description": "0-based place to insert at; omitted or past the end appends."})


class PlaylistOrder(StrictSchema):
    track_ids = fields.List(UUIDString(), required=True, validate=validate.Length(max=PLAYLIST_MAX_TRACKS),
                            metadata={"description": "Exactly the playlist's track ids, each once, in the new order."})


class NewComment(StrictSchema):
    body = stored_text(COMMENT_MAX, required=True, metadata={
        "description": "Plain text, 1–1000 characters after trimming; stored as sent, never rendered as HTML."})
