"""Following artist pages (any signed-in user, claimed page or not), a page's public Followers tab, and the
admins' trigger of the monthly analytics reports (docs/community.md "Following artist pages"). The catalog
decides; the gateway names the followers (usernames from accounts, once per page)."""
from __future__ import annotations

from typing import Any
from uuid import UUID

from flask import Blueprint, g
from flask.typing import ResponseReturnValue

from gateway.artist_follow_schemas import (AnalyticsReportsRequest, AnalyticsReportsRun, ArtistFollowerPage,
                                           ArtistFollowState)
from gateway.auth import admin_required, login_required
from gateway.openapi import doc
from gateway.presenters import with_usernames
from gateway.rpc import remote
from gateway.schemas import PageQuery
from gateway.validation import json_body, page_args

bp = Blueprint("artist_follows", __name__, url_prefix="/api/v1")

STATE, FOLLOWERS = ArtistFollowState(), ArtistFollowerPage()


@bp.put("/artists/<uuid:artist_id>/follow")
@doc("Follow an artist page (idempotent)", ok=(200, ArtistFollowState), errors=(401, 404),
     description="Any signed-in user, whether the page is claimed or not; following is not liking (Liked Producers "
                 "is unchanged). Following again answers 200 with the same count. The first follow of a page whose "
                 "owner is a verified producer sends the owner a `new_follower` notification — once per follower, "
                 "however often they unfollow and follow again.")
@login_required
def follow(artist_id: UUID) -> ResponseReturnValue:
    return STATE.dump(remote("catalog").follow_artist(actor_id=g.user_id, artist_id=str(artist_id)))


@bp.delete("/artists/<uuid:artist_id>/follow")
@doc("Stop following an artist page (idempotent)", ok=(200, ArtistFollowState), errors=(401, 404))
@login_required
def unfollow(artist_id: UUID) -> ResponseReturnValue:
    return STATE.dump(remote("catalog").unfollow_artist(actor_id=g.user_id, artist_id=str(artist_id)))


@bp.get("/artists/<uuid:artist_id>/followers")
@doc("Followers of an artist page, most recent first", ok=(200, ArtistFollowerPage), query=PageQuery, errors=(404,))
def followers(artist_id: UUID) -> ResponseReturnValue:
    result = remote("catalog").list_artist_followers(artist_id=str(artist_id), **page_args())
    return FOLLOWERS.dump({**result, "items": [_follower(item) for item in with_usernames(result["items"],
                                                                                        user_id="username")]})


def _follower(item: dict[str, Any]) -> dict[str, Any]:
    return {"user": {"id": item["user_id"], "username": item["username"]}, "followed_at": item["followed_at"]}


@bp.post("/admin/analytics-reports")
@doc("Make a finished month's analytics reports now (admins only)", ok=(200, AnalyticsReportsRun),
     body=AnalyticsReportsRequest, errors=(403, 409),
     description="Every claimed page of a verified producer gets one `analytics_report` notification per month "
                 "(plays, likes and new followers of the month). The catalog makes them every hour for the last "
                 "finished month; this makes the missing ones of `month` at once. Reports already made are kept, "
                 "so asking again answers `reports: 0`. 403 for a non-admin, before the body is validated; 409 "
                 "when the month has not ended.")
@admin_required
def analytics_reports() -> ResponseReturnValue:
    month = json_body(AnalyticsReportsRequest()).get("month")
    return AnalyticsReportsRun().dump(remote("catalog").analytics_reports(actor_id=g.user_id, month=month))
