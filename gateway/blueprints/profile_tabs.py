"""The public user-profile tabs (docs/business-rules.md "Profiles"): Liked Beats, Public Playlists, Reposts, Liked
Collections, Liked Producers. Followers and Following are in users.py. Each first asks accounts whether the
user exists (404 otherwise), then lists from the catalog."""
from __future__ import annotations

from uuid import UUID

from flask import Blueprint
from flask.typing import ResponseReturnValue

from gateway.catalog_schemas import TrackPage
from gateway.community_schemas import ArtistPage, CollectionPage, PlaylistPage
from gateway.blueprints.playlists import playlist_page
from gateway.openapi import doc
from gateway.presenters import page_view
from gateway.rpc import remote
from gateway.schemas import PageQuery
from gateway.validation import page_args

bp = Blueprint("profile_tabs", __name__, url_prefix="/api/v1/users")


def _page_of(user_id: UUID) -> tuple[str, dict]:
    """The existing user's id and the page asked for (validated before any RPC)."""
    page = page_args()
    remote("accounts").get_public_profile(user_id=str(user_id))  # NotFound → 404
    return str(user_id), page


def _likes(user_id: UUID, kind: str) -> dict:
    user, page = _page_of(user_id)
    return page_view(kind, remote("catalog").list_likes(user_id=user, kind=kind, **page))


@bp.get("/<uuid:user_id>/liked-tracks")
@doc("Liked Beats: tracks the user liked, most recent first", ok=(200, TrackPage), query=PageQuery, errors=(404,))
def liked_tracks(user_id: UUID) -> ResponseReturnValue:
    return _likes(user_id, "tracks")


@bp.get("/<uuid:user_id>/liked-collections")
@doc("Liked Collections, most recent first", ok=(200, CollectionPage), query=PageQuery, errors=(404,))
def liked_collections(user_id: UUID) -> ResponseReturnValue:
    return _likes(user_id, "collections")


@bp.get("/<uuid:user_id>/liked-producers")
@doc("Liked Producers (artist pages), most recent first", ok=(200, ArtistPage), query=PageQuery, errors=(404,))
def liked_producers(user_id: UUID) -> ResponseReturnValue:
    return _likes(user_id, "producers")


@bp.get("/<uuid:user_id>/reposts")
@doc("Reposts: tracks the user reposted, most recent first", ok=(200, TrackPage), query=PageQuery, errors=(404,))
def reposts(user_id: UUID) -> ResponseReturnValue:
    user, page = _page_of(user_id)
    return page_view("tracks", remote("catalog").list_reposts(user_id=user, **page))


@bp.get("/<uuid:user_id>/playlists")
@doc("Public Playlists (only public ones, whoever asks), newest first", ok=(200, PlaylistPage), query=PageQuery,
     errors=(404,))
def public_playlists(user_id: UUID) -> ResponseReturnValue:
    user, page = _page_of(user_id)
    return playlist_page(remote("catalog").list_user_playlists(user_id=user, **page))
