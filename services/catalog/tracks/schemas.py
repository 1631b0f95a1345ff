"""Validation of the tracks area's RPC input (tracks, artist pages, collections, the track list). The
gateway validates too, but its checks are not trusted here.

Unknown fields are refused (``unknown=RAISE``). Failures raise ``InvalidField`` whose details map
each field to its reasons; a nested field is named with a dot (``exclusive.currency``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from services.catalog.shared.schemas import PageSchema, optional_text, page_of, text
from services.catalog.tracks.models import ARTIST_NAME_MAX, NAME_MAX
from services.catalog.tracks import rules
from services.common.fields import CanonicalId, StrictInteger, Trimmed
from services.common.pagination import KEYSET, PageRequest
from services.common.validation import StrictSchema, flatten, load
from services.contracts.errors import InvalidField
from services.contracts.vocabularies import exclusive_terms_problem

URL_MAX = 2048
#: sort name → its sort key's types (what its cursor holds): newest by publication, popular by plays first
SORTS: dict[str, tuple[type, ...]] = {"newest": KEYSET, "popular": (int, *KEYSET)}


def word_list(**kwargs) -> fields.List:
    return fields.List(text(50), validate=validate.Length(max=rules.LIST_MAX), **kwargs)


def web_url() -> fields.URL:
    return fields.URL(schemes={"http", "https"}, validate=validate.Length(max=URL_MAX))


class ExclusiveSchema(StrictSchema):
    price_cents = StrictInteger(required=True, validate=validate.Range(min=1, error="must be greater than 0"))
    currency = fields.String(required=True, validate=validate.OneOf(rules.CURRENCIES))
    contact_email = fields.Email(required=True, validate=validate.Length(max=254))
    status = fields.String(required=True, validate=validate.OneOf(rules.EXCLUSIVE_STATUSES))


class TrackFieldsSchema(StrictSchema):
    """The fields a track's metadata may carry, all optional: creation adds what is required."""

    name = text(NAME_MAX)
    artists = fields.List(text(ARTIST_NAME_MAX), validate=validate.Length(max=rules.LIST_MAX))
    bpm = StrictInteger(validate=validate.Range(min=rules.BPM_MIN, max=rules.BPM_MAX))
    key = fields.String(validate=validate.OneOf(rules.KEYS))
    scale = fields.String(validate=validate.OneOf(rules.SCALES))
    genres = word_list()
    tags = word_list()
    description = optional_text(rules.DESCRIPTION_MAX)
    cover_preset = Trimmed(allow_none=True, validate=validate.Length(min=1, max=50))
    licensing_model = fields.String(validate=validate.OneOf(rules.LICENSING_MODELS))
    exclusive = fields.Nested(ExclusiveSchema, allow_none=True)
    sample_clearance = fields.String(allow_none=True, validate=validate.OneOf(rules.SAMPLE_CLEARANCES))

    @validates_schema(skip_on_field_errors=True)
    def exclusive_terms(self, data: dict, **kwargs) -> None:
        if "licensing_model" not in data:
            return  # judged on the merged track when only some fields change
        check_exclusive(data["licensing_model"], data.get("exclusive"))


def check_exclusive(licensing_model: str, exclusive: dict | None) -> None:
    if problem := exclusive_terms_problem(licensing_model, exclusive is not None):
        raise ValidationError([problem], field_name="exclusive")


class TrackMetadataSchema(TrackFieldsSchema):
    """``create_track``'s metadata. ``artists`` (and a cover) may come from the collection instead."""

    name = text(NAME_MAX, required=True)
    bpm = StrictInteger(required=True, validate=validate.Range(min=rules.BPM_MIN, max=rules.BPM_MAX))
    key = fields.String(required=True, validate=validate.OneOf(rules.KEYS))
    scale = fields.String(required=True, validate=validate.OneOf(rules.SCALES))
    licensing_model = fields.String(load_default=rules.STANDARD, validate=validate.OneOf(rules.LICENSING_MODELS))
    collaborators = fields.List(CanonicalId(), load_default=list, validate=validate.Length(max=rules.LIST_MAX))
    collection_id = CanonicalId(load_default=None, allow_none=True)


