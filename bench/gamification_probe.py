"""What the benchmarks read in gamification's own database: whether its XP and leaderboard aggregates reflect
the plays, and the counts that prove none was lost or doubled."""
from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

PLAY_HANDLER = "gamification.play_recorded"  # the consumer name the event entrypoint records

PROCESSED = "SELECT count(*) FROM processed_events WHERE consumer = :consumer"


def migrate(url: str) -> None:
    from services.common.migrate import upgrade

    upgrade("gamification", url)


def engine(url: str) -> Engine:
    return create_engine(url, pool_size=2)


def counts(db: Engine) -> dict[str, int]:
    """processed_events for the play handler and what the tables hold (see ``reflected``)."""
    with db.connect() as conn:
        return {"processed_events": conn.execute(text(PROCESSED), {"consumer": PLAY_HANDLER}).scalar_one()}


def reflected(db: Engine) -> int:
    """How many plays every aggregate reflects: the smallest of the counts."""
    return min(counts(db).values())
