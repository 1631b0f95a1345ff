"""Writing facts the same way on PostgreSQL and SQLite: the page lock every consumer takes first, XP entries
keyed by their source, and counters raised by upserts."""
from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from services.common.db import UnitOfWork
from services.common.persistence import new_id
from services.common.sql import insert_ignoring_duplicates
from services.gamification.models import Aggregate, Artist, DailyActivity, Track, XpEntry


def _insert(uow: UnitOfWork):
    return postgresql.insert if uow.session.get_bind().dialect.name == "postgresql" else sqlite.insert


def lock_artist(uow: UnitOfWork, artist_id: str, xp_delta: int = 0) -> None:
    """Create the page's row if new and hold its lock until commit (one writer per page: a rebuild never races
    a play's increments); ``xp_delta`` is added to its lifetime XP on the way."""
    insert = _insert(uow)(Artist).values(artist_id=artist_id, xp=xp_delta)
    uow.session.execute(insert.on_conflict_do_update(index_elements=[Artist.artist_id],
                                                     set_={"xp": Artist.xp + insert.excluded.xp}))


def artist(uow: UnitOfWork, artist_id: str) -> Artist:
    return uow.session.get(Artist, artist_id, populate_existing=True)


def locked_track(uow: UnitOfWork, track_id: str) -> Track:
    """The track's row (created empty when this is its first event), locked until commit."""
    insert_ignoring_duplicates(uow.session, Track, {"track_id": track_id})
    return uow.session.get(Track, track_id, with_for_update=True, populate_existing=True)


def grant(uow: UnitOfWork, artist_id: str, reason: str, source: str, amount: int, when: datetime, *,
          track_id: str | None = None, achievement: str | None = None, event_id: Any = None) -> bool:
    """Write an XP entry unless its (reason, source, page) exists; whether it was written."""
    return insert_ignoring_duplicates(uow.session, XpEntry, {
        "id": new_id(), "artist_id": artist_id, "amount": amount, "reason": reason, "source": source,
        "track_id": track_id, "achievement": achievement, "event_id": str(event_id) if event_id else None,
        "created_at": when})


def count_day(uow: UnitOfWork, artist_id: str, day: date, column: str) -> None:
    """One more play, download or upload on that page's day."""
    insert = _insert(uow)(DailyActivity).values(**{"artist_id": artist_id, "day": day, "plays": 0,
                                                               "downloads": 0, "uploads": 0, column: 1})
    uow.session.execute(insert.on_conflict_do_update(
        index_elements=[DailyActivity.artist_id, DailyActivity.day],
        set_={column: getattr(DailyActivity, column) + 1}))


def bump(uow: UnitOfWork, artist_id: str, deltas: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    """Add to aggregates in one statement; their new values."""
    insert = _insert(uow)(Aggregate).values([
        {"artist_id": artist_id, "category": category, "bucket": bucket, "value": delta}
        for (category, bucket), delta in deltas.items()])
    rows = uow.session.execute(insert.on_conflict_do_update(
        index_elements=[Aggregate.artist_id, Aggregate.category, Aggregate.bucket],
        set_={"value": Aggregate.value + insert.excluded.value})
        .returning(Aggregate.category, Aggregate.bucket, Aggregate.value)).all()
    return {(category, bucket): value for category, bucket, value in rows}


def pages_of(uow: UnitOfWork, user_id: str) -> list[str]:
    """The pages gamification knows that account manages, in a stable order."""
    return list(uow.session.scalars(select(Artist.artist_id).where(Artist.user_id == user_id)
                                    .order_by(Artist.artist_id)))