class TrackChangesSchema(TrackFieldsSchema):
    """``update_track``'s changes: any of the track fields except its collaborators and collection."""


class ArtistChangesSchema(StrictSchema):
    name = text(ARTIST_NAME_MAX)
    genres = word_list()
    links = fields.List(web_url(), validate=validate.Length(max=10))
    country = optional_text(100)
    city = optional_text(100)
    description = optional_text(rules.DESCRIPTION_MAX)
    credits = fields.List(text(200), validate=validate.Length(max=50))
    pinned_track_id = CanonicalId(allow_none=True)


class ArtistImageSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(rules.IMAGE_KINDS))
    image_key = text(300, required=True)


class CollectionSchema(StrictSchema):
    name = text(NAME_MAX, required=True)
    artists = fields.List(text(ARTIST_NAME_MAX), load_default=list, validate=validate.Length(max=rules.LIST_MAX))
    genres = word_list(load_default=list)
    tags = word_list(load_default=list)
    description = Trimmed(load_default=None, allow_none=True, validate=validate.Length(max=rules.DESCRIPTION_MAX))


class TrackFiltersSchema(StrictSchema):
    genre = text(50)
    bpm_min = StrictInteger(validate=validate.Range(min=0))
    bpm_max = StrictInteger(validate=validate.Range(min=0))
    key = fields.String(validate=validate.OneOf(rules.KEYS))
    scale = fields.String(validate=validate.OneOf(rules.SCALES))
    q = text(200)
    producer = CanonicalId()

    @validates_schema(skip_on_field_errors=True)
    def bpm_range(self, data: dict, **kwargs) -> None:
        if "bpm_min" in data and "bpm_max" in data and data["bpm_min"] > data["bpm_max"]:
            raise ValidationError(["must not be below bpm_min"], field_name="bpm_max")


class ListSchema(PageSchema):
    filters = fields.Nested(TrackFiltersSchema, load_default=dict)
    sort = fields.String(load_default="newest", validate=validate.OneOf(tuple(SORTS)))


def tracks_kind(sort: str) -> str:
    return f"tracks:{sort}"


# --- commands --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TrackQuery:
    filters: dict[str, Any]
    sort: str
    page: PageRequest


# --- loading -------------------------------------------------------------------------------------

def load_track_metadata(metadata: Any) -> dict[str, Any]:
    return load(TrackMetadataSchema, metadata, root="metadata")


def load_track_changes(changes: Any) -> dict[str, Any]:
    return load(TrackChangesSchema, changes, root="changes")


def load_artist_changes(changes: Any) -> dict[str, Any]:
    return load(ArtistChangesSchema, changes, root="changes")


def load_artist_image(kind: Any, image_key: Any) -> dict[str, Any]:
    return load(ArtistImageSchema, {"kind": kind, "image_key": image_key})


def load_collection(data: Any) -> dict[str, Any]:
    return load(CollectionSchema, data, root="data")


def load_track_query(filters: Any, sort: Any, cursor: Any, limit: Any) -> TrackQuery:
    data = load(ListSchema, {"filters": filters if filters is not None else {}, "sort": sort,
                               "cursor": cursor, "limit": limit})
    return TrackQuery(data["filters"], data["sort"], page_of(tracks_kind(data["sort"]), data, SORTS[data["sort"]]))


class UploadSchema(StrictSchema):
    """``create_track``'s file arguments, as the gateway passes them after storing the upload."""

    audio_key = text(300, required=True)
    size_bytes = StrictInteger(required=True, validate=validate.Range(min=0))
    cover_key = Trimmed(load_default=None, allow_none=True, validate=validate.Length(max=300))


def load_upload(audio_key: Any, size_bytes: Any, cover_key: Any) -> dict[str, Any]:
    return load(UploadSchema, {"audio_key": audio_key, "size_bytes": size_bytes, "cover_key": cover_key})


def exclusive_problem(licensing_model: str, exclusive: dict | None) -> InvalidField | None:
    """``check_exclusive`` as an ``InvalidField`` (for changes judged against the stored track)."""
    try:
        check_exclusive(licensing_model, exclusive)
    except ValidationError as exc:
        return InvalidField("invalid exclusive", flatten(exc.messages, "exclusive"))
    return None
