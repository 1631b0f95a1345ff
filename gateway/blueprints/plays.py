"""Plays and listening history: progress reports that count plays, and the signed-in user's history."""
from __future__ import annotations

from uuid import UUID

from flask import Blueprint, g
from flask.typing import ResponseReturnValue

from gateway.auth import login_required
from gateway.openapi import doc
from gateway.play_schemas import HistoryPage, PlayReport, PlayResult
from gateway.presenters import track_view
from gateway.rpc import remote
from gateway.schemas import PageQuery
from gateway.validation import json_body, page_args

bp = Blueprint("plays", __name__, url_prefix="/api/v1")


@bp.post("/tracks/<uuid:track_id>/plays")
@doc("Report listening progress in a published track; a play counts per the anti-repeat rule",
     ok=(200, PlayResult), body=PlayReport, errors=(404,), description=(
         "A play counts when `position_s` reaches 30 s or 80 % of the track, whichever comes first; at most once "
         "per listener and track per rolling hour (from the last counted play); never for the track's producer "
         "or credited collaborators. Every accepted report also updates the listener's history. 422 when "
         "`position_s` exceeds `duration_s` by more than 1 s or `duration_s` is more than 2 s off the track's."))
@login_required
def report_play(track_id: UUID) -> ResponseReturnValue:
    report = json_body(PlayReport())
    return PlayResult().dump(remote("catalog").report_play(
        actor_id=g.user_id, track_id=str(track_id), position_s=report["position_s"],
        duration_s=report["duration_s"]))


@bp.get("/me/history")
@doc("What the signed-in user listened to, newest first", ok=(200, HistoryPage), query=PageQuery,
     description="One entry per listening session: reports on the same track within an hour update it. "
                 "Entries of deleted tracks disappear.")
@login_required
def my_history() -> ResponseReturnValue:
    result = remote("catalog").list_history(actor_id=g.user_id, **page_args())
    items = [{**entry, "track": track_view(entry["track"])} for entry in result["items"]]
    return HistoryPage().dump({"items": items, "total": result["total"], "next": result.get("next")})
