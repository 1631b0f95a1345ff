"""Validation of the tracks area's RPC input (tracks, artist pages, collections, the track list): the
catalog's input contracts (services/contracts/inputs/catalog.py), loaded the catalog's way.

Unknown fields are refused (``unknown=RAISE``). Failures raise ``InvalidField`` whose details map
each field to its reasons; a nested field is named with a dot (``exclusive.currency``).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError, fields, post_load, pre_load, validate, validates_schema

from services.catalog.shared.schemas import PageSchema, load_page, page_of, text
from services.catalog.tracks import rules
from services.common.fields import CanonicalId, StrictInteger, Trimmed
from services.common.pagination import KEYSET, PageRequest
from services.common.validation import StrictSchema, flatten, load
from services.contracts.errors import InvalidField, NotFound
from services.contracts.inputs import catalog as contract
from services.contracts.inputs import trimmed
from services.contracts.rpc.catalog import ARTIST_SUMMARIES_MAX
from services.contracts.vocabularies import (COVER_SIZES, PAYOUT_TRACKS_PAGE_MAX, SEARCH_TEXT_MAX, STEMS_MAX_MEMBERS,
                                             STEMS_MAX_UNCOMPRESSED_BYTES, exclusive_terms_problem, preset_genre,
                                             resolve_cover_preset)

#: sort name → its sort key's types (what its cursor holds): newest by publication, popular by plays first
SORTS: dict[str, tuple[type, ...]] = {"newest": KEYSET, "popular": (int, *KEYSET)}


class CatalogInput:
    """How the catalog loads a contract: its text (and lists of names) trimmed first, and null read as
    "clear it" for the fields in ``NULLABLE`` (the gateway refuses null there; the catalog's other
    clients clear with it)."""

    TEXTS: tuple[str, ...] = ()
    NULLABLE: tuple[str, ...] = ()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.NULLABLE:
            if name in self.fields:
                self.fields[name].allow_none = True

    @pre_load
    def trim(self, data: Any, **kwargs) -> Any:
        return trimmed(data, self.TEXTS)

    @post_load
    def preset_id(self, data: dict, **kwargs) -> dict:
        """A ``cover_preset`` is stored as the preset id it names (a bare genre names its first preset)."""
        if data.get("cover_preset"):
            data["cover_preset"] = resolve_cover_preset(data["cover_preset"])
        return data


class TrackInput(CatalogInput):
    TEXTS = contract.TRACK_TEXTS
    NULLABLE = ("description", "cover_preset", "sample_clearance")

    @validates_schema(skip_on_field_errors=True)
    def exclusive_terms(self, data: dict, **kwargs) -> None:
        """The contract's rule, judged only once the terms themselves are valid (one reason per field)."""
        if "licensing_model" not in data:
            return  # judged on the merged track when only some fields change
        check_exclusive(data["licensing_model"], data.get("exclusive"))


def check_exclusive(licensing_model: str, exclusive: dict | None) -> None:
    if problem := exclusive_terms_problem(licensing_model, exclusive is not None):
        raise ValidationError([problem], field_name="exclusive")


class TrackMetadataSchema(TrackInput, contract.TrackMetadata):
    """``create_track``'s metadata. ``artists`` (and a cover) may come from the collection instead."""

    @validates_schema(skip_on_field_errors=True)
    def not_sold(self, data: dict, **kwargs) -> None:
        """A new track's exclusive cannot start sold: only a buyer's payment sells it."""
        if (data.get("exclusive") or {}).get("status") == rules.SOLD:
            raise ValidationError({"exclusive": {"status": [rules.SOLD_BY_PLATFORM]}})

    @post_load
    def with_defaults(self, data: dict, **kwargs) -> dict:
        return {"collaborators": [], "collection_id": None, **data}


class TrackChangesSchema(TrackInput, contract.TrackPatch):
    """``update_track``'s changes: any of the track fields except its collaborators and collection."""


class ArtistChangesSchema(CatalogInput, contract.ArtistPatch):
    TEXTS = contract.ARTIST_TEXTS


