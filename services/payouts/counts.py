"""Each track's counted plays per period (docs/payouts.md "Play counts"), kept as plays arrive: the split reads
one row per track instead of aggregating every play of the month in the run."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from services.payouts.models import PlayCount
from services.payouts.periods import Period


def count_play(session: Session, period: Period, track_id: str) -> None:
    """One more play of the track in the period. Call it only for a ``plays`` row really inserted (its
    ``play_id`` key keeps replays out), in the same transaction, so the count never drifts from the rows."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(PlayCount).values(period=str(period), track_id=track_id, plays=1)
    session.execute(statement.on_conflict_do_update(index_elements=[PlayCount.period, PlayCount.track_id],
                                                    set_={"plays": PlayCount.plays + 1}))


def of_period(period: Period):
    """(track_id, plays) of the period, to join with the tracks."""
    return select(PlayCount.track_id, PlayCount.plays).where(PlayCount.period == str(period)).subquery()
