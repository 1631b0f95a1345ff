"""Shaping catalog answers for clients: URLs instead of media keys, usernames beside the ids of the people a
list names, and serving media files."""
from __future__ import annotations

from typing import Any, Callable

from flask import Response, send_file, url_for

from gateway.catalog_schemas import Artist, Collection, DiscographyTrack, Track, ViewedArtist, ViewedTrack
from gateway.rpc import remote
from gateway.uploads import media_store
from services.common.media import MediaError
from services.contracts.errors import NotFound
from services.contracts.vocabularies import preset_genre

MEDIA_MAX_AGE_S = 300  # a deleted or replaced file stops being served to caches within minutes

# built once: a schema per request cost ≈ 0.3 ms (bench/RESULTS.md); marshmallow 4 keeps no per-call state
# on a schema, so one instance serves every thread
TRACK, ARTIST, COLLECTION, DISCOGRAPHY_TRACK = Track(), Artist(), Collection(), DiscographyTrack()
VIEWED_TRACK, VIEWED_ARTIST = ViewedTrack(), ViewedArtist()


def track_view(track: dict[str, Any], schema: Track = TRACK) -> dict[str, Any]:
    return schema.dump({**track, "links": track_links(track)})


def viewed_track_view(track: dict[str, Any]) -> dict[str, Any]:
    """``GET /tracks/{id}``: the track with ``viewer`` (the caller's like and repost, or null)."""
    return track_view(track, VIEWED_TRACK)


def track_links(track: dict[str, Any]) -> dict[str, str]:
    """The URLs the gateway serves for ``track``: stream and waveform once published, the cover if it has one."""
    links: dict[str, str] = {}
    if track.get("status") == "published":
        links["stream"] = url_for("tracks.stream", track_id=track["id"])
        links["waveform"] = url_for("tracks.waveform", track_id=track["id"])
    shown = track.get("status") != "withdrawn"  # a deleted producer's track: its cover is no longer served
    if shown and (track.get("has_cover") or track.get("cover_preset") or track.get("collection_id")):
        links["cover"] = url_for("tracks.cover", track_id=track["id"])
    return links


# --- user accounts ----------------------------------------------------------------------------------------

def with_avatar_url(user: dict[str, Any]) -> dict[str, Any]:
    """An account with ``avatar_url``: where the gateway serves its avatar (the avatar's id as ``v``, so a new
    image is a new URL and caches never show the old one), or null."""
    avatar = user.get("avatar")
    return {**user, "avatar_url": url_for("users.avatar", user_id=user["id"], v=avatar) if avatar else None}


# --- usernames (docs/accounts-data.md: why the gateway asks accounts, once per page) --------------------

def with_usernames(items: list[dict[str, Any]], **names: str) -> list[dict[str, Any]]:
    """``items`` with a username beside each person id, e.g. ``with_usernames(comments,
    author_id="author_username")``: one ``accounts.usernames`` call for the whole page (none if it names no
    one). An id with no account — a deleted one — is named null."""
    ids = sorted({item[id_field] for item in items for id_field in names if item.get(id_field)})
    found = remote("accounts").usernames(user_ids=ids) if ids else {}
    return [{**item, **{name: found.get(item.get(id_field)) for id_field, name in names.items()}} for item in items]


def one_with_usernames(item: dict[str, Any], **names: str) -> dict[str, Any]:
    return with_usernames([item], **names)[0]


def page_with_usernames(result: dict[str, Any], **names: str) -> dict[str, Any]:
    return {**result, "items": with_usernames(result["items"], **names)}


def notifications_with_usernames(result: dict[str, Any]) -> dict[str, Any]:
    """A page of notifications, each ``new_follower`` payload with the follower's ``follower_username`` beside
    ``follower_user_id`` (one ``accounts.usernames`` call for the page, none when no item names a follower)."""
    payloads = with_usernames([item["payload"] for item in result["items"]], follower_user_id="follower_username")
    return {**result, "items": [{**item, "payload": payload if "follower_user_id" in payload else item["payload"]}
                                for item, payload in zip(result["items"], payloads)]}


# --- artist pages ----------------------------------------------------------------------------------------

def artist_view(artist: dict[str, Any], schema: Artist = ARTIST) -> dict[str, Any]:
    """An artist page with its owner's ``username`` (null while unclaimed)."""
    return _artist_shape(one_with_usernames(artist, user_id="username"), schema)


def viewed_artist_view(artist: dict[str, Any]) -> dict[str, Any]:
    """``GET /artists/{id}``: the page with ``viewer`` (whether the caller follows it, or null)."""
    return artist_view(artist, VIEWED_ARTIST)


def _artist_shape(artist: dict[str, Any], schema: Artist = ARTIST) -> dict[str, Any]:
    images = artist.get("images") or {}

    def link(image_id: str | None) -> str | None:
        return url_for("artists.image", artist_id=artist["id"], image_id=image_id) if image_id else None

    image_links = {"avatar": link(images.get("avatar")), "cover": link(images.get("cover")),
                   "gallery": [link(image_id) for image_id in images.get("gallery") or []]}
    return schema.dump({**artist, "image_links": image_links})


# --- collections and preset covers -----------------------------------------------------------------------

def collection_view(collection: dict[str, Any]) -> dict[str, Any]:
    """A collection with the URL of its cover (every collection has one: an image or a preset)."""
    links = {"cover": url_for("covers.collection_cover", collection_id=collection["id"])}
    return COLLECTION.dump({**collection, "links": links})


def cover_preset_view(preset_id: str) -> dict[str, Any]:
    return {"id": preset_id, "genre": preset_genre(preset_id),
            "image_url": url_for("covers.preset_image", preset_id=preset_id)}


def discography_view(track: dict[str, Any]) -> dict[str, Any]:
    """A track of an artist page's Discography: the track as ``GET /tracks/<id>`` shows it, with the page's ``role``."""
    return DISCOGRAPHY_TRACK.dump({**track, "links": track_links(track)})


PRESENTERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "tracks": track_view, "collections": collection_view, "producers": _artist_shape,
    "discography": discography_view}


def page_view(kind: str, result: dict[str, Any]) -> dict[str, Any]:
    """A catalog page of tracks, collections or artist pages, each shaped as its own endpoint shows it (artist
    pages with their owners' usernames, asked for the whole page at once)."""
    items = result["items"]
    if kind == "producers":
        items = with_usernames(items, user_id="username")
    return {"items": [PRESENTERS[kind](item) for item in items], "total": result["total"],
            "next": result.get("next")}


def send_media(source: dict[str, Any], max_age: int = MEDIA_MAX_AGE_S, download_name: str | None = None,
               inline: bool = False) -> Response:
    """The file behind ``{"key", "content_type"}``, with ETag, Last-Modified and HTTP Range (206/416);
    with ``download_name``, a Content-Disposition naming it (``attachment`` unless ``inline``)."""
    try:
        path = media_store().path(source["key"])
    except MediaError:
        raise NotFound("no such file") from None
    if not path.is_file():
        raise NotFound("no such file")
    response = send_file(path, mimetype=source.get("content_type") or "application/octet-stream",
                         conditional=True, etag=True, max_age=max_age, download_name=download_name,
                         as_attachment=bool(download_name) and not inline)
    response.headers["Accept-Ranges"] = "bytes"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
