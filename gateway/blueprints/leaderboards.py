"""The seven public leaderboards (docs/gamification.md). No token needed; a valid one fills ``me`` with the
caller's own rank. The category is part of the route: another word is the router's 404 naming the seven."""
from __future__ import annotations

from flask import Blueprint
from flask.typing import ResponseReturnValue

from gateway.auth import optional_login
from gateway.gamification_schemas import Leaderboard, LeaderboardQuery
from gateway.openapi import doc
from gateway.rpc import remote
from gateway.validation import query_args
from services.contracts.rpc.gamification import LEADERBOARD_CATEGORIES

bp = Blueprint("leaderboards", __name__, url_prefix="/api/v1/leaderboards")

CATEGORY = f"<any({', '.join(LEADERBOARD_CATEGORIES)}):category>"


@bp.get(f"/{CATEGORY}")
@doc("A leaderboard: ranked artist pages, and the caller's own rank when signed in", ok=(200, Leaderboard),
     query=LeaderboardQuery,
     description="Rows `{rank, artist {id, name, verified}, value}`, best first; ties share a rank (1, 1, 3). "
                 "`overall` blends the others; `quality` is the share of published tracks that are "
                 "metadata-complete (from 3 published tracks); `uploads`, `plays`, `points` (XP), `earnings` (net "
                 "cents in `currency`, CAD by default) and `collab` (collaboration credits). `period=month` counts "
                 "the current calendar month (UTC). With a valid token `me` is `{rank, value}` (`rank` null when "
                 "unranked: a value of 0, below the threshold, or no artist page); without one `me` is null. "
                 "Another category → 404.")
def leaderboard(category: str) -> ResponseReturnValue:
    query = query_args(LeaderboardQuery())
    actor = optional_login()
    board = remote("gamification").leaderboard(category=category, period=query["period"],
                                                currency=query.get("currency"), cursor=query.get("cursor"),
                                                limit=query["limit"], actor_id=actor)
    return Leaderboard().dump(board)
