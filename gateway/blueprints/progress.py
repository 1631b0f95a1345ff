"""A producer's XP, level and achievements, their XP history, and an artist page's Achievements tab
(docs/gamification.md). ``artist`` picks one of the pages the caller manages, as on Finances; gamification
answers 404 for anyone else's, as for an unknown one."""
from __future__ import annotations

from uuid import UUID

from flask import Blueprint, g
from flask.typing import ResponseReturnValue

from gateway.auth import login_required, producer_required
from gateway.blueprints.finances import NO_ARTIST
from gateway.gamification_schemas import HistoryQuery, Progress, XpPage
from gateway.openapi import doc
from gateway.payout_schemas import ArtistQuery  # the page switcher of Finances
from gateway.rpc import remote
from gateway.validation import query_args

bp = Blueprint("progress", __name__, url_prefix="/api/v1")

PROGRESS = Progress()
PROGRESS_SHAPE = ("`{level, title, xp, level_floor_xp, next_level_xp, achievements}`: `xp` is the lifetime total, "
                  "`next_level_xp` null at the top level; each achievement has its `xp`, `rarity` (from the share "
                  "of producers holding it), `earned_at` (null until earned) and `progress {current, target}`. ")


@bp.get("/producer/progress")
@doc("The producer's XP, level and achievements", ok=(200, Progress), query=ArtistQuery, errors=(403, 404),
     description=PROGRESS_SHAPE + "A non-producer → 403. " + NO_ARTIST)
@producer_required
def progress() -> ResponseReturnValue:
    artist = query_args(ArtistQuery()).get("artist")
    return PROGRESS.dump(remote("gamification").progress(actor_id=g.user_id, artist_id=artist))


@bp.post("/producer/progress/refresh")
@doc("Recompute the producer's XP, level and achievements from the stored events", ok=(200, Progress),
     query=ArtistQuery, errors=(403, 404),
     description="Answers the same shape as GET /producer/progress, with the same numbers when no event was "
                 "missed. " + NO_ARTIST)
@producer_required
def refresh() -> ResponseReturnValue:
    artist = query_args(ArtistQuery()).get("artist")
    return PROGRESS.dump(remote("gamification").refresh_progress(actor_id=g.user_id, artist_id=artist))


@bp.get("/producer/progress/history")
@doc("The XP history: where every point came from, newest first", ok=(200, XpPage), query=HistoryQuery,
     errors=(403, 404),
     description="Signed amounts: a deleted track's XP comes back as a negative entry. `reason` is "
                 "`track_published`, `play`, `metadata_complete`, `collaboration`, `achievement`, … " + NO_ARTIST)
@producer_required
def history() -> ResponseReturnValue:
    query = query_args(HistoryQuery())
    page = remote("gamification").xp_history(actor_id=g.user_id, artist_id=query.get("artist"),
                                              cursor=query.get("cursor"), limit=query["limit"])
    return XpPage().dump(page)


@bp.get("/artists/<uuid:artist_id>/achievements")
@doc("An artist page's Achievements tab (its owner and admins only)", ok=(200, Progress), errors=(404,),
     description=PROGRESS_SHAPE + "Anyone else gets 404, as for an unknown page.")
@login_required
def achievements(artist_id: UUID) -> ResponseReturnValue:
    return PROGRESS.dump(remote("gamification").artist_achievements(actor_id=g.user_id, artist_id=str(artist_id)))
