"""Public user profiles and following."""
from __future__ import annotations

from typing import Callable
from uuid import UUID

from flask import Blueprint, g
from flask.typing import ResponseReturnValue

from gateway.auth import login_required, optional_login
from gateway.openapi import doc
from gateway.presenters import send_media, with_avatar_url
from gateway.rpc import remote
from gateway.schemas import FollowState, PageQuery, UserSummaryPage, ViewedUser
from gateway.validation import page_args

bp = Blueprint("users", __name__, url_prefix="/api/v1/users")


PUBLIC_USER = ViewedUser()


@bp.get("/<uuid:user_id>")
@doc("A user's public profile, with the artist pages it manages", ok=(200, ViewedUser), errors=(404,),
     description="`artists` lists the artist pages the account has claimed (`{id, name, verified}`): a client shows "
                 "the Producer Profile button when it is not empty. `avatar_url` is null without an avatar. With a "
                 "valid access token, `viewer` says whether you follow the user (`{\"following\": bool}`); "
                 "without one (or with an expired one) it is null.")
def get_user(user_id: UUID) -> ResponseReturnValue:
    # NotFound → 404, before asking catalog
    user = remote("accounts").get_public_profile(user_id=str(user_id), actor_id=optional_login())
    artists = remote("catalog").artists_managed_by(user_id=user["id"])
    return PUBLIC_USER.dump({**with_avatar_url(user), "artists": artists})


@bp.get("/<uuid:user_id>/avatar")
@doc("A user's avatar image", ok=(200, None), errors=(404,), content_type="image/*",
     description="404 for an unknown or deleted account, or one without an avatar. The URL to use is the "
                 "profile's `avatar_url` (its `v` changes with every new image).")
def avatar(user_id: UUID) -> ResponseReturnValue:
    return send_media(remote("accounts").avatar_source(user_id=str(user_id)))


@bp.put("/<uuid:user_id>/follow")
@doc("Follow a user (idempotent)", ok=(200, FollowState), errors=(404, 422))
@login_required
def follow(user_id: UUID) -> ResponseReturnValue:
    return FollowState().dump(remote("accounts").follow(actor_id=g.user_id, user_id=str(user_id)))


@bp.delete("/<uuid:user_id>/follow")
@doc("Stop following a user (idempotent)", ok=(200, FollowState), errors=(404, 422))
@login_required
def unfollow(user_id: UUID) -> ResponseReturnValue:
    return FollowState().dump(remote("accounts").unfollow(actor_id=g.user_id, user_id=str(user_id)))


def _page(list_people: Callable[..., dict], user_id: UUID) -> dict:
    return UserSummaryPage().dump(list_people(user_id=str(user_id), **page_args()))


@bp.get("/<uuid:user_id>/followers")
@doc("Who follows this user", ok=(200, UserSummaryPage), query=PageQuery, errors=(404,))
def followers(user_id: UUID) -> ResponseReturnValue:
    return _page(remote("accounts").list_followers, user_id)


@bp.get("/<uuid:user_id>/following")
@doc("Whom this user follows", ok=(200, UserSummaryPage), query=PageQuery, errors=(404,))
def following(user_id: UUID) -> ResponseReturnValue:
    return _page(remote("accounts").list_following, user_id)
