"""Tracks: streaming upload, catalog listing, owner edits, and the published audio itself."""
from __future__ import annotations

from uuid import UUID

from flask import Blueprint, g, url_for
from flask.typing import ResponseReturnValue

from gateway.auth import login_required, optional_login, producer_required
from gateway.catalog_schemas import (Accepted, CoverQuery, Track, TrackMetadata, TrackPage, TrackPatch, TracksQuery,
                                     TrackUploadForm, ViewedTrack)
from gateway.openapi import MULTIPART, doc
from gateway.payout_schemas import ArtistQuery  # the page switcher of Finances
from gateway.presenters import page_view, send_media, track_view, viewed_track_view
from gateway.rpc import remote
from gateway.uploads import FileSpec, Received, body_limit, form_body_limit, json_field, receive
from gateway.validation import json_body, query_args
from services.contracts.vocabularies import STREAM_CONTENT_TYPE

bp = Blueprint("tracks", __name__, url_prefix="/api/v1/tracks")

UPLOAD_FILES = {"audio": FileSpec("uploads", "UPLOAD_MAX_BYTES"),
                "cover": FileSpec("covers", "COVER_MAX_BYTES", image=True)}
NEEDS_COVER = "Send a cover image, or metadata.cover_preset, or a collection_id whose collection has a cover."


def cover_rule(received: Received) -> dict[str, list[str]]:
    """A cover part, or metadata naming a preset or a collection (whose cover the track takes)."""
    metadata = received.fields.get("metadata") or {}
    if "cover" in received.files or metadata.get("cover_preset") or metadata.get("collection_id"):
        return {}
    return {"cover": [NEEDS_COVER]}


@bp.post("")
@doc("Upload a track (WAV or FLAC): 202 while the audio is checked", ok=(202, Accepted), body=TrackUploadForm,
     body_type=MULTIPART, errors=(403, 404), description=(
         "Parts: `audio` (file, ≤ UPLOAD_MAX_BYTES), optional `cover` (PNG/JPEG/WebP, ≤ COVER_MAX_BYTES) and "
         "`metadata` (JSON). Send `metadata` first to have it checked before the audio is read. Errors name "
         "metadata fields as `metadata.<field>`, every invalid one at once. Besides `name`, `bpm`, `key` and "
         "`scale`: `artists` unless `collection_id` is given; a cover — the `cover` part, `cover_preset`, or a "
         "`collection_id`; `exclusive` with the exclusive licensing models (see the examples). The track then "
         "becomes `published` or `rejected` (poll GET /tracks/{id}); a non-producer gets 403 before the body is "
         "read, a `collection_id` that is not one of yours 404. `artist` picks the page the track belongs to, one "
         "of those you manage (default: the one you have had longest, first in GET /me/artists); a page you do not "
         "manage is a "
         "404 before the body is read."), query=ArtistQuery)
@body_limit(form_body_limit("UPLOAD_MAX_BYTES", "COVER_MAX_BYTES"))
@producer_required
def upload() -> ResponseReturnValue:
    artist = upload_artist()
    form = receive(UPLOAD_FILES, {"metadata": json_field(TrackMetadata(), "metadata")}, required=("audio", "metadata"),
                   rule=cover_rule)
    with form.cleanup_on_error():
        metadata = form.fields["metadata"]
        cover = form.files.get("cover")
        audio = form.files["audio"]
        track = remote("catalog").create_track(actor_id=g.user_id, metadata=metadata, audio_key=audio.key,
                                               size_bytes=audio.size, cover_key=cover.key if cover else None,
                                               artist_id=artist)
    location = url_for("tracks.get_track", track_id=track["id"])
    return Accepted().dump({"id": track["id"], "status": track.get("status", "processing")}), 202, \
        {"Location": location}


def upload_artist() -> str | None:
    """The page an upload (a track, a collection) belongs to: ``artist`` from the query, checked with the catalog
    before the body is read (404 for a page the caller does not manage; the catalog checks again when it
    records the upload), or None for the caller's default page (the one they have had longest)."""
    artist = query_args(ArtistQuery()).get("artist")
    if artist is not None:
        remote("catalog").get_my_artist(actor_id=g.user_id, artist_id=artist)
    return artist


@bp.get("")
@doc("Published tracks, filtered and sorted", ok=(200, TrackPage), query=TracksQuery)
def list_tracks() -> ResponseReturnValue:
    query = query_args(TracksQuery())
    paging = {name: query.pop(name, None) for name in ("cursor", "limit", "sort")}
    result = remote("catalog").list_tracks(filters=query, sort=paging["sort"], cursor=paging["cursor"],
                                           limit=paging["limit"], actor_id=optional_login())
    return page_view("tracks", result)


@bp.get("/<uuid:track_id>")
@doc("A track (unpublished ones only for their owner, with a token)", ok=(200, ViewedTrack),
     errors=(404,),
     description="Public. With a valid access token, `viewer` says whether you like and reposted the track "
                 "(`{\"liked\": bool, \"reposted\": bool}`); without one (or with an expired one) it is null.")
def get_track(track_id: UUID) -> ResponseReturnValue:
    return viewed_track_view(remote("catalog").get_track(track_id=str(track_id), actor_id=optional_login()))


@bp.patch("/<uuid:track_id>")
@doc("Edit a track's metadata (owner)", ok=(200, Track), body=TrackPatch, errors=(403, 404))
@login_required
def update_track(track_id: UUID) -> ResponseReturnValue:
    changes = json_body(TrackPatch())
    return track_view(remote("catalog").update_track(actor_id=g.user_id, track_id=str(track_id), changes=changes))


@bp.delete("/<uuid:track_id>")
@doc("Delete a track and its files (owner)", ok=(204, None), errors=(403, 404))
@login_required
def delete_track(track_id: UUID) -> ResponseReturnValue:
    remote("catalog").delete_track(actor_id=g.user_id, track_id=str(track_id))
    return "", 204


@bp.get("/<uuid:track_id>/stream")
@doc("Stream a published track's audio (HTTP Range: 206 with Content-Range, 416 if unsatisfiable)",
     ok=(200, None), errors=(404, 416), content_type=STREAM_CONTENT_TYPE)
def stream(track_id: UUID) -> ResponseReturnValue:
    return send_media(remote("catalog").stream_source(track_id=str(track_id)))


@bp.get("/<uuid:track_id>/waveform")
@doc("A published track's waveform (peaks JSON from the audio service)", ok=(200, None), errors=(404,),
     response_example={"peaks": [0.02, 0.41, 0.87, 0.63, 0.12], "duration_s": 151.2})
def waveform(track_id: UUID) -> ResponseReturnValue:
    return send_media(remote("catalog").waveform_source(track_id=str(track_id)))


@bp.get("/<uuid:track_id>/cover")
@doc("A track's cover image", ok=(200, None), errors=(404, 422), content_type="image/*", query=CoverQuery,
     description="Image bytes (image/png, image/jpeg or image/webp): the track's own image, else its preset's "
                 "(docs/covers.md), else its collection's cover. `?size=160|320|640`: that image fitted into "
                 "size × size as WebP (docs/covers.md \"Sizes\"); another size → 422 naming `size`.")
def cover(track_id: UUID) -> ResponseReturnValue:
    size = query_args(CoverQuery()).get("size")
    remote("catalog").get_track(track_id=str(track_id), actor_id=optional_login())  # 404 unless visible
    return send_media(remote("catalog").cover_source(track_id=str(track_id), size=size), max_age=86400)
