"""An artist page's Similar Artists (docs/business-rules.md "Similar artists"): other pages sharing its genres and
its listeners, scored by ``play_rules.similarity``. A page's tracks are its Discography (published tracks it
uploaded or is credited on: ``tracks.discography``); its genres are theirs, normalised, kept per page in
``page_genres`` (``tracks.page_genres``).

Bounded work per call, in queries on indexes (their plans are tested on a catalog of realistic shape): the page's
genres (``page_genres`` by key); the 200 pages sharing most of them, counted by the database over
``ix_page_genres_genre`` (one row per page and genre, not per track); the page's most recent 300 listeners of the
last 90 days (``ix_plays_track_played`` for each of its tracks); the pages those listeners played in the 90 days
(``ix_plays_listener_played``, each track's pages by key); the shared genres and genre counts of the candidates —
those 200 and the 200 sharing most listeners — by key; the names of the 10 kept."""
from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict

from sqlalchemy import Select, distinct, func, select

from services.catalog.plays import rules as play_rules
from services.catalog.plays.models import Play
from services.catalog.tracks import discography, repository, views
from services.catalog.tracks.models import Artist, PageGenre
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
    own_genres = set(session.scalars(genres_of(page.id)))
    listeners = list(session.scalars(recent_listeners(page.id, since)))
    by_listener = dict(session.execute(sharing_listeners(page.id, listeners, since)).tuples().all()) \
        if listeners else {}
    by_genre = list(session.scalars(sharing_most_genres(page.id, own_genres))) if own_genres else []
    candidates = list(dict.fromkeys(by_genre + play_rules.strongest(by_listener)))
    if not candidates:
        return []
    shared: dict[str, set[str]] = {}
    if own_genres:
        for other, genre in session.execute(shared_genres(candidates, own_genres)):
            shared.setdefault(other, set()).add(genre)
    counts = dict(session.execute(genre_counts(candidates)).tuples().all())
    best = play_rules.most_similar([
        play_rules.similarity(other, shared.get(other, set()), len(own_genres), counts.get(other, 0),
                              by_listener.get(other, 0), len(listeners)) for other in candidates])
    names = {row.id: row for row in session.execute(select(Artist.id, Artist.name, Artist.verified).where(
        Artist.id.in_([similar.artist_id for similar in best])))} if best else {}
    return [SimilarArtist(artist=views.ArtistSummary(id=s.artist_id, name=names[s.artist_id].name,
                                                     verified=bool(names[s.artist_id].verified)),
                          score=s.score, shared_genres=list(s.shared_genres), shared_listeners=s.shared_listeners)
            for s in best if s.artist_id in names]


# --- the queries (statements, so their plans can be checked) ------------------------------------------------

def genres_of(artist_id: str) -> Select[Any]:
    """The genres of the page's Discography (kept in ``page_genres``)."""
    return select(PageGenre.genre).where(PageGenre.artist_id == artist_id)


def sharing_most_genres(artist_id: str, genres: set[str]) -> Select[Any]:
    """The other pages sharing the most of ``genres`` (at most ``SIMILAR_CANDIDATES_PER_SIGNAL``), counted by the
    database: one row per page and genre in ``ix_page_genres_genre``."""
    shared = func.count()
    return (select(PageGenre.artist_id).where(PageGenre.genre.in_(sorted(genres)), PageGenre.artist_id != artist_id)
            .group_by(PageGenre.artist_id).order_by(shared.desc(), PageGenre.artist_id)
            .limit(play_rules.SIMILAR_CANDIDATES_PER_SIGNAL))


def shared_genres(artist_ids: list[str], genres: set[str]) -> Select[Any]:
    """(page, genre) for each of ``artist_ids``' genres among ``genres``."""
    return select(PageGenre.artist_id, PageGenre.genre).where(PageGenre.artist_id.in_(artist_ids),
                                                              PageGenre.genre.in_(sorted(genres)))


def recent_listeners(artist_id: str, since: datetime) -> Select[Any]:
    """The page's most recent listeners (counted plays since ``since``), at most ``SIMILAR_LISTENERS_SAMPLED``."""
    return (select(Play.listener_user_id)
            .where(Play.track_id.in_(discography.track_ids(artist_id)), Play.played_at >= since)
            .group_by(Play.listener_user_id)
            .order_by(func.max(Play.played_at).desc(), Play.listener_user_id)
            .limit(play_rules.SIMILAR_LISTENERS_SAMPLED))


def sharing_listeners(artist_id: str, listeners: list[str], since: datetime) -> Select[Any]:
    """(page, how many of ``listeners`` played it since ``since``) for every other page they played."""
    pages = discography.pages_of(Play, Play.track_id, Play.listener_user_id.label("listener"),
                                 where=(Play.listener_user_id.in_(listeners), Play.played_at >= since),
                                 page_where=lambda page: page != artist_id)
    return select(pages.c.artist_id, func.count(distinct(pages.c.listener))).group_by(pages.c.artist_id)


def genre_counts(artist_ids: list[str]) -> Select[Any]:
    """(page, how many genres its Discography has) for each of ``artist_ids``."""
    return (select(PageGenre.artist_id, func.count()).where(PageGenre.artist_id.in_(artist_ids))
            .group_by(PageGenre.artist_id))
