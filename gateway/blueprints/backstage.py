"""The producer's Backstage pages (docs/gamification.md "Backstage"): the dashboard and the yearly activity come
from gamification, the producer's beats and collections from the catalog (which owns tracks in every status).
``artist`` picks one of the pages the caller manages, as on Finances."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, g
from flask.typing import ResponseReturnValue

from gateway.auth import producer_required
from gateway.blueprints.finances import NO_ARTIST
from gateway.gamification_schemas import (Activity, BeatsQuery, CollectionsQuery, Dashboard,
                                          ProducerBeats, ProducerCollections)
from gateway.openapi import doc
from gateway.payout_schemas import ArtistQuery  # the page switcher of Finances
from gateway.presenters import track_links
from gateway.rpc import remote
from gateway.validation import query_args

bp = Blueprint("backstage", __name__, url_prefix="/api/v1/producer")


@bp.get("/dashboard")
@doc("The producer's dashboard: greeting, quick stats and shortcuts", ok=(200, Dashboard), query=ArtistQuery,
     errors=(403, 404), description="Stats are the page's real figures (zeros before any activity). " + NO_ARTIST)
@producer_required
def dashboard() -> ResponseReturnValue:
    artist = query_args(ArtistQuery()).get("artist")
    return Dashboard().dump(remote("gamification").dashboard(actor_id=g.user_id, artist_id=artist))


@bp.get("/activity")
@doc("The yearly contribution graph and the performance overview", ok=(200, Activity), query=ArtistQuery,
     errors=(403, 404),
     description="`days`: exactly 365 entries `{date, plays, downloads, uploads}` ending today (UTC), oldest "
                 "first, zeros included — one embedded array, not a paged list. " + NO_ARTIST)
@producer_required
def activity() -> ResponseReturnValue:
    artist = query_args(ArtistQuery()).get("artist")
    return Activity().dump(remote("gamification").activity(actor_id=g.user_id, artist_id=artist))


@bp.get("/beats")
@doc("The producer's own tracks in every status, with their growth and the collaboration insights",
     ok=(200, ProducerBeats), query=BeatsQuery, errors=(403, 404),
     description="Newest first; processing and rejected tracks included (`status=` filters). `growth` compares "
                 "counted plays in the last 30 days with the 30 before: `rising`, `steady` or `falling`. "
                 "`collaborations`: each collaborator and their share of plays on shared tracks. " + NO_ARTIST)
@producer_required
def beats() -> ResponseReturnValue:
    query = query_args(BeatsQuery())
    result = remote("catalog").producer_beats(actor_id=g.user_id, artist_id=query.get("artist"),
                                              status=query.get("status"), cursor=query.get("cursor"),
                                              limit=query["limit"])
    return ProducerBeats().dump({**result, "items": [_with_links(track) for track in result["items"]]})


def _with_links(track: dict[str, Any]) -> dict[str, Any]:
    return {**track, "links": track_links(track)}


@bp.get("/collections")
@doc("The producer's collections with their statistics", ok=(200, ProducerCollections), query=CollectionsQuery,
     errors=(403, 404), description="`q` filters by name. " + NO_ARTIST)
@producer_required
def collections() -> ResponseReturnValue:
    query = query_args(CollectionsQuery())
    result = remote("catalog").producer_collections(actor_id=g.user_id, artist_id=query.get("artist"),
                                                    q=query.get("q"), cursor=query.get("cursor"),
                                                    limit=query["limit"])
    return ProducerCollections().dump(result)
