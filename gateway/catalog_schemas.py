"""Schemas of the catalog's API: tracks, artist pages, collections (docs/rpc-catalog.md).

Responses never carry media-store keys: the gateway adds ``links`` (URLs it serves) instead.
"""
from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from gateway.schemas import PageQuery, UUIDString, page_of
from services.contracts.inputs import catalog as contract_inputs
# the terms a track's metadata nests (a component of the document), re-exported
from services.contracts.inputs.catalog import ExclusiveTerms  # noqa: F401
from services.contracts.rpc import catalog as contract
from services.contracts.vocabularies import (BPM_MAX, BPM_MIN, COVER_SIZES, GENRES, IMAGE_KINDS, KEYS,
                                             LICENSING_FILTERS, SCALES, TRACK_SORTS, WORD_MAX)
from services.contracts.rpc.catalog import ArtistImages, AudioInfo, Exclusive, Rejection  # noqa: F401

SORTS = TRACK_SORTS
BPM = validate.Range(min=BPM_MIN, max=BPM_MAX)
BINARY = {"type": "string", "format": "binary"}
UPLOAD_RULES = (
    "Required beyond the fields marked so: `artists` (at least one name) unless `collection_id` names one of "
    "your collections (the track then takes the collection's artists); a cover: a `cover` part, or "
    "`cover_preset`, or a `collection_id` (the collection's cover); `exclusive` exactly when `licensing_model` is "
    "`standard_exclusive` or `exclusive_only`.")


# -- requests: the catalog's input contracts (services/contracts/inputs/catalog.py) -----------------

class TrackMetadata(contract_inputs.TrackMetadata):
    """The upload's ``metadata`` part."""

    class Meta(contract_inputs.TrackMetadata.Meta):
        description = UPLOAD_RULES


class TrackPatch(contract_inputs.TrackPatch):
    """PATCH /tracks/{id}'s body (docs/rpc-catalog.md: update_track)."""


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
    licensing = fields.String(validate=validate.OneOf(LICENSING_FILTERS), metadata={
        "description": "A licensing model (`standard`: standard licences only; `standard_exclusive`: standard "
                       "licences and an exclusive; `exclusive_only`), or `exclusive_available`: tracks whose "
                       "exclusive can be bought now (an exclusive model, the exclusive's status `available`)."})
    sort = fields.String(load_default="newest", validate=validate.OneOf(SORTS))

    @validates_schema(skip_on_field_errors=False)
    def bpm_range(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "bpm_min" in data and "bpm_max" in data and data["bpm_min"] > data["bpm_max"]:
            raise ValidationError({"bpm_min": ["Must not exceed bpm_max."]})


class ArtistPatch(contract_inputs.ArtistPatch):
    """PATCH /artists/{id}'s body."""


class ArtistImageForm(Schema):
    kind = fields.String(required=True, metadata={"enum": list(IMAGE_KINDS)})
    image = fields.Raw(required=True, metadata={**BINARY, "description": "PNG, JPEG or WebP (by content)."})


class CollectionMetadata(contract_inputs.CollectionMetadata):
    """The ``metadata`` part of POST /collections."""


class CollectionForm(Schema):
    """multipart/form-data parts of ``POST /collections`` (documentation only)."""

    cover = fields.Raw(metadata={**BINARY, "description": "PNG, JPEG or WebP (by content). Required unless metadata "
                                                          "carries `cover_preset`."})
    metadata = fields.Nested(CollectionMetadata, required=True, metadata={"description": "A JSON string."})


class CollectionPatch(contract_inputs.CollectionPatch):
    """PATCH /collections/{id}'s body (docs/rpc-catalog.md: update_collection)."""


class CoverForm(Schema):
    """multipart/form-data part of ``PUT /tracks/{id}/cover`` and ``PUT /collections/{id}/cover``."""

    cover = fields.Raw(required=True, metadata={**BINARY, "description": "PNG, JPEG or WebP (by content), ≤ "
                                                                        "COVER_MAX_BYTES."})


class CoverPresetsQuery(Schema):
    genre = fields.String(validate=validate.Length(min=1, max=WORD_MAX), metadata={
        "description": "A genre of the vocabulary, matched as tracks' genres are (case, spaces and hyphens aside): "
                       + ", ".join(GENRES) + ". Without it: every preset."})


class CoverQuery(Schema):
    class Meta:
        unknown = EXCLUDE  # an image URL may carry a cache-busting parameter (`?v=2`): it is not ours to refuse

    size = fields.Integer(validate=validate.OneOf(COVER_SIZES), metadata={
        "enum": list(COVER_SIZES),
        "description": "Serve the image fitted into size × size pixels (never enlarged) as WebP — what a list or a "
                       "card shows, a fraction of the bytes. Without it: the image as stored."})


# -- responses --------------------------------------------------------------------------------

class TrackLinks(Schema):
    stream = fields.String(metadata={"description": "Only when published."})
    waveform = fields.String(metadata={"description": "Only when published."})
    cover = fields.String(metadata={"description": "The cover image, or its preset as JSON."})


class Track(contract.Track):
    links = fields.Nested(TrackLinks)


class ViewedTrack(Track, contract.ViewedTrack):
    """``GET /tracks/{id}``: a track with the caller's own like and repost."""

    viewer = fields.Nested(contract.TrackViewer, allow_none=True, metadata={
        "description": "With a valid access token: whether you like (`liked`) and reposted (`reposted`) the track; "
                       "null without one."})


class Accepted(Schema):
    id = fields.String(metadata={"format": "uuid"})
    status = fields.String(metadata={"enum": ["processing"]})


class Artist(contract.Artist):
    username = fields.String(allow_none=True, metadata={
        "description": "The owning account's username; null while unclaimed.", "example": "djnova"})
    image_links = fields.Nested(ArtistImages, metadata={"description": "URLs of the same images."})


class ViewedArtist(Artist, contract.ViewedArtist):
    """``GET /artists/{id}``: an artist page with whether the caller follows it."""

    viewer = fields.Nested(contract.ArtistViewer, allow_none=True, metadata={
        "description": "With a valid access token: whether you follow the page (`following`); null without one."})


class CollectionLinks(Schema):
    cover = fields.String(metadata={"description": "The cover image (its own, or its preset's)."})


class Collection(contract.Collection):
    links = fields.Nested(CollectionLinks)
class ArtistSearchQuery(PageQuery, contract_inputs.ArtistSearch):
    """``GET /artists``: ``q`` and a page."""


class ArtistMatch(contract.ArtistMatch):
    """A page the search found: `claim_status` `available` (nobody manages it: it can be claimed) or `claimed`."""


class MyArtist(contract.MyArtist):
    """A page the caller manages."""


class CoverPreset(Schema):
    id = fields.String(metadata={"description": "What `cover_preset` takes, e.g. `trap-2`."})
    genre = fields.String(metadata={"enum": list(GENRES)})
    image_url = fields.String(metadata={"description": "The preset's image (JPEG, 1200 × 1200), cacheable."})


TrackPage = page_of(Track)
CollectionPage = page_of(Collection)
CoverPresetPage = page_of(CoverPreset)
ArtistMatchPage = page_of(ArtistMatch)
MyArtistPage = page_of(MyArtist)


class DiscographyTrack(contract.DiscographyTrack):
    links = fields.Nested(TrackLinks)


DiscographyPage = page_of(DiscographyTrack)
SimilarArtist = contract.SimilarArtist
SimilarArtistList = page_of(SimilarArtist)
