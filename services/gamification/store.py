"""Writing facts the same way on PostgreSQL and SQLite: the page lock every consumer takes first, XP entries
keyed by their source, and counters raised by upserts."""
from __future__ import annotations

import functools
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, text
from sqlalchemy.dialects import postgresql, sqlite

from services.common.db import UnitOfWork
from services.common.persistence import new_id
from services.common.sql import insert_ignoring_duplicates
from services.gamification.models import Aggregate, Artist, BoardSize, DailyActivity, Track, XpEntry


def _insert(uow: UnitOfWork):
    return postgresql.insert if _dialect(uow) == "postgresql" else sqlite.insert


def _dialect(uow: UnitOfWork) -> str:
    return uow.session.get_bind().dialect.name


DAY_COLUMNS = ("plays", "downloads", "uploads")


class _Many:
    """One multi-row write: on PostgreSQL ``INSERT … SELECT * FROM unnest(<one array per column>) …`` — a handful
    of parameters whatever the number of rows, so neither SQLAlchemy nor psycopg2 renders thousands of them —
    and elsewhere (SQLite, ``make run``) the Core statement run with a list of parameter sets. With ``new_ids``
    each row gets a new random ``id`` (PostgreSQL makes them)."""

    def __init__(self, dialect: str, core, table, columns: tuple[str, ...], tail: str, new_ids: bool = False):
        self.core, self.columns, self.new_ids, self.pg = core, columns, new_ids, None
        if dialect == "postgresql":
            arrays = ", ".join(f"CAST(:{name} AS {table.c[name].type.compile(dialect=postgresql.dialect())}[])"
                               for name in columns)
            into, rows = ", ".join(columns), "rows.*"
            if new_ids:
                into, rows = f"id, {into}", "CAST(gen_random_uuid() AS varchar), rows.*"
            self.pg = text(f"INSERT INTO {table.name} ({into}) SELECT {rows} FROM unnest({arrays}) AS rows {tail}")

    def run(self, uow: UnitOfWork, rows: list[tuple]):
        """``rows``: tuples of the columns' values, in the order the rows are to be written (and locked)."""
        if self.pg is not None:
            return uow.session.execute(self.pg, {name: list(values) for name, values in zip(self.columns, zip(*rows))})
        if self.new_ids:
            return uow.session.execute(self.core, [{"id": new_id(), **dict(zip(self.columns, row))} for row in rows])
        return uow.session.execute(self.core, [dict(zip(self.columns, row)) for row in rows])


class _Statements:
    """The writes every consumer makes, built once per dialect with their parameters left open: SQLAlchemy's
    compiled cache then serves them, instead of a statement built and compiled per call (bench/RESULTS.md, #12);
    the play batches write many rows with each (``_Many``)."""

    def __init__(self, dialect: str):
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        artists, entries, days, values = (Artist.__table__, XpEntry.__table__, DailyActivity.__table__,
                                          Aggregate.__table__)
        statement = insert(artists)
        #: the page's row created if new, its lock taken, ``xp`` added to its lifetime XP
        self.add_xp = statement.on_conflict_do_update(index_elements=[artists.c.artist_id],
                                                      set_={"xp": artists.c.xp + statement.excluded.xp})
        # (off PostgreSQL, a RETURNING left unread makes SQLAlchemy send a list of parameter sets as one multi-row
        # statement — "insertmanyvalues" — where without it an upsert runs once per set)
        self.add_xp_many = _Many(dialect, self.add_xp.returning(artists.c.artist_id), artists, ("artist_id", "xp"),
                                 "ON CONFLICT (artist_id) DO UPDATE SET xp = artists.xp + excluded.xp")
        #: an XP entry unless its (reason, source, page) exists (``grant_many``: RETURNING the ones written)
        self.grant = insert(entries).on_conflict_do_nothing()
        self.grant_many = _Many(dialect, self.grant.returning(entries.c.source, entries.c.artist_id), entries,
                                ENTRY_COLUMNS, "ON CONFLICT DO NOTHING RETURNING source, artist_id", new_ids=True)
        statement = insert(days)
        #: a page's day counters raised by ``plays``, ``downloads`` and ``uploads``
        self.count_days = _Many(dialect, statement.on_conflict_do_update(
            index_elements=[days.c.artist_id, days.c.day],
            set_={column: days.c[column] + statement.excluded[column] for column in DAY_COLUMNS}).returning(
            days.c.artist_id), days, ("artist_id", "day", *DAY_COLUMNS),
            "ON CONFLICT (artist_id, day) DO UPDATE SET "
            + ", ".join(f"{column} = daily_activity.{column} + excluded.{column}" for column in DAY_COLUMNS))
        statement = insert(values)
        #: aggregates raised by ``value``, RETURNING their new values
        self.bump = _Many(dialect, statement.on_conflict_do_update(
            index_elements=[values.c.artist_id, values.c.category, values.c.bucket],
            set_={"value": values.c.value + statement.excluded.value}).returning(
            values.c.artist_id, values.c.category, values.c.bucket, values.c.value), values,
            ("artist_id", "category", "bucket", "value"),
            "ON CONFLICT (artist_id, category, bucket) DO UPDATE SET value = aggregates.value + excluded.value "
            "RETURNING artist_id, category, bucket, value")


#: an XP entry's columns but its id (a new one for each entry written)
ENTRY_COLUMNS = ("artist_id", "amount", "reason", "source", "track_id", "achievement", "event_id", "created_at")


@functools.cache
def _statements_for(dialect: str) -> _Statements:
    return _Statements(dialect)


