"""Each artist page's genres — the distinct normalised genres of its Discography (published tracks it uploaded or
is credited on) — kept in ``page_genres`` so that Similar Artists finds the pages sharing a genre in one index
range instead of joining every track of that genre (services/catalog/plays/similar.py).

A page's rows are recomputed from its tracks, never adjusted, whenever its Discography's genres may change: a
track published (pipeline.py), its genres edited (tracks.update_track), a published track deleted
(tracks.remove_track) or withdrawn with its producer's account (services/catalog/erasure.py). The recompute first
locks the page's row, so two changes to one page apply one after the other and the second reads the first's
tracks; tracks are always locked before pages, so it cannot deadlock with them."""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from services.catalog.tracks import discography
from services.catalog.tracks.models import Artist, PageGenre, Track, TrackGenre


def pages_of(row: Track) -> list[str]:
    """The pages whose Discography ``row`` is in (or was, as published): its uploader's and its credited ones."""
    return list(dict.fromkeys([row.artist_id, *(row.collaborators or [])]))


def refresh_for(session: Session, rows: Iterable[Track]) -> None:
    """Recompute the genres of every page the tracks ``rows`` are credited to (after their change was flushed)."""
    refresh(session, [page for row in rows for page in pages_of(row)])


def refresh(session: Session, artist_ids: Iterable[str]) -> None:
    session.flush()
    for artist_id in sorted(set(artist_ids)):  # one lock order, whatever the caller's
        if session.scalar(select(Artist.id).where(Artist.id == artist_id).with_for_update()) is None:
            continue
        genres = session.scalars(select(TrackGenre.genre).distinct()
                                 .where(TrackGenre.track_id.in_(discography.track_ids(artist_id)))).all()
        session.execute(delete(PageGenre).where(PageGenre.artist_id == artist_id))
        rows = [{"artist_id": artist_id, "genre": genre} for genre in genres]
        if rows:
            session.execute(insert(PageGenre), rows)
