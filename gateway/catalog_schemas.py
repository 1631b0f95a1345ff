"""Schemas of the catalog's API: tracks, artist pages, collections (docs/rpc-catalog.md).

Responses never carry media-store keys: the gateway adds ``links`` (URLs it serves) instead.
"""
from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from gateway.schemas import MISSING, PageQuery, StrictSchema, UUIDString, page_of, text, web_url
from services.contracts.rpc import catalog as contract
from services.contracts.vocabularies import (BPM_MAX, BPM_MIN, CURRENCIES, EXCLUSIVE_STATUSES, IMAGE_KINDS, KEYS,
                                             LICENSING_MODELS, SAMPLE_CLEARANCES, SCALES, TRACK_SORTS,
                                             exclusive_terms_problem)
from services.contracts.rpc.catalog import ArtistImages, AudioInfo, Collection, Exclusive, Rejection  # noqa: F401

CLEARANCES = SAMPLE_CLEARANCES
SORTS = TRACK_SORTS
BPM = validate.Range(min=BPM_MIN, max=BPM_MAX)
BINARY = {"type": "string", "format": "binary"}


def names(max_items: int = 20, max_length: int = 50, min_items: int = 0, **kwargs: Any) -> fields.List:
    return fields.List(fields.String(validate=validate.Length(min=1, max=max_length)),
                       validate=validate.Length(min=min_items, max=max_items), **kwargs)


class ExclusiveTerms(StrictSchema):
    price_cents = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    currency = fields.String(required=True, validate=validate.OneOf(CURRENCIES))
    contact_email = fields.Email(required=True, validate=validate.Length(max=254))
    status = fields.String(load_default="available", validate=validate.OneOf(EXCLUSIVE_STATUSES))


class TrackFields(StrictSchema):
    """Every editable track field, all optional (PATCH); TrackMetadata adds what an upload requires."""

    name = fields.String(validate=validate.Length(min=1, max=200))
    artists = names(max_items=20, max_length=100, metadata={
        "description": "Display names (≥ 1). On upload: required unless `collection_id` is set."})
    collaborators = fields.List(UUIDString(), validate=validate.Length(max=20),
                                metadata={"description": "Artist ids credited with the uploader."})
    bpm = fields.Integer(strict=True, validate=BPM)
    key = fields.String(validate=validate.OneOf(KEYS))
    scale = fields.String(validate=validate.OneOf(SCALES))
    genres = names()
    tags = names()
    description = text(5000)
    collection_id = UUIDString(allow_none=True, metadata={
        "description": "One of your collections: the track joins it and takes its artists, genres, tags and "
                       "cover where its own are not given."})
    cover_preset = fields.String(validate=validate.Length(min=1, max=50), metadata={
        "description": "A genre name: the preset cover used without a cover file. On upload: required unless a "
                       "`cover` part or a `collection_id` is sent."})
    licensing_model = fields.String(validate=validate.OneOf(LICENSING_MODELS))
    exclusive = fields.Nested(ExclusiveTerms, allow_none=True, metadata={
        "description": "Required with `standard_exclusive` and `exclusive_only`; refused with `standard`."})
    sample_clearance = fields.String(validate=validate.OneOf(CLEARANCES))

    @validates_schema(skip_on_field_errors=False)  # reported beside any field errors
    def exclusive_terms(self, data: dict[str, Any], **kwargs: Any) -> None:
        """The catalog's own rule (services/contracts/vocabularies.py), so the gateway's 422 is the only one.
        Judged when the body names the model: a PATCH of the terms alone is judged by catalog against the
        stored track."""
        if "licensing_model" in data:
            if problem := exclusive_terms_problem(data["licensing_model"], data.get("exclusive") is not None):
                raise ValidationError({"exclusive": [problem]})


ARTISTS_NEEDED = MISSING + " (at least one, unless the track joins a collection)"
UPLOAD_RULES = (
    "Required beyond the fields marked so: `artists` (at least one name) unless `collection_id` names one of "
    "your collections (the track then takes the collection's artists); a cover: a `cover` part, or "
    "`cover_preset`, or a `collection_id` (the collection's cover); `exclusive` exactly when `licensing_model` is "
    "`standard_exclusive` or `exclusive_only`.")


