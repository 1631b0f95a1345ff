"""The monthly "Analytics report" of verified producers: for a UTC calendar month that has ended, one
notification per claimed, verified artist page, telling its owner the month's counted plays of the page's
tracks, the likes the page received that month (of its tracks, its collections and the page itself) and its
new followers, beside its followers now.

Made once per (page, month) — ``analytics_reports``' primary key, inserted ON CONFLICT DO NOTHING in the
transaction of the notification — so the hourly timer, the CLI and the admins' endpoint may all run for the
same month, concurrently too, and each page's owner hears of it once. Pages are taken in batches of
``BATCH`` by id, each batch one transaction (the timer and the CLI commit between batches).

What "of the month" counts: rows dated inside the month that still exist when the report is made — a like
or a follow withdrawn before then is not counted (the tables keep current marks only), and a deleted track
takes its plays with it."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable, Iterable, NamedTuple, TypedDict, TypeVar

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from services.catalog.audience import rules
from services.catalog.audience.models import AnalyticsReport, ArtistFollow
from services.catalog.audience.rules import Month
from services.catalog.beat_requests.notifications import notify_one
from services.catalog.community.models import CollectionLike, ProducerLike, TrackLike
from services.catalog.plays.models import Play
from services.catalog.shared.queries import insert_once
from services.catalog.tracks.backstage import Roles
from services.catalog.tracks.models import Artist, Collection, Track
from services.common.clock import iso
from services.common.db import UnitOfWork
from services.contracts.errors import Conflict

log = logging.getLogger(__name__)

BATCH = 200
ADMIN = "admin"

T = TypeVar("T")
#: runs ``work`` in a transaction of its own and commits it (the caller's unit of work, or a fresh one)
Transaction = Callable[[Callable[[UnitOfWork], T]], T]


class Numbers(NamedTuple):
    plays: int = 0
    likes: int = 0
    new_followers: int = 0


class ReportsRun(TypedDict):
    month: str
    reports: int


# --- the numbers -----------------------------------------------------------------------------------------------

def month_numbers(session: Session, artist_ids: Iterable[str], month: Month) -> dict[str, Numbers]:
    """Each page's numbers of ``month``, in five grouped queries for the whole batch (every page listed)."""
    ids = list(artist_ids)
    found = {artist_id: [0, 0, 0] for artist_id in ids}
    if not ids:
        return {}
    start, end = month.start, month.end
    plays = (select(Track.artist_id, func.count()).select_from(Play).join(Track, Play.track_id == Track.id)
             .where(Track.artist_id.in_(ids), Play.played_at >= start, Play.played_at < end))
    track_likes = (select(Track.artist_id, func.count()).select_from(TrackLike)
                   .join(Track, TrackLike.track_id == Track.id)
                   .where(Track.artist_id.in_(ids), TrackLike.created_at >= start, TrackLike.created_at < end))
    collection_likes = (select(Collection.artist_id, func.count()).select_from(CollectionLike)
                        .join(Collection, CollectionLike.collection_id == Collection.id)
                        .where(Collection.artist_id.in_(ids), CollectionLike.created_at >= start,
                               CollectionLike.created_at < end))
    page_likes = (select(ProducerLike.artist_id, func.count())
                  .where(ProducerLike.artist_id.in_(ids), ProducerLike.created_at >= start,
                         ProducerLike.created_at < end))
    followers = (select(ArtistFollow.artist_id, func.count())
                 .where(ArtistFollow.artist_id.in_(ids), ArtistFollow.created_at >= start,
                        ArtistFollow.created_at < end))
    for index, queries in ((0, (plays,)), (1, (track_likes, collection_likes, page_likes)), (2, (followers,))):
        for query in queries:
            for artist_id, count in session.execute(_grouped(query)).all():
                found[artist_id][index] += count
    return {artist_id: Numbers(*values) for artist_id, values in found.items()}


def _grouped(query: Select) -> Select:
    return query.group_by(query.selected_columns[0])


# --- making them -----------------------------------------------------------------------------------------------

def _due(month: Month, artist_ids: list[str] | None) -> Select:
    """Claimed, verified pages without a report of ``month`` (optionally only ``artist_ids``), by id."""
    reported = exists().where(AnalyticsReport.artist_id == Artist.id, AnalyticsReport.month == str(month))
    query = select(Artist).where(Artist.verified.is_(True), Artist.user_id.is_not(None), ~reported)
    if artist_ids is not None:
        query = query.where(Artist.id.in_(artist_ids))
    return query.order_by(Artist.id)


def due_count(uow: UnitOfWork, month: Month, artist_ids: list[str] | None = None) -> int:
    return uow.session.scalar(select(func.count()).select_from(_due(month, artist_ids).subquery())) or 0


def report_batch(uow: UnitOfWork, month: Month, now: datetime, artist_ids: list[str] | None = None,
                 batch: int = BATCH) -> tuple[int, bool]:
    """The reports of up to ``batch`` due pages: (how many this call made, whether more may be due)."""
    session = uow.session
    pages = list(session.scalars(_due(month, artist_ids).limit(batch)).all())
    numbers = month_numbers(session, [page.id for page in pages], month)
    made = 0
    for page in pages:
        counted = numbers[page.id]
        if not insert_once(session, AnalyticsReport, {"artist_id": page.id, "month": str(month), "plays": counted.plays,
                                                      "likes": counted.likes, "new_followers": counted.new_followers,
                                                      "created_at": now}):
            continue  # another run made it meanwhile
        payload = rules.report_payload(page.id, page.name, month, counted.plays, counted.likes, counted.new_followers,
                                       page.followers_count or 0)
        notify_one(uow, str(page.user_id), rules.ANALYTICS_REPORT, payload, now)
        made += 1
    return made, len(pages) == batch


def make_reports(transaction: Transaction, month: Month, now: datetime, artist_ids: list[str] | None = None,
                 progress: Callable[[int], None] | None = None, batch: int = BATCH) -> int:
    """Every due report of ``month`` (which must have ended), a batch per transaction; returns how many were
    made. ``progress`` hears the running total after each batch."""
    if not month.has_ended(now):
        raise Conflict(f"{month} has not ended yet: its reports can be made from {iso(month.end)}",
                       {"month": str(month), "ends_at": iso(month.end)})
    total, more = 0, True
    while more:
        made, more = transaction(lambda uow: report_batch(uow, month, now, artist_ids, batch))
        total += made
        if progress is not None:
            progress(total)
    if total:
        log.info("made %d analytics report(s) of %s", total, month)
    return total


def scheduled(transaction: Transaction, now: datetime) -> int:
    """The hourly timer: the reports of the month before ``now``'s (it has ended) that are not made yet."""
    return make_reports(transaction, rules.last_finished_month(now), now)


def analytics_reports(transaction: Transaction, roles: Roles, actor_id: str, month: object, now: datetime) -> ReportsRun:
    """An admin asks for a month's reports now (``month`` "YYYY-MM", default: the last finished month): the
    admin role first (accounts), then the month. Reports already made stay as they are, so asking again makes
    only the missing ones."""
    roles.require(actor_id, ADMIN)
    chosen = rules.last_finished_month(now) if month is None else rules.parse_month(month)
    return ReportsRun(month=str(chosen), reports=make_reports(transaction, chosen, now))
