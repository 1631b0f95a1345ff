"""Beat requests (paid with tokens kept by accounts) and the signed-in user's notifications."""
from __future__ import annotations

from uuid import UUID

from flask import Blueprint, g, url_for
from flask.typing import ResponseReturnValue

from gateway.auth import login_required
from gateway.beat_request_schemas import (BeatRequest, BeatRequestCosts, BeatRequestDeleted, BeatRequestPage,
                                          BeatRequestResponse, BeatRequestResponsePage, BeatRequestsQuery,
                                          NewBeatRequest, NewResponse, NotificationPage, NotificationsQuery,
                                          UnreadCount)
from gateway.openapi import doc
from gateway.presenters import notifications_with_usernames, one_with_usernames, page_with_usernames
from gateway.rpc import remote
from gateway.schemas import PageQuery
from gateway.validation import json_body, page_args, query_args

bp = Blueprint("beat_requests", __name__, url_prefix="/api/v1")

REQUESTER = {"requester_user_id": "requester_username"}
PRODUCER = {"producer_user_id": "producer_username"}


@bp.get("/beat-requests/costs")
@doc("What a beat request costs, by how long it stays open, and what renewing one costs",
     ok=(200, BeatRequestCosts), description=(
         "Public. `costs`: every `lifetime_hours` a new request may have (`POST /beat-requests`), shortest first, "
         "with its `cost_tokens`; `renewal`: what renewing an expired request costs and the fresh lifetime it "
         "gives. The catalog's beat-request rules are the source: clients show these instead of copying them."))
def costs() -> ResponseReturnValue:
    return BeatRequestCosts().dump(remote("catalog").beat_request_costs())


@bp.post("/beat-requests")
@doc("Create a beat request, paid with tokens (24 h: 1, 48 h: 2, 72 h: 3)", ok=(201, BeatRequest),
     body=NewBeatRequest, errors=(402, 404), description=(
         "Validation comes first (422, nothing spent). 402 when the token balance is short: the message says "
         "the balance, the cost and when the balance resets. Verified producers of the genre are notified."))
@login_required
def create() -> ResponseReturnValue:
    data = json_body(NewBeatRequest())
    created = remote("catalog").create_beat_request(actor_id=g.user_id, data=data)
    location = url_for("beat_requests.get_one", beat_request_id=created["id"])
    return BeatRequest().dump(one_with_usernames(created, **REQUESTER)), 201, {"Location": location}


@bp.get("/beat-requests")
@doc("Open beat requests, newest first (producers)", ok=(200, BeatRequestPage), query=BeatRequestsQuery,
     errors=(403,))
@login_required
def list_open() -> ResponseReturnValue:
    query = query_args(BeatRequestsQuery())
    result = remote("catalog").list_open_beat_requests(
        actor_id=g.user_id, genre=query.get("genre"), bpm=query.get("bpm"), budget_min=query.get("budget_min"),
        cursor=query.get("cursor"), limit=query["limit"])
    return BeatRequestPage().dump(page_with_usernames(result, **REQUESTER))


@bp.get("/me/beat-requests")
@doc("The signed-in user's beat requests, open and expired, newest first", ok=(200, BeatRequestPage),
     query=PageQuery)
@login_required
def list_mine() -> ResponseReturnValue:
    result = remote("catalog").list_my_beat_requests(actor_id=g.user_id, **page_args())
    return BeatRequestPage().dump(page_with_usernames(result, **REQUESTER))


@bp.get("/beat-requests/<uuid:beat_request_id>")
@doc("A beat request (its requester, or producers)", ok=(200, BeatRequest), errors=(403, 404))
@login_required
def get_one(beat_request_id: UUID) -> ResponseReturnValue:
    found = remote("catalog").get_beat_request(actor_id=g.user_id, beat_request_id=str(beat_request_id))
    return BeatRequest().dump(one_with_usernames(found, **REQUESTER))


@bp.post("/beat-requests/<uuid:beat_request_id>/responses")
@doc("Respond with one of your published tracks (producers; once per request, while it is open)",
     ok=(201, BeatRequestResponse), body=NewResponse, errors=(403, 404, 409))
@login_required
def respond(beat_request_id: UUID) -> ResponseReturnValue:
    data = json_body(NewResponse())
    response = remote("catalog").respond_to_beat_request(actor_id=g.user_id, beat_request_id=str(beat_request_id),
                                                         data=data)
    return BeatRequestResponse().dump(one_with_usernames(response, **PRODUCER)), 201


@bp.get("/beat-requests/<uuid:beat_request_id>/responses")
@doc("The responses to your beat request, newest first (requester)", ok=(200, BeatRequestResponsePage),
     query=PageQuery, errors=(403, 404))
@login_required
def responses(beat_request_id: UUID) -> ResponseReturnValue:
    result = remote("catalog").list_beat_request_responses(
        actor_id=g.user_id, beat_request_id=str(beat_request_id), **page_args())
    return BeatRequestResponsePage().dump(page_with_usernames(result, **PRODUCER))


@bp.post("/beat-requests/<uuid:beat_request_id>/renew")
@doc("Renew an expired request for 1 token: open for 24 h from now (within 30 days of expiry)",
     ok=(200, BeatRequest), errors=(402, 403, 404, 409))
@login_required
def renew(beat_request_id: UUID) -> ResponseReturnValue:
    renewed = remote("catalog").renew_beat_request(actor_id=g.user_id, beat_request_id=str(beat_request_id))
    return BeatRequest().dump(one_with_usernames(renewed, **REQUESTER))


@bp.delete("/beat-requests/<uuid:beat_request_id>")
@doc("Delete your request: an open one is refunded (capped at the plan's monthly allowance), an expired one "
     "is not", ok=(200, BeatRequestDeleted), errors=(403, 404))
@login_required
def delete(beat_request_id: UUID) -> ResponseReturnValue:
    return BeatRequestDeleted().dump(remote("catalog").delete_beat_request(actor_id=g.user_id,
                                                                           beat_request_id=str(beat_request_id)))


@bp.get("/me/notifications/unread-count")
@doc("How many of your notifications are unread (a badge's number); marks nothing read", ok=(200, UnreadCount),
     description="Unlike `GET /me/notifications`, asking changes nothing: the notifications become read when they "
                 "are listed.")
@login_required
def unread_count() -> ResponseReturnValue:
    return UnreadCount().dump(remote("catalog").count_unread_notifications(actor_id=g.user_id))


@bp.get("/me/notifications")
@doc("Your notifications, newest first; the listed ones are marked read", ok=(200, NotificationPage),
     query=NotificationsQuery, description="Each item's `read` is its state before this call. A `new_follower` "
                                           "payload names the follower: `follower_user_id` and `follower_username`.")
@login_required
def notifications() -> ResponseReturnValue:
    query = query_args(NotificationsQuery())
    result = remote("catalog").list_notifications(actor_id=g.user_id, unread=query["unread"],
                                                  cursor=query.get("cursor"), limit=query["limit"])
    return NotificationPage().dump(notifications_with_usernames(result))