class ArtistImageSchema(StrictSchema):
    kind = fields.String(required=True, validate=validate.OneOf(rules.IMAGE_KINDS))
    image_key = text(300, required=True)


class CollectionSchema(CatalogInput, contract.CollectionMetadata):
    """A collection's contract; the catalog also takes one without artists (its tracks then name their own)."""

    TEXTS = contract.COLLECTION_TEXTS
    NULLABLE = ("description",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["artists"].required = False

    @post_load
    def with_defaults(self, data: dict, **kwargs) -> dict:
        return {"artists": [], "genres": [], "tags": [], "description": None, **data}


class CollectionChangesSchema(CatalogInput, contract.CollectionPatch):
    """``update_collection``'s changes."""

    TEXTS = contract.COLLECTION_TEXTS
    NULLABLE = ("description",)


class TrackFiltersSchema(StrictSchema):
    genre = text(50)
    bpm_min = StrictInteger(validate=validate.Range(min=0))
    bpm_max = StrictInteger(validate=validate.Range(min=0))
    key = fields.String(validate=validate.OneOf(rules.KEYS))
    scale = fields.String(validate=validate.OneOf(rules.SCALES))
    q = text(200)
    producer = CanonicalId()
    licensing = fields.String(validate=validate.OneOf(rules.LICENSING_FILTERS))

    @validates_schema(skip_on_field_errors=True)
    def bpm_range(self, data: dict, **kwargs) -> None:
        if "bpm_min" in data and "bpm_max" in data and data["bpm_min"] > data["bpm_max"]:
            raise ValidationError(["must not be below bpm_min"], field_name="bpm_max")


class ListSchema(PageSchema):
    filters = fields.Nested(TrackFiltersSchema, load_default=dict)
    sort = fields.String(load_default="newest", validate=validate.OneOf(tuple(SORTS)))


class PayoutTracksSchema(PageSchema):
    """``payout_tracks`` is internal (payouts walks the whole catalog at each run): pages up to 1,000."""

    limit = StrictInteger(load_default=PAYOUT_TRACKS_PAGE_MAX, allow_none=True,
                          validate=validate.Range(min=1, max=PAYOUT_TRACKS_PAGE_MAX))


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


class ArtistSummariesSchema(StrictSchema):
    artist_ids = fields.List(CanonicalId(), required=True, validate=validate.Length(max=ARTIST_SUMMARIES_MAX))


def load_artist_ids(artist_ids: Any) -> list[str]:
    return load(ArtistSummariesSchema, {"artist_ids": artist_ids})["artist_ids"]


# --- the producer's Backstage (backstage.py; the beats list: services/catalog/plays/backstage.py) -------

#: the names of the Backstage lists (a cursor of one is refused by the other)
COLLECTIONS, BEATS = "producer_collections", "producer_beats"


@dataclass(frozen=True)
class BackstageQuery:
    artist_id: str | None
    page: PageRequest
    q: str | None = None
    status: str | None = None


class BackstageSchema(PageSchema):
    """What every Backstage list takes: the page (``artist_id``; the caller's own when absent) and a page."""

    artist_id = CanonicalId(load_default=None, allow_none=True)


class ProducerCollectionsSchema(BackstageSchema):
    q = Trimmed(load_default=None, allow_none=True, validate=validate.Length(max=SEARCH_TEXT_MAX))


def load_producer_collections(artist_id: Any, q: Any, cursor: Any, limit: Any) -> BackstageQuery:
    data = load(ProducerCollectionsSchema, {"artist_id": artist_id, "q": q, "cursor": cursor, "limit": limit})
    return BackstageQuery(data["artist_id"], page_of(COLLECTIONS, data), q=data["q"] or None)


class ArtistChoiceSchema(StrictSchema):
    """Which of the caller's pages a producer call acts on (``artist=``); None: their default."""

    artist_id = CanonicalId(load_default=None, allow_none=True)


def load_artist_choice(artist_id: Any) -> str | None:
    return load(ArtistChoiceSchema, {"artist_id": artist_id})["artist_id"]


# --- the artist search (artists.search_artists) ----------------------------------------------------------

ARTIST_SEARCH = "artist_search"
#: the search's sort key, (name_key, id): what its cursor holds
ARTIST_SEARCH_KEY: tuple[type, ...] = (str, str)


@dataclass(frozen=True)
class ArtistSearch:
    q: str
    page: PageRequest


class ArtistSearchSchema(CatalogInput, PageSchema, contract.ArtistSearch):
    TEXTS = ("q",)


def load_artist_search(q: Any, cursor: Any, limit: Any) -> ArtistSearch:
    given = {"q": q} if q is not None else {}
    data = load(ArtistSearchSchema, {**given, "cursor": cursor, "limit": limit})
    return ArtistSearch(data["q"], page_of(ARTIST_SEARCH, data, ARTIST_SEARCH_KEY))


def load_collection(data: Any) -> dict[str, Any]:
    return load(CollectionSchema, data, root="data")


def load_collection_changes(changes: Any) -> dict[str, Any]:
    return load(CollectionChangesSchema, changes, root="changes")


#: the artist page's collections (``list_artist_collections``), newest first
ARTIST_COLLECTIONS = "artist_collections"


def load_artist_collections_page(cursor: Any, limit: Any) -> PageRequest:
    return load_page(ARTIST_COLLECTIONS, cursor, limit)


class CoverSchema(StrictSchema):
    """A cover image the gateway stored (``covers/`` in the media store)."""

    cover_key = text(300, required=True)


def load_cover_key(cover_key: Any) -> str:
    return load(CoverSchema, {"cover_key": cover_key})["cover_key"]


class CoverSizeSchema(StrictSchema):
    size = StrictInteger(allow_none=True, load_default=None, validate=validate.OneOf(COVER_SIZES))


def load_cover_size(size: Any) -> int | None:
    """None (the cover as stored) or one of ``COVER_SIZES``; anything else is InvalidField naming ``size``."""
    return load(CoverSizeSchema, {"size": size})["size"]


def load_preset_id(preset_id: Any) -> str:
    """A preset id of the vocabulary (``cover_preset_source``); anything else is NotFound."""
    if not isinstance(preset_id, str) or preset_genre(preset_id) is None:
        raise NotFound("no such cover preset", {"preset_id": str(preset_id)[:100]})
    return preset_id


def load_payout_tracks_page(kind: str, cursor: Any, limit: Any) -> PageRequest:
    data = load(PayoutTracksSchema, {"cursor": cursor, "limit": limit})
    if data["limit"] is None:
        data["limit"] = PAYOUT_TRACKS_PAGE_MAX
    return page_of(kind, data)


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


# --- stems (attach_stems) --------------------------------------------------------------------------

class StemsMemberSchema(StrictSchema):
    """One member of audio's ``check_stems`` reply (services/contracts/rpc/catalog.py ``StemsMember``)."""

    name = text(1000, required=True)
    format = fields.String(required=True, validate=validate.OneOf(tuple(rules.ORIGINAL_CONTENT_TYPES)))
    sample_rate = StrictInteger(required=True, validate=validate.Range(min=1))
    channels = StrictInteger(required=True, validate=validate.Range(min=1))
    bit_depth = StrictInteger(required=True, allow_none=True, validate=validate.Range(min=1))
    duration_s = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0))


class StemsManifestSchema(StrictSchema):
    """audio's ``check_stems`` reply, as ``attach_stems`` stores it (``StemsManifest``)."""

    members = fields.List(fields.Nested(StemsMemberSchema), required=True,
                          validate=validate.Length(min=1, max=STEMS_MAX_MEMBERS))
    size_bytes = StrictInteger(required=True, validate=validate.Range(min=1))
    uncompressed_bytes = StrictInteger(required=True, validate=validate.Range(min=0,
                                                                               max=STEMS_MAX_UNCOMPRESSED_BYTES))


class StemsSchema(StrictSchema):
    stems_key = text(300, required=True)
    manifest = fields.Nested(StemsManifestSchema, required=True)


def load_stems(stems_key: Any, manifest: Any) -> dict[str, Any]:
    return load(StemsSchema, {"stems_key": stems_key, "manifest": manifest})
