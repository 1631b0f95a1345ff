"""What the benchmarks read in gamification's own database (services/gamification/models.py): whether its XP
and leaderboard aggregates reflect the plays, and the counts that prove none was lost or doubled."""
from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

PLAY_HANDLER = "gamification.on_play_recorded"  # the consumer name the event entrypoint records

#: each must equal the number of plays sent (every play is +1 XP and one counted play of its page)
COUNTS = {
    "processed_events": "SELECT count(*) FROM processed_events WHERE consumer = :handler",
    "xp_entries (play)": "SELECT count(*) FROM xp_entries WHERE reason = 'play'",
    "xp (play) total": "SELECT coalesce(sum(amount), 0) FROM xp_entries WHERE reason = 'play'",
    "artists.xp total": "SELECT coalesce(sum(xp), 0) FROM artists",
    "aggregate points, all time": "SELECT coalesce(sum(value), 0) FROM aggregates "
                                  "WHERE category = 'points' AND bucket = 'all'",
    "aggregate plays, all time": "SELECT coalesce(sum(value), 0) FROM aggregates "
                                 "WHERE category = 'plays' AND bucket = 'all'",
    "aggregate plays, this month": "SELECT coalesce(sum(value), 0) FROM aggregates "
                                   "WHERE category = 'plays' AND bucket = to_char(now() at time zone 'utc', 'YYYY-MM')",
    "daily_activity plays": "SELECT coalesce(sum(plays), 0) FROM daily_activity",
}
#: polled while the service works: the ledger's total and the ranked aggregates (small tables here)
POLLED = ("processed_events", "artists.xp total", "aggregate points, all time", "aggregate plays, all time")


def migrate(url: str) -> None:
    from services.common.migrate import upgrade

    upgrade("gamification", url)


PROBE_APPLICATION = "bench-probe"


def engine(url: str) -> Engine:
    return create_engine(url, pool_size=2, connect_args={"application_name": PROBE_APPLICATION})


def counts(db: Engine, names=tuple(COUNTS)) -> dict[str, int]:
    with db.connect() as conn:
        return {name: int(conn.execute(text(COUNTS[name]), {"handler": PLAY_HANDLER}).scalar_one())
                for name in names}


def backends_cpu(db: Engine, cpu_seconds) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL backend serving this database (the service's connections), not the
    probe's own; ``cpu_seconds(pid)`` reads a process's (PostgreSQL runs on this host)."""
    with db.connect() as conn:
        pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                 "AND application_name <> :probe"), {"probe": PROBE_APPLICATION}).scalars().all()
    out = {}
    for pid in pids:
        try:
            out[pid] = cpu_seconds(pid)
        except OSError:  # gone meanwhile
            pass
    return out


def reflected(db: Engine) -> int:
    """How many plays every polled aggregate reflects: the smallest of them."""
    return min(counts(db, POLLED).values())
