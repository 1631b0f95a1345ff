"""Inputs of the ``catalog`` service: a track's metadata and changes, an artist page's changes, a collection,
a play report, playlists and comments, a beat request."""
from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from services.common.fields import StrictBoolean, StrictInteger
from services.contracts.inputs import MISSING, StrictSchema, UUIDString, no_nul, stored_text, text, web_url
from services.contracts.vocabularies import (ARTIST_NAME_MAX, ARTIST_SEARCH_MAX, ARTIST_SEARCH_MIN,
                                             BEAT_REQUEST_BUDGET_MAX_CENTS, BEAT_REQUEST_CURRENCIES,
                                             BEAT_REQUEST_GENRE_MAX, BEAT_REQUEST_LIFETIME_COSTS,
                                             BEAT_REQUEST_MOOD_MAX, BPM_MAX, BPM_MIN, COMMENT_MAX, COVER_PRESET_MAX,
                                             CURRENCIES, GENRES, UNKNOWN_COVER_PRESET,
                                             DESCRIPTION_MAX, EXCLUSIVE_STATUSES, KEYS, LICENSING_MODELS, LIST_MAX,
                                             PLAYLIST_DESCRIPTION_MAX, PLAYLIST_MAX_TRACKS, PLAYLIST_NAME_MAX,
                                             SAMPLE_CLEARANCES, SCALES, TRACK_NAME_MAX, exclusive_terms_problem,
                                             resolve_cover_preset)

TRACK_TEXTS = ("name", "artists", "genres", "tags", "description", "cover_preset")
ARTIST_TEXTS = ("name", "genres", "country", "city", "description", "credits")
COLLECTION_TEXTS = ("name", "artists", "genres", "tags", "description", "cover_preset")
PLAYLIST_TEXTS = ("name", "description")
BEAT_REQUEST_TEXTS = ("genre", "mood")


# -- tracks, artist pages, collections ----------------------------------------------------------------

def names(max_items: int = LIST_MAX, max_length: int = 50, min_items: int = 0, **kwargs: Any) -> fields.List:
    return fields.List(fields.String(validate=validate.Length(min=1, max=max_length)),
                       validate=validate.Length(min=min_items, max=max_items), **kwargs)


class ExclusiveTerms(StrictSchema):
    price_cents = StrictInteger(required=True, validate=validate.Range(min=1))
    currency = fields.String(required=True, validate=validate.OneOf(CURRENCIES))
    contact_email = fields.Email(required=True, validate=validate.Length(max=254))
    status = fields.String(load_default="available", validate=validate.OneOf(EXCLUSIVE_STATUSES))


def known_cover_preset(value: str) -> None:
    if resolve_cover_preset(value) is None:
        raise ValidationError(UNKNOWN_COVER_PRESET)


def cover_preset_field(when: str, **kwargs: Any) -> fields.String:
    """A preset cover: a preset id (``trap-2``; GET /cover-presets lists them) or a genre of the vocabulary, which
    takes that genre's first preset (the service stores the preset id)."""
    return fields.String(validate=[validate.Length(min=1, max=COVER_PRESET_MAX), known_cover_preset], metadata={
        "description": "A preset cover: a preset id from `GET /api/v1/cover-presets` (e.g. `trap-2`), or a genre of "
                       "the vocabulary (" + ", ".join(GENRES) + "; any case), which takes that genre's first "
                       "preset; stored as the preset id. " + when}, **kwargs)


