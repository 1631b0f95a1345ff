"""An artist page's Similar Artists (docs/business-rules.md "Similar artists"): other pages sharing its genres and
its listeners, scored by ``play_rules.similarity``. A page's tracks are its Discography (published tracks it
uploaded or is credited on: ``tracks.discography``); its genres are theirs, normalised (``track_genres``).

Bounded work per call, whatever the catalog's size: the page's genres and tracks (index look-ups by page), the
pages sharing a genre (``ix_track_genres_genre`` for each of the page's genres), the page's most recent 300
listeners of the last 90 days (``ix_plays_track_played`` for each of its tracks) and their counted plays of those
90 days (``ix_plays_listener_played`` for each listener); then the genres of at most 400 candidate pages
(``ix_tracks_artist_published``, ``ix_track_credits_artist``) and the names of the 10 kept."""
from __future__ import annotations

from datetime import datetime
from typing import TypedDict

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from services.catalog.plays import rules as play_rules
from services.catalog.plays.models import Play
from services.catalog.tracks import discography, repository, views
from services.catalog.tracks.models import Artist, TrackGenre
from services.common.clock import utcnow
from services.common.db import UnitOfWork


class SimilarArtist(TypedDict):
    artist: views.ArtistSummary
    score: float
    shared_genres: list[str]
    shared_listeners: int


def similar_artists(uow: UnitOfWork, artist_id: str, now: datetime | None = None) -> list[SimilarArtist]:
    session = uow.session
    page = repository.require_artist(session, artist_id)
    since = (now or utcnow()) - play_rules.SIMILAR_PLAYS_WINDOW
    own_genres = set(session.scalars(select(distinct(TrackGenre.genre)).where(
        TrackGenre.track_id.in_(discography.track_ids(page.id)))))
    by_genre = _sharing_genres(session, page.id, own_genres)
    listeners = _recent_listeners(session, page.id, since)
    by_listener = _sharing_listeners(session, page.id, listeners, since)
    candidates = list(dict.fromkeys(play_rules.strongest({a: len(g) for a, g in by_genre.items()})
                                    + play_rules.strongest(by_listener)))
    genre_counts = _genre_counts(session, candidates)
    scored = [play_rules.similarity(candidate, by_genre.get(candidate, set()), len(own_genres),
                                    genre_counts.get(candidate, 0), by_listener.get(candidate, 0), len(listeners))
              for candidate in candidates]
    best = play_rules.most_similar(scored)
    names = {row.id: row for row in session.execute(select(Artist.id, Artist.name, Artist.verified).where(
        Artist.id.in_([similar.artist_id for similar in best])))} if best else {}
    return [SimilarArtist(artist=views.ArtistSummary(id=s.artist_id, name=names[s.artist_id].name,
                                                     verified=bool(names[s.artist_id].verified)),
                          score=s.score, shared_genres=list(s.shared_genres), shared_listeners=s.shared_listeners)
            for s in best if s.artist_id in names]


def _sharing_genres(session: Session, artist_id: str, genres: set[str]) -> dict[str, set[str]]:
    """Every other page with a published track in one of ``genres`` → the genres it shares."""
    if not genres:
        return {}
    pages = discography.pages_of_tracks()
    rows = session.execute(select(pages.c.artist_id, TrackGenre.genre).distinct()
                           .join(pages, pages.c.track_id == TrackGenre.track_id)
                           .where(TrackGenre.genre.in_(sorted(genres)), pages.c.artist_id != artist_id))
    shared: dict[str, set[str]] = {}
    for other, genre in rows:
        shared.setdefault(other, set()).add(genre)
    return shared


def _recent_listeners(session: Session, artist_id: str, since: datetime) -> list[str]:
    """The page's most recent listeners (counted plays since ``since``), at most ``SIMILAR_LISTENERS_SAMPLED``."""
    return list(session.scalars(
        select(Play.listener_user_id)
        .where(Play.track_id.in_(discography.track_ids(artist_id)), Play.played_at >= since)
        .group_by(Play.listener_user_id)
        .order_by(func.max(Play.played_at).desc(), Play.listener_user_id)
        .limit(play_rules.SIMILAR_LISTENERS_SAMPLED)))


def _sharing_listeners(session: Session, artist_id: str, listeners: list[str], since: datetime) -> dict[str, int]:
    """Every other page whose published tracks ``listeners`` played since ``since`` → how many of them did."""
    if not listeners:
        return {}
    pages = discography.pages_of_tracks()
    rows = session.execute(
        select(pages.c.artist_id, func.count(distinct(Play.listener_user_id)))
        .join(pages, pages.c.track_id == Play.track_id)
        .where(Play.listener_user_id.in_(listeners), Play.played_at >= since, pages.c.artist_id != artist_id)
        .group_by(pages.c.artist_id))
    return {other: count for other, count in rows}


def _genre_counts(session: Session, artist_ids: list[str]) -> dict[str, int]:
    """How many distinct genres each of ``artist_ids``' Discography has."""
    if not artist_ids:
        return {}
    pages = discography.pages_of_tracks()
    rows = session.execute(
        select(pages.c.artist_id, func.count(distinct(TrackGenre.genre)))
        .join(TrackGenre, TrackGenre.track_id == pages.c.track_id)
        .where(pages.c.artist_id.in_(artist_ids)).group_by(pages.c.artist_id))
    return {other: count for other, count in rows}
