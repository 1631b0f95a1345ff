"""Shaping catalog answers for clients: URLs instead of media keys, and serving media files."""
from __future__ import annotations

from typing import Any, Callable

from flask import Response, send_file, url_for

from gateway.catalog_schemas import Artist, Collection, Track
from gateway.uploads import media_store
from services.common.media import MediaError
from services.contracts.errors import NotFound

MEDIA_MAX_AGE_S = 300  # a deleted or replaced file stops being served to caches within minutes

# built once: a schema per request cost ≈ 0.3 ms (bench/RESULTS.md); marshmallow 4 keeps no per-call state
# on a schema, so one instance serves every thread
TRACK, ARTIST, COLLECTION = Track(), Artist(), Collection()


def track_view(track: dict[str, Any]) -> dict[str, Any]:
    links: dict[str, str] = {}
    if track.get("status") == "published":
        links["stream"] = url_for("tracks.stream", track_id=track["id"])
        links["waveform"] = url_for("tracks.waveform", track_id=track["id"])
    if track.get("has_cover") or track.get("cover_preset") or track.get("collection_id"):
        links["cover"] = url_for("tracks.cover", track_id=track["id"])
    return TRACK.dump({**track, "links": links})


def artist_view(artist: dict[str, Any]) -> dict[str, Any]:
    images = artist.get("images") or {}

    def link(image_id: str | None) -> str | None:
        return url_for("artists.image", artist_id=artist["id"], image_id=image_id) if image_id else None

    image_links = {"avatar": link(images.get("avatar")), "cover": link(images.get("cover")),
                   "gallery": [link(image_id) for image_id in images.get("gallery") or []]}
    return ARTIST.dump({**artist, "image_links": image_links})


PRESENTERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "tracks": track_view, "collections": COLLECTION.dump, "producers": artist_view}


def page_view(kind: str, result: dict[str, Any]) -> dict[str, Any]:
    """A catalog page of tracks, collections or artist pages, each shaped as its own endpoint shows it."""
    return {"items": [PRESENTERS[kind](item) for item in result["items"]], "total": result["total"],
            "next": result.get("next")}


def send_media(source: dict[str, Any], max_age: int = MEDIA_MAX_AGE_S) -> Response:
    """The file behind ``{"key", "content_type"}``, with ETag, Last-Modified and HTTP Range (206/416)."""
    try:
        path = media_store().path(source["key"])
    except MediaError:
        raise NotFound("no such file") from None
    if not path.is_file():
        raise NotFound("no such file")
    response = send_file(path, mimetype=source.get("content_type") or "application/octet-stream",
                         conditional=True, etag=True, max_age=max_age)
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
