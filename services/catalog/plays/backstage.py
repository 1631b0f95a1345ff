"""The producer's Backstage beats list (docs/catalog-areas.md "Backstage"): the page's tracks in every status,
newest first, each with its growth — counted plays in the last 30 days against the 30 before
(``play_rules.growth_status``), read in one grouped query over the listed tracks' plays — and the page's
collaboration insights (``play_rules.collaborations``). Whose page: ``tracks.backstage.backstage_page``."""
from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from services.catalog.plays.models import Play
from services.catalog.plays import rules as play_rules
from services.catalog.shared.queries import newest_first
from services.catalog.tracks.backstage import Roles, backstage_page
from services.catalog.tracks.models import PUBLISHED, Artist, Track
from services.catalog.tracks.schemas import BEATS, BackstageQuery
from services.catalog.tracks import views
from services.common.clock import utcnow
from services.common.db import UnitOfWork
from services.contracts.vocabularies import TRACK_STATUSES


class Growth(TypedDict):
    plays_last_30_days: int
    plays_previous_30_days: int
    status: str


class CollaboratorInsight(TypedDict):
    artist_id: str
    name: str
    shared_tracks: int
    plays: int
    share_of_plays: float


def producer_beats(uow: UnitOfWork, roles: Roles, actor_id: str, query: BackstageQuery,
                   now: datetime | None = None) -> dict[str, Any]:
    """``{artist_id, items, total, next, collaborations}``: the page's tracks (``query.status`` only, when
    given), each its owner's view with ``growth``, and the collaborators of the whole page (every list page
    carries them)."""
    now = now or utcnow()
    session = uow.session
    page = backstage_page(session, roles, actor_id, query.artist_id)
    tracks = beats_query(page.id, query.status)
    total = session.scalar(select(func.count()).select_from(tracks.subquery())) or 0
    listed = newest_first(session, tracks, Track.created_at, Track.id, query.page, BEATS, total,
                          lambda rows: _with_growth(session, rows, now))
    return {"artist_id": page.id, **listed, "collaborations": collaboration_insights(session, page.id)}


def beats_query(artist_id: str, status: str | None) -> Select:
    """The page's tracks (of ``status``, else in every status a client sees), unordered."""
    return select(Track).where(Track.artist_id == artist_id,
                               Track.status == status if status else Track.status.in_(TRACK_STATUSES))


def _with_growth(session: Session, rows: list[Track], now: datetime) -> list[dict[str, Any]]:
    counts = plays_by_period(session, [row.id for row in rows], now)
    return [{**views.track(row, owner=True), "growth": _growth(*counts.get(row.id, (0, 0)))} for row in rows]


def _growth(last: int, previous: int) -> Growth:
    return Growth(plays_last_30_days=last, plays_previous_30_days=previous,
                  status=play_rules.growth_status(last, previous))


def plays_by_period(session: Session, track_ids: list[str], now: datetime) -> dict[str, tuple[int, int]]:
    """track id → (counted plays in [now − 30 d, now], in [now − 60 d, now − 30 d)), in one grouped query
    (an index range scan of ``ix_plays_track_played`` per track); tracks without plays are absent."""
    if not track_ids:
        return {}
    middle = now - play_rules.GROWTH_PERIOD
    rows = session.execute(
        select(Play.track_id, func.count().filter(Play.played_at >= middle),
               func.count().filter(Play.played_at < middle))
        .where(Play.track_id.in_(track_ids), Play.played_at >= middle - play_rules.GROWTH_PERIOD,
               Play.played_at <= now)
        .group_by(Play.track_id))
    return {track_id: (last, previous) for track_id, last, previous in rows}


def collaboration_insights(session: Session, artist_id: str) -> list[CollaboratorInsight]:
    """Each collaborator credited on the page's published tracks (the tracks whose plays are counted), most
    played first; a collaborator page that no longer exists is left out."""
    tracks = session.execute(select(Track.collaborators, Track.play_count)
                             .where(Track.artist_id == artist_id, Track.status == PUBLISHED)).all()
    shares = play_rules.collaborations([(list(collaborators or []), plays or 0) for collaborators, plays in tracks])
    if not shares:
        return []
    names = dict(session.execute(select(Artist.id, Artist.name).where(Artist.id.in_(list(shares)))).all())
    insights = [CollaboratorInsight(artist_id=collaborator, name=names[collaborator],
                                    shared_tracks=share.shared_tracks, plays=share.plays,
                                    share_of_plays=share.share_of_plays)
                for collaborator, share in shares.items() if collaborator in names]
    return sorted(insights, key=lambda item: (-item["plays"], -item["shared_tracks"], item["name"],
                                              item["artist_id"]))