def _statements(uow: UnitOfWork) -> _Statements:
    return _statements_for(_dialect(uow))


def lock_artist(uow: UnitOfWork, artist_id: str, xp_delta: int = 0) -> None:
    """Create the page's row if new and hold its lock until commit (one writer per page: a rebuild never races
    a play's increments); ``xp_delta`` is added to its lifetime XP on the way."""
    uow.session.execute(_statements(uow).add_xp, {"artist_id": artist_id, "xp": xp_delta})


def add_xp(uow: UnitOfWork, deltas: dict[str, int]) -> None:
    """``lock_artist`` for many pages in one statement, in page order (two writers never take two pages' locks in
    opposite orders)."""
    if deltas:
        _statements(uow).add_xp_many.run(uow, sorted(deltas.items()))


def artist(uow: UnitOfWork, artist_id: str) -> Artist:
    return uow.session.get(Artist, artist_id, populate_existing=True)


def locked_track(uow: UnitOfWork, track_id: str) -> Track:
    """The track's row (created empty when this is its first event), locked until commit."""
    insert_ignoring_duplicates(uow.session, Track, {"track_id": track_id})
    return uow.session.get(Track, track_id, with_for_update=True, populate_existing=True)


def entry(artist_id: str, reason: str, source: str, amount: int, when: datetime, *, track_id: str | None = None,
          achievement: str | None = None, event_id: Any = None) -> tuple:
    """An XP entry's row (``ENTRY_COLUMNS``), for ``grant`` and ``grant_many``."""
    return artist_id, amount, reason, source, track_id, achievement, str(event_id) if event_id else None, when


def grant(uow: UnitOfWork, artist_id: str, reason: str, source: str, amount: int, when: datetime, *,
          track_id: str | None = None, achievement: str | None = None, event_id: Any = None) -> bool:
    """Write an XP entry unless its (reason, source, page) exists; whether it was written."""
    row = entry(artist_id, reason, source, amount, when, track_id=track_id, achievement=achievement,
                event_id=event_id)
    result = uow.session.execute(_statements(uow).grant, {"id": new_id(), **dict(zip(ENTRY_COLUMNS, row))})
    return bool(cast(CursorResult, result).rowcount)


def grant_many(uow: UnitOfWork, entries: list[tuple]) -> set[tuple[str, str]]:
    """``grant`` for many entries of one reason in one statement, in (source, page) order; the (source, page) of
    those written. An entry whose key an uncommitted transaction is writing waits for it (then is written only if
    that one rolled back)."""
    if not entries:
        return set()
    rows = sorted(entries, key=lambda row: (row[3], row[0]))  # (source, artist_id)
    return {(source, artist_id) for source, artist_id in _statements(uow).grant_many.run(uow, rows).all()}


def count_day(uow: UnitOfWork, artist_id: str, day: date, column: str) -> None:
    """One more play, download or upload on that page's day."""
    count_days(uow, {(artist_id, day): 1}, column)


def count_days(uow: UnitOfWork, counts: dict[tuple[str, date], int], column: str) -> None:
    """Add to one counter (``plays``, ``downloads`` or ``uploads``) of pages' days, in one statement, in key
    order."""
    if counts:
        _statements(uow).count_days.run(uow, [
            (artist_id, day, *(n if name == column else 0 for name in DAY_COLUMNS))
            for (artist_id, day), n in sorted(counts.items())])


def bump(uow: UnitOfWork, artist_id: str, deltas: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    """Add to one page's aggregates in one statement; their new values."""
    values = bump_many(uow, {(artist_id, category, bucket): delta for (category, bucket), delta in deltas.items()})
    return {(category, bucket): value for (_, category, bucket), value in values.items()}


def bump_many(uow: UnitOfWork, deltas: dict[tuple[str, str, str], float]) -> dict[tuple[str, str, str], float]:
    """Add to aggregates, keyed (page, category, bucket), in one statement in key order, and to the boards' sizes
    those that cross 0; their new values."""
    if not deltas:
        return {}
    rows = _statements(uow).bump.run(uow, [(*key, float(delta)) for key, delta in sorted(deltas.items())]).all()
    values = {(artist_id, category, bucket): value for artist_id, category, bucket, value in rows}
    sizes: dict[tuple[str, str], int] = {}
    for key, delta in deltas.items():
        board = key[1:]
        sizes[board] = sizes.get(board, 0) + entered(values[key] - delta, values[key])
    resize(uow, sizes)
    return values


def entered(old: float, new: float) -> int:
    """+1 when a page enters a board (its value becomes positive), -1 when it leaves, else 0."""
    return int(new > 0) - int(old > 0)


def resize(uow: UnitOfWork, changes: dict[tuple[str, str], int]) -> None:
    """Apply the boards' size changes, in key order (two writers never lock the same rows in opposite order)."""
    changes = {key: change for key, change in sorted(changes.items()) if change}
    if not changes:
        return
    insert = _insert(uow)(BoardSize).values([{"category": category, "bucket": bucket, "ranked": change}
                                             for (category, bucket), change in changes.items()])
    uow.session.execute(insert.on_conflict_do_update(index_elements=[BoardSize.category, BoardSize.bucket],
                                                     set_={"ranked": BoardSize.ranked + insert.excluded.ranked}))


def pages_of(uow: UnitOfWork, user_id: str) -> list[str]:
    """The pages gamification knows that account manages, in a stable order."""
    return list(uow.session.scalars(select(Artist.artist_id).where(Artist.user_id == user_id)
                                    .order_by(Artist.artist_id)))

