"""Covers (docs/covers.md): the preset covers and their images, a collection's cover, and the owner replacing a
track's or a collection's cover image. A track's cover is served by tracks.py (``GET /tracks/{id}/cover``)."""
from __future__ import annotations

from uuid import UUID

from flask import Blueprint, g
from flask.typing import ResponseReturnValue

from gateway.auth import producer_required
from gateway.catalog_schemas import Collection, CoverForm, CoverPresetPage, CoverPresetsQuery, CoverQuery, Track
from gateway.openapi import MULTIPART, doc
from gateway.presenters import collection_view, cover_preset_view, send_media, track_view
from gateway.rpc import remote
from gateway.uploads import FileSpec, body_limit, form_body_limit, receive
from gateway.validation import query_args
from services.contracts.errors import InvalidField, NotFound
from services.contracts.vocabularies import COVER_PRESET_IDS, GENRES, cover_preset_ids, match_genre, preset_genre

bp = Blueprint("covers", __name__, url_prefix="/api/v1")

COVER_FILES = {"cover": FileSpec("covers", "COVER_MAX_BYTES", image=True)}
COVER_MAX_AGE_S = 86400
#: a preset's image never changes under its URL (a new design takes a new key in the store)
PRESET_MAX_AGE_S = 7 * 86400
UNKNOWN_GENRE = "not a genre of the vocabulary; one of: " + ", ".join(GENRES)
REPLACE_RULES = ("One multipart part, `cover` (PNG, JPEG or WebP, judged by content; ≤ COVER_MAX_BYTES): it replaces "
                 "the cover image or preset, and the old image is deleted. A part that is not an image → 422 naming "
                 "`cover`. A non-producer gets 403 before the body is read.")


@bp.get("/cover-presets")
@doc("The preset covers, all or one genre's", ok=(200, CoverPresetPage), query=CoverPresetsQuery, rpc=False,
     description="Every genre of the vocabulary has three presets. `id` is what `cover_preset` takes (a bare genre "
                 "takes its genre's first). Not paged: every matching preset, in the vocabulary's order; `next` is "
                 "always null. An unknown genre → 422 naming `genre`.")
def list_presets() -> ResponseReturnValue:
    query = query_args(CoverPresetsQuery())
    if "genre" in query:
        genre = match_genre(query["genre"])
        if genre is None:
            raise InvalidField("invalid field: genre", {"genre": [UNKNOWN_GENRE]})
        ids = cover_preset_ids(genre)
    else:
        ids = COVER_PRESET_IDS
    return {"items": [cover_preset_view(preset_id) for preset_id in ids], "total": len(ids), "next": None}


@bp.get("/cover-presets/<preset_id>/image")
@doc("A preset cover's image (JPEG, 1200 × 1200; `?size=` a WebP thumbnail)", ok=(200, None), errors=(404, 422),
     content_type="image/*", query=CoverQuery,
     description="Cacheable for a week: a preset's image never changes under its URL. An unknown preset id → 404.")
def preset_image(preset_id: str) -> ResponseReturnValue:
    size = query_args(CoverQuery()).get("size")
    if preset_genre(preset_id) is None:
        raise NotFound("no such cover preset", {"preset_id": preset_id[:100]})
    return send_media(remote("catalog").cover_preset_source(preset_id=preset_id, size=size), max_age=PRESET_MAX_AGE_S)


@bp.get("/collections/<uuid:collection_id>/cover")
@doc("A collection's cover image (its own, or its preset's; `?size=` a WebP thumbnail)", ok=(200, None),
     errors=(404, 422), content_type="image/*", query=CoverQuery)
def collection_cover(collection_id: UUID) -> ResponseReturnValue:
    size = query_args(CoverQuery()).get("size")
    return send_media(remote("catalog").collection_cover_source(collection_id=str(collection_id), size=size),
                      max_age=COVER_MAX_AGE_S)


@bp.put("/tracks/<uuid:track_id>/cover")
@doc("Replace a track's cover image (owner)", ok=(200, Track), body=CoverForm, body_type=MULTIPART,
     errors=(403, 404), description=REPLACE_RULES + " Someone else's published track → 403, their unpublished one "
                                                    "→ 404.")
@body_limit(form_body_limit("COVER_MAX_BYTES"))
@producer_required
def replace_track_cover(track_id: UUID) -> ResponseReturnValue:
    form = receive(COVER_FILES, {}, required=("cover",))
    with form.cleanup_on_error():
        track = remote("catalog").replace_track_cover(actor_id=g.user_id, track_id=str(track_id),
                                                      cover_key=form.files["cover"].key)
    return track_view(track)


@bp.put("/collections/<uuid:collection_id>/cover")
@doc("Replace a collection's cover image (owner)", ok=(200, Collection), body=CoverForm, body_type=MULTIPART,
     errors=(403, 404), description=REPLACE_RULES + " Someone else's collection → 403.")
@body_limit(form_body_limit("COVER_MAX_BYTES"))
@producer_required
def replace_collection_cover(collection_id: UUID) -> ResponseReturnValue:
    form = receive(COVER_FILES, {}, required=("cover",))
    with form.cleanup_on_error():
        collection = remote("catalog").replace_collection_cover(actor_id=g.user_id, collection_id=str(collection_id),
                                                                cover_key=form.files["cover"].key)
    return collection_view(collection)
