"""An artist page's Discography: the published tracks it uploaded and those it is credited on as a collaborator,
newest published first, each with the page's ``role`` on it. A track the page both uploaded and is credited on
(which upload refuses, but an old row could hold) is listed once, as its uploader's.

Only published tracks, whoever asks — as on every public track list (the owner sees every status in the
Backstage). The uploaded part is an index range scan after the cursor (``ix_tracks_artist_published``), the
credited part the page's credits (``ix_track_credits_artist``) with their tracks by key; merged, never an OFFSET."""
from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, union_all
from sqlalchemy.orm import Session

from services.catalog.tracks import repository, views
from services.catalog.tracks.models import PUBLISHED, Track, TrackCredit
from services.common.db import UnitOfWork
from services.common.pagination import Envelope, PageRequest, Position, envelope, split
from services.common.sql import keyset_page

KIND = "artist_tracks"
UPLOADER, COLLABORATOR = "uploader", "collaborator"


class DiscographyTrack(views.TrackView):
    role: str


def uploaded(artist_id: str) -> Any:
    return select(Track.published_at, Track.id).where(Track.artist_id == artist_id, Track.status == PUBLISHED)


def credited(artist_id: str) -> Any:
    return (select(Track.published_at, Track.id).join(TrackCredit, TrackCredit.track_id == Track.id)
            .where(TrackCredit.artist_id == artist_id, Track.status == PUBLISHED, Track.artist_id != artist_id))


def track_ids(artist_id: str) -> Any:
    """The ids of the page's Discography (published tracks it uploaded or is credited on), as one statement."""
    return union_all(select(Track.id).where(Track.artist_id == artist_id, Track.status == PUBLISHED),
                     select(credited(artist_id).subquery().c.id))


def pages_of(source: Any, track_id: Any, *columns: Any, where: tuple[Any, ...] = (),
             page_where: Any = None) -> Any:
    """(artist_id, *columns) for each page a published track of ``source`` is in the Discography of — its uploader
    and its credited collaborators — as one statement of two parts, each driven by ``source`` (``where`` its
    conditions, ``track_id`` its track column; ``page_where(artist_id column)`` filters the pages): the tracks and
    credits are then looked up by key, so the work follows ``source``, never the whole catalog."""
    uploaders = (select(Track.artist_id.label("artist_id"), *columns).select_from(source)
                 .join(Track, Track.id == track_id).where(Track.status == PUBLISHED, *where))
    collaborators = (select(TrackCredit.artist_id.label("artist_id"), *columns).select_from(source)
                     .join(TrackCredit, TrackCredit.track_id == track_id).join(Track, Track.id == track_id)
                     .where(Track.status == PUBLISHED, Track.artist_id != TrackCredit.artist_id, *where))
    if page_where is not None:
        uploaders = uploaders.where(page_where(Track.artist_id))
        collaborators = collaborators.where(page_where(TrackCredit.artist_id))
    return union_all(uploaders, collaborators).subquery("pages_of")


def list_artist_tracks(uow: UnitOfWork, artist_id: str, page: PageRequest,
                       actor_id: str | None = None) -> Envelope:
    session = uow.session
    artist = repository.require_artist(session, artist_id)
    ids = _page_ids(session, artist.id, page)
    rows = {row.id: row for row in session.scalars(select(Track).where(Track.id.in_([i for _, i in ids])))} \
        if ids else {}
    ordered = [rows[track_id] for _, track_id in ids if track_id in rows]
    kept, next_position = split(ordered, page, lambda row: Position((row.published_at, row.id)))
    total = sum(session.scalar(select(func.count()).select_from(part.subquery())) or 0
                for part in (uploaded(artist.id), credited(artist.id)))
    items = [DiscographyTrack(**views.track(row, owner=repository.is_owner(row, actor_id)),
                              role=UPLOADER if row.artist_id == artist.id else COLLABORATOR) for row in kept]
    return envelope(KIND, items, total, next_position)


def _page_ids(session: Session, artist_id: str, page: PageRequest) -> list[tuple[Any, str]]:
    return [(row.published_at, row.id) for row in session.execute(page_query(artist_id, page))]


def page_query(artist_id: str, page: PageRequest) -> Any:
    """(published_at, id) of the page's rows plus one (whether a next page exists), newest first: each part read
    up to the page's size after the cursor, then merged."""
    parts = [keyset_page(part, (Track.published_at, Track.id), page).subquery()
             for part in (uploaded(artist_id), credited(artist_id))]
    merged = union_all(*(select(part.c.published_at, part.c.id) for part in parts)).subquery()
    return select(merged.c.published_at, merged.c.id).order_by(merged.c.published_at.desc(),
                                                               merged.c.id.desc()).limit(page.limit + 1)
