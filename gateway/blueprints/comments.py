"""Comments on published tracks: plain text in JSON, never rendered as HTML."""
from __future__ import annotations

from uuid import UUID

from flask import Blueprint, g
from flask.typing import ResponseReturnValue

from gateway.auth import login_required
from gateway.community_schemas import Comment, CommentCreate, CommentPage
from gateway.openapi import doc
from gateway.presenters import one_with_usernames, page_with_usernames
from gateway.rpc import remote
from gateway.schemas import PageQuery
from gateway.validation import json_body, page_args

bp = Blueprint("comments", __name__, url_prefix="/api/v1")

AUTHOR = "author_username"


@bp.post("/tracks/<uuid:track_id>/comments")
@doc("Comment on a published track", ok=(201, Comment), body=CommentCreate, errors=(404,))
@login_required
def post_comment(track_id: UUID) -> ResponseReturnValue:
    body = json_body(CommentCreate())["body"]
    posted = remote("catalog").post_comment(actor_id=g.user_id, track_id=str(track_id), body=body)
    return Comment().dump(one_with_usernames(posted, author_id=AUTHOR)), 201


@bp.get("/tracks/<uuid:track_id>/comments")
@doc("A published track's comments, newest first", ok=(200, CommentPage), query=PageQuery, errors=(404,),
     description="Each comment names its author by id and `author_username` (null once the account is deleted; "
                 "a deleted account's comments are erased soon after).")
def list_comments(track_id: UUID) -> ResponseReturnValue:
    result = remote("catalog").list_comments(track_id=str(track_id), **page_args())
    return CommentPage().dump(page_with_usernames(result, author_id=AUTHOR))


@bp.delete("/comments/<uuid:comment_id>")
@doc("Delete a comment (its author or the track's producer)", ok=(204, None), errors=(403, 404))
@login_required
def delete_comment(comment_id: UUID) -> ResponseReturnValue:
    remote("catalog").delete_comment(actor_id=g.user_id, comment_id=str(comment_id))
    return "", 204
