"""Likes of tracks, collections and producers (artist pages), and reposts of tracks."""
from __future__ import annotations

from uuid import UUID

from flask import Blueprint, g
from flask.typing import ResponseReturnValue

from gateway.auth import login_required
from gateway.community_schemas import LikedItemPage, LikesQuery, LikeState, RepostState
from gateway.openapi import doc
from gateway.presenters import page_view
from gateway.rpc import remote
from gateway.validation import query_args

bp = Blueprint("likes", __name__, url_prefix="/api/v1")

KIND = "<any(tracks, collections, producers):kind>"


@bp.put(f"/likes/{KIND}/<uuid:item_id>")
@doc("Like a track, collection or producer (idempotent)", ok=(200, LikeState), errors=(404,),
     description="`kind` is tracks, collections or producers (an artist page id). A missing or unpublished "
                 "track, a missing collection or artist page, or another kind → 404, nothing stored.")
@login_required
def like(kind: str, item_id: UUID) -> ResponseReturnValue:
    return LikeState().dump(remote("catalog").like(actor_id=g.user_id, kind=kind, item_id=str(item_id)))


@bp.delete(f"/likes/{KIND}/<uuid:item_id>")
@doc("Remove a like (idempotent)", ok=(200, LikeState), errors=(404,))
@login_required
def unlike(kind: str, item_id: UUID) -> ResponseReturnValue:
    return LikeState().dump(remote("catalog").unlike(actor_id=g.user_id, kind=kind, item_id=str(item_id)))


@bp.get("/me/likes")
@doc("What the signed-in user liked, most recent first", ok=(200, LikedItemPage), query=LikesQuery,
     description="`kind` (default tracks): Track, Collection or Artist objects.")
@login_required
def my_likes() -> ResponseReturnValue:
    query = query_args(LikesQuery())
    result = remote("catalog").list_likes(user_id=g.user_id, kind=query["kind"], cursor=query.get("cursor"),
                                          limit=query["limit"])
    return page_view(query["kind"], result)


@bp.put("/tracks/<uuid:track_id>/repost")
@doc("Repost a published track (idempotent)", ok=(200, RepostState), errors=(404,))
@login_required
def repost(track_id: UUID) -> ResponseReturnValue:
    return RepostState().dump(remote("catalog").repost(actor_id=g.user_id, track_id=str(track_id)))


@bp.delete("/tracks/<uuid:track_id>/repost")
@doc("Remove a repost (idempotent)", ok=(200, RepostState), errors=(404,))
@login_required
def unrepost(track_id: UUID) -> ResponseReturnValue:
    return RepostState().dump(remote("catalog").unrepost(actor_id=g.user_id, track_id=str(track_id)))