class TrackFields(StrictSchema):
    """Every editable track field, all optional (a PATCH); TrackMetadata adds what an upload requires."""

    name = fields.String(validate=validate.Length(min=1, max=TRACK_NAME_MAX))
    artists = names(max_length=ARTIST_NAME_MAX, metadata={
        "description": "Display names (≥ 1). On upload: required unless `collection_id` is set."})
    collaborators = fields.List(UUIDString(), validate=validate.Length(max=LIST_MAX),
                                metadata={"description": "Artist ids credited with the uploader."})
    bpm = StrictInteger(validate=validate.Range(min=BPM_MIN, max=BPM_MAX))
    key = fields.String(validate=validate.OneOf(KEYS))
    scale = fields.String(validate=validate.OneOf(SCALES))
    genres = names()
    tags = names()
    description = text(DESCRIPTION_MAX)
    collection_id = UUIDString(allow_none=True, metadata={
        "description": "One of your collections: the track joins it and takes its artists, genres, tags and "
                       "cover where its own are not given."})
    cover_preset = cover_preset_field(
        "On upload: required unless a `cover` part or a `collection_id` is sent. A different preset set later "
        "replaces the track's cover image.")
    licensing_model = fields.String(validate=validate.OneOf(LICENSING_MODELS))
    exclusive = fields.Nested(ExclusiveTerms, allow_none=True, metadata={
        "description": "Required with `standard_exclusive` and `exclusive_only`; refused with `standard`."})
    sample_clearance = fields.String(validate=validate.OneOf(SAMPLE_CLEARANCES))

    @validates_schema(skip_on_field_errors=False)  # reported beside any field errors
    def exclusive_terms(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Judged when the input names the model: changes of the terms alone are judged by the catalog
        against the stored track."""
        if "licensing_model" in data:
            if problem := exclusive_terms_problem(data["licensing_model"], data.get("exclusive") is not None):
                raise ValidationError({"exclusive": [problem]})


ARTISTS_NEEDED = MISSING + " (at least one, unless the track joins a collection)"


class TrackMetadata(TrackFields):
    """A new track's metadata."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=TRACK_NAME_MAX))
    bpm = StrictInteger(required=True, validate=validate.Range(min=BPM_MIN, max=BPM_MAX))
    key = fields.String(required=True, validate=validate.OneOf(KEYS))
    scale = fields.String(required=True, validate=validate.OneOf(SCALES))
    licensing_model = fields.String(load_default="standard", validate=validate.OneOf(LICENSING_MODELS))

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def artists_unless_collection(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        # judged on what was sent: an invalid collection_id or artists list already has its own error
        sent = original if isinstance(original, dict) else {}
        if not sent.get("collection_id") and sent.get("artists") in (None, [], ""):
            raise ValidationError({"artists": [ARTISTS_NEEDED]})


class TrackPatch(TrackFields):
    """A track's changes: collaborators and the collection are fixed at upload."""

    class Meta:
        exclude = ("collaborators", "collection_id")

    @validates_schema
    def not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("Send at least one field to change.")


class ArtistPatch(StrictSchema):
    name = fields.String(validate=validate.Length(min=1, max=ARTIST_NAME_MAX))
    genres = names()
    links = fields.List(web_url(), validate=validate.Length(max=10))
    country = text(100, allow_none=True)
    city = text(100, allow_none=True)
    description = text(DESCRIPTION_MAX, allow_none=True)
    credits = fields.List(fields.String(validate=validate.Length(min=1, max=200)), validate=validate.Length(max=50))
    pinned_track_id = UUIDString(allow_none=True)

    @validates_schema
    def not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("Send at least one field to change.")


class ArtistSearch(StrictSchema):
    """The artist search's query (``GET /artists?q=``; catalog's ``search_artists``)."""

    q = stored_text(ARTIST_SEARCH_MAX, ARTIST_SEARCH_MIN, required=True, metadata={
        "description": f"Part of the artist's name, {ARTIST_SEARCH_MIN} to {ARTIST_SEARCH_MAX} characters once "
                       "trimmed; matched anywhere in the name, ignoring case and accents."})


class CollectionMetadata(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=TRACK_NAME_MAX))
    artists = names(max_length=ARTIST_NAME_MAX, min_items=1, required=True)
    genres = names()
    tags = names()
    description = text(DESCRIPTION_MAX)
    cover_preset = cover_preset_field("Required unless a `cover` part is sent (a cover part wins over it).")


class CollectionPatch(StrictSchema):
    """A collection's changes: any of its fields; a cover image is replaced with PUT /collections/{id}/cover."""

    name = fields.String(validate=validate.Length(min=1, max=TRACK_NAME_MAX))
    artists = names(max_length=ARTIST_NAME_MAX, min_items=1)
    genres = names()
    tags = names()
    description = text(DESCRIPTION_MAX, allow_none=True)
    cover_preset = cover_preset_field("It replaces the collection's cover image.")

    @validates_schema
    def not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("Send at least one field to change.")


# -- plays --------------------------------------------------------------------------------------------

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


# -- beat requests ---------------------------------------------------------------------------------

def required_text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(required=True, validate=[validate.Length(min=1, max=max_length),
                                                  validate.Regexp(r"\S", error="Must not be blank."), no_nul], **kwargs)


def bpm(**kwargs: Any) -> StrictInteger:
    return StrictInteger(validate=validate.Range(min=BPM_MIN, max=BPM_MAX), **kwargs)


class NewBeatRequest(StrictSchema):
    """A request's shape; the catalog checks the reference track and the requester's tokens."""

    genre = required_text(BEAT_REQUEST_GENRE_MAX)
    bpm_min = bpm(required=True)
    bpm_max = bpm(required=True)
    mood = required_text(BEAT_REQUEST_MOOD_MAX)
    budget_cents = StrictInteger(required=True, validate=validate.Range(min=0, max=BEAT_REQUEST_BUDGET_MAX_CENTS),
                                 metadata={"description": "The budget in cents of `currency`."})
    currency = fields.String(validate=validate.OneOf(BEAT_REQUEST_CURRENCIES),
                             metadata={"description": "CAD (the default)."})
    reference_track_id = UUIDString(allow_none=True, metadata={"description": "A published track."})
    lifetime_hours = StrictInteger(required=True, validate=validate.OneOf(tuple(BEAT_REQUEST_LIFETIME_COSTS)),
                                   metadata={"description": "24, 48 or 72 hours, costing 1, 2 or 3 tokens."})

    @validates_schema(skip_on_field_errors=False)  # reported beside any other field's error
    def bpm_range(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "bpm_min" in data and "bpm_max" in data and data["bpm_min"] > data["bpm_max"]:
            raise ValidationError({"bpm_min": ["Must not exceed bpm_max."]})