class TrackMetadata(TrackFields):
    """The upload's ``metadata`` part."""

    class Meta(StrictSchema.Meta):
        description = UPLOAD_RULES

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    bpm = fields.Integer(required=True, strict=True, validate=BPM)
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
    """Collaborators and the collection are fixed at upload (docs/rpc-catalog.md: update_track)."""

    class Meta:
        exclude = ("collaborators", "collection_id")

    @validates_schema
    def not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("Send at least one field to change.")


class TrackUploadForm(Schema):
    """multipart/form-data parts of ``POST /tracks`` (documentation only; parts are read as a stream)."""

    audio = fields.Raw(required=True, metadata={**BINARY, "description": "WAV or FLAC, judged by content."})
    cover = fields.Raw(metadata={**BINARY, "description": "PNG, JPEG or WebP. Required unless metadata carries "
                                                          "`cover_preset` or `collection_id`."})
    metadata = fields.Nested(TrackMetadata, required=True, metadata={
        "description": "A JSON string; send it before `audio` to have it checked before the file is read. "
                       + UPLOAD_RULES})


class TracksQuery(PageQuery):
    genre = fields.String(validate=validate.Length(max=50))
    bpm_min = fields.Integer(validate=BPM)
    bpm_max = fields.Integer(validate=BPM)
    key = fields.String(validate=validate.OneOf(KEYS))
    scale = fields.String(validate=validate.OneOf(SCALES))
    q = fields.String(validate=validate.Length(min=1, max=200), metadata={"description": "Text search."})
    producer = UUIDString(metadata={"description": "The artist id, or the producer's user id."})
    sort = fields.String(load_default="newest", validate=validate.OneOf(SORTS))

    @validates_schema(skip_on_field_errors=False)
    def bpm_range(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "bpm_min" in data and "bpm_max" in data and data["bpm_min"] > data["bpm_max"]:
            raise ValidationError({"bpm_min": ["Must not exceed bpm_max."]})


class ArtistPatch(StrictSchema):
    name = fields.String(validate=validate.Length(min=1, max=100))
    genres = names()
    links = fields.List(web_url(), validate=validate.Length(max=10))
    country = text(100, allow_none=True)
    city = text(100, allow_none=True)
    description = text(5000, allow_none=True)
    credits = fields.List(fields.String(validate=validate.Length(min=1, max=200)), validate=validate.Length(max=50))
    pinned_track_id = UUIDString(allow_none=True)

    @validates_schema
    def not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("Send at least one field to change.")


class ArtistImageForm(Schema):
    kind = fields.String(required=True, metadata={"enum": list(IMAGE_KINDS)})
    image = fields.Raw(required=True, metadata={**BINARY, "description": "PNG, JPEG or WebP (by content)."})


class CollectionMetadata(StrictSchema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    artists = names(max_items=20, max_length=100, min_items=1, required=True)
    genres = names()
    tags = names()
    description = text(5000)


class CollectionForm(Schema):
    cover = fields.Raw(required=True, metadata={**BINARY, "description": "PNG, JPEG or WebP (by content)."})
    metadata = fields.Nested(CollectionMetadata, required=True, metadata={"description": "A JSON string."})


# -- responses --------------------------------------------------------------------------------

class TrackLinks(Schema):
    stream = fields.String(metadata={"description": "Only when published."})
    waveform = fields.String(metadata={"description": "Only when published."})
    cover = fields.String(metadata={"description": "The cover image, or its preset as JSON."})


class Track(contract.Track):
    links = fields.Nested(TrackLinks)


class Accepted(Schema):
    id = fields.String(metadata={"format": "uuid"})
    status = fields.String(metadata={"enum": ["processing"]})


class Artist(contract.Artist):
    username = fields.String(allow_none=True, metadata={
        "description": "The owning account's username; null while unclaimed.", "example": "djnova"})
    image_links = fields.Nested(ArtistImages, metadata={"description": "URLs of the same images."})


class CoverPreset(Schema):
    preset = fields.String(allow_none=True, metadata={"description": "The genre whose preset cover applies."})


TrackPage = page_of(Track)
