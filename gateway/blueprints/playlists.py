"""Playlists: public or private, ordered; only their owner edits them."""
from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, g, url_for
from flask.typing import ResponseReturnValue

from gateway.auth import login_required, optional_login
from gateway.community_schemas import (Playlist, PlaylistCreate, PlaylistOrder, PlaylistPage, PlaylistPatch,
                                       PlaylistTrackAdd)
from gateway.openapi import doc
from gateway.presenters import one_with_usernames, page_with_usernames, track_view
from gateway.rpc import remote
from gateway.schemas import PageQuery
from gateway.validation import json_body, page_args

bp = Blueprint("playlists", __name__, url_prefix="/api/v1")

OWNER_ONLY = "Only the owner: someone else's public playlist → 403, their private one → 404."


OWNER = "owner_username"


def playlist_view(playlist: dict[str, Any]) -> dict[str, Any]:
    named = one_with_usernames(playlist, owner_id=OWNER)
    return Playlist().dump({**named, "tracks": [track_view(track) for track in playlist.get("tracks", [])]})


def playlist_page(result: dict[str, Any]) -> dict[str, Any]:
    return PlaylistPage().dump(page_with_usernames(result, owner_id=OWNER))


@bp.post("/playlists")
@doc("Create a playlist", ok=(201, Playlist), body=PlaylistCreate)
@login_required
def create_playlist() -> ResponseReturnValue:
    created = remote("catalog").create_playlist(actor_id=g.user_id, data=json_body(PlaylistCreate()))
    return playlist_view(created), 201, {"Location": url_for("playlists.get_playlist", playlist_id=created["id"])}


@bp.get("/playlists/<uuid:playlist_id>")
@doc("A playlist with its tracks in order (a private one only for its owner)", ok=(200, Playlist), errors=(404,))
def get_playlist(playlist_id: UUID) -> ResponseReturnValue:
    return playlist_view(remote("catalog").get_playlist(playlist_id=str(playlist_id), actor_id=optional_login()))


@bp.patch("/playlists/<uuid:playlist_id>")
@doc("Rename, describe, or make a playlist public or private (owner)", ok=(200, Playlist), body=PlaylistPatch,
     errors=(403, 404), description=OWNER_ONLY)
@login_required
def update_playlist(playlist_id: UUID) -> ResponseReturnValue:
    changes = json_body(PlaylistPatch())
    return playlist_view(remote("catalog").update_playlist(actor_id=g.user_id, playlist_id=str(playlist_id),
                                                           changes=changes))


@bp.delete("/playlists/<uuid:playlist_id>")
@doc("Delete a playlist (owner)", ok=(204, None), errors=(403, 404), description=OWNER_ONLY)
@login_required
def delete_playlist(playlist_id: UUID) -> ResponseReturnValue:
    remote("catalog").delete_playlist(actor_id=g.user_id, playlist_id=str(playlist_id))
    return "", 204


@bp.post("/playlists/<uuid:playlist_id>/tracks")
@doc("Add a published track (owner)", ok=(200, Playlist), body=PlaylistTrackAdd, errors=(403, 404, 409),
     description=f"{OWNER_ONLY} A track already in the playlist, or a full playlist (500 tracks) → 409.")
@login_required
def add_track(playlist_id: UUID) -> ResponseReturnValue:
    body = json_body(PlaylistTrackAdd())
    return playlist_view(remote("catalog").add_playlist_track(
        actor_id=g.user_id, playlist_id=str(playlist_id), track_id=body["track_id"], position=body.get("position")))


@bp.delete("/playlists/<uuid:playlist_id>/tracks/<uuid:track_id>")
@doc("Remove a track from a playlist (owner)", ok=(204, None), errors=(403, 404), description=OWNER_ONLY)
@login_required
def remove_track(playlist_id: UUID, track_id: UUID) -> ResponseReturnValue:
    remote("catalog").remove_playlist_track(actor_id=g.user_id, playlist_id=str(playlist_id), track_id=str(track_id))
    return "", 204


@bp.put("/playlists/<uuid:playlist_id>/tracks")
@doc("Reorder a playlist's tracks (owner)", ok=(200, Playlist), body=PlaylistOrder, errors=(403, 404),
     description=f"{OWNER_ONLY} `track_ids` must be exactly the playlist's tracks, each once: otherwise 422 whose "
                 "`details.track_ids` names the foreign, missing and repeated ids, and nothing changes.")
@login_required
def reorder(playlist_id: UUID) -> ResponseReturnValue:
    body = json_body(PlaylistOrder())
    return playlist_view(remote("catalog").reorder_playlist(actor_id=g.user_id, playlist_id=str(playlist_id),
                                                            track_ids=body["track_ids"]))


@bp.get("/me/playlists")
@doc("The signed-in user's playlists, private ones included, newest first", ok=(200, PlaylistPage), query=PageQuery)
@login_required
def my_playlists() -> ResponseReturnValue:
    return playlist_page(remote("catalog").list_my_playlists(actor_id=g.user_id, **page_args()))
