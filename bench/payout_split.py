"""Issue #11's pool split on PostgreSQL: 100,000 tracks and 10,000,000 counted plays in one period, the split
(each track's plays read from ``play_counts``, its value, the shares per artist page rounded by largest
remainder) next to one plain ``SELECT SUM`` over the same plays, in the same run. Target ≤ 3×.

The data is generated set-based in the payouts service's own tables (``INSERT … SELECT generate_series``, in
chunks for the progress bar); the plays' secondary indexes are dropped during the load and built again
afterwards (faster than maintaining them row by row). The service counts each play as it arrives; here the
counts are filled once from the generated plays by ``INSERT … SELECT … GROUP BY`` (what migration 0002 does for
the plays recorded before it). Then the tables are vacuumed and analysed, as a database that has been running
for a while would be. ``python -m bench.payout_split [--tracks N --plays N]``
runs it alone on a fresh database.
"""
from __future__ import annotations

import argparse
import statistics
import time
from datetime import datetime, timezone

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from services.common.db import UnitOfWork
from services.payouts import formula
from services.payouts.periods import parse_period
from services.payouts.pool import pool_of, values_of
from services.payouts.runs import _accounts  # the run's own account lookup, so the benchmark times the same code

TRACKS = 100_000
PLAYS = 10_000_000
ARTISTS = 20_000            # artist pages; every tenth is unclaimed
USERS = 18_000              # accounts managing them (some manage two); every seventh is not payout-ready
SUBSCRIBERS = 20_000        # paid invoices in the period
LISTENERS = 200_000
CHUNK = 500_000             # plays per INSERT (one progress step)
TARGET_RATIO = 3.0
REPEATS = 3
PERIOD = "2026-11"
START, END = datetime(2026, 11, 1, tzinfo=timezone.utc), datetime(2026, 12, 1, tzinfo=timezone.utc)


def uid(prefix: str, number: str) -> str:
    """SQL for a UUID-shaped id made of a kind digit and a number, so rows of one kind sort by number."""
    return f"'{prefix}0000000-0000-4000-8000-' || lpad(to_hex({number}), 12, '0')"


TRACK_ID, ARTIST_ID, USER_ID, PLAY_ID, LISTENER_ID = (lambda n, p=p: uid(p, n) for p in "12345")

# producer_count 1–3; the uploader's page and collaborators' pages spread over all pages
PRODUCER_COUNT = "(1 + (i % 4 = 0)::int + (i % 12 = 0)::int)"
UPLOADER = f"(1 + (i * 7919) % {ARTISTS})"

GENERATE_TRACKS = f"""
INSERT INTO tracks (track_id, name, artist_id, licensing_model, published_at, sold_at, deleted_at, producer_count)
SELECT {TRACK_ID('i')}, 'Bench track ' || i, {ARTIST_ID(UPLOADER)},
       CASE WHEN i % 20 = 0 THEN 'exclusive_only' WHEN i % 3 = 0 THEN 'standard_exclusive' ELSE 'standard' END,
       CASE WHEN i % 50 = 1 THEN :end + interval '1 day'
            ELSE :end - random() * interval '1095 days' END,
       CASE WHEN i % 97 = 0 THEN :start - interval '10 days' END,
       CASE WHEN i % 89 = 0 THEN :start - interval '5 days' END,
       {PRODUCER_COUNT}
FROM generate_series(1, :tracks) AS i
"""

GENERATE_TRACK_ARTISTS = f"""
INSERT INTO track_artists (track_id, artist_id, owner_user_id)
SELECT {TRACK_ID('i')}, {ARTIST_ID('page')},
       CASE WHEN page % 10 = 0 THEN NULL ELSE {USER_ID(f'1 + page % {USERS}')} END
FROM generate_series(1, :tracks) AS i,
     LATERAL (SELECT 1 + ({UPLOADER} - 1 + k * 31) % {ARTISTS} AS page
              FROM generate_series(0, {PRODUCER_COUNT} - 1) AS k) AS credited
"""

GENERATE_ACCOUNTS = f"""
INSERT INTO connect_accounts (id, user_id, stripe_account_id, country, details_submitted, charges_enabled,
                              payouts_enabled, currently_due, last_event_created, created_at)
SELECT {uid('6', 'u')}, {USER_ID('u')}, 'acct_bench' || u, 'CA', true, true, u % 7 <> 0,
       (CASE WHEN u % 7 = 0 THEN '["external_account"]' ELSE '[]' END)::json, 0, :start
FROM generate_series(1, {USERS}) AS u
"""

GENERATE_REVENUE = f"""
INSERT INTO revenue (invoice_id, user_id, amount_cents, currency, paid_at)
SELECT 'in_bench' || s, {LISTENER_ID('s')}, CASE WHEN s % 4 = 0 THEN 2999 ELSE 1499 END, 'CAD',
       :start + random() * (:end - :start)
FROM generate_series(1, {SUBSCRIBERS}) AS s
"""

# a skewed popularity (a few tracks get most plays), every play inside the period
GENERATE_PLAYS = f"""
INSERT INTO plays (play_id, track_id, listener_user_id, played_at)
SELECT {PLAY_ID('n')}, {TRACK_ID(f'1 + floor(:tracks * power(random(), 3))::int')},
       {LISTENER_ID(f'1 + n % {LISTENERS}')}, :start + random() * (:end - :start)
FROM generate_series(:first, :last) AS n
"""

# what play_recorded keeps per play (services/payouts/counts.py), all at once
GENERATE_PLAY_COUNTS = """
INSERT INTO play_counts (period, track_id, plays)
SELECT to_char(played_at AT TIME ZONE 'UTC', 'YYYY-MM'), track_id, count(*) FROM plays GROUP BY 1, 2
"""

BASELINE = "SELECT SUM(1) FROM plays WHERE played_at >= :start AND played_at < :end"


def migrate(url: str) -> None:
    from services.common.migrate import upgrade

    upgrade("payouts", url)


def secondary_indexes(engine: Engine, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's indexes that back no constraint."""
    with engine.connect() as conn:
        rows = conn.execute(text(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = :table AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)"), {"table": table})
        return [tuple(row) for row in rows]


def generate(engine: Engine, tracks: int, plays: int, console: Console) -> float:
    """Fills the payouts tables; returns the seconds it took."""
    started = time.perf_counter()
    bounds = {"start": START, "end": END, "tracks": tracks}
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        steps = [("tracks", GENERATE_TRACKS), ("credited artists", GENERATE_TRACK_ARTISTS),
                 ("Connect accounts", GENERATE_ACCOUNTS), ("subscription revenue", GENERATE_REVENUE)]
        task = progress.add_task("catalog", total=len(steps))
        with engine.begin() as conn:
            conn.execute(text("SELECT setseed(0.11)"))
            for label, statement in steps:
                progress.update(task, description=f"Generating {label}")
                conn.execute(text(statement), bounds)
                progress.advance(task)
        indexes = secondary_indexes(engine, "plays")
        with engine.begin() as conn:
            for name, _ in indexes:
                conn.execute(text(f'DROP INDEX "{name}"'))
        task = progress.add_task(f"Generating {plays:,} plays", total=plays)
        for first in range(1, plays + 1, CHUNK):
            last = min(first + CHUNK - 1, plays)
            with engine.begin() as conn:  # seeded per chunk: the same plays on every run
                conn.execute(text("SELECT setseed(:seed)"), {"seed": first / (plays + 1)})
                conn.execute(text(GENERATE_PLAYS), {**bounds, "first": first, "last": last})
            progress.update(task, completed=last)
        task = progress.add_task("Counting plays, indexing and analysing", total=len(indexes) + 2)
        with engine.begin() as conn:
            conn.execute(text("SET work_mem = '256MB'"))
            conn.execute(text(GENERATE_PLAY_COUNTS))
        progress.advance(task)
        for _, create in indexes:
            with engine.begin() as conn:
                conn.execute(text("SET maintenance_work_mem = '256MB'"))
                conn.execute(text(create))
            progress.advance(task)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        progress.advance(task)
    return time.perf_counter() - started


def timed(run) -> tuple[float, object]:
    started = time.perf_counter()
    result = run()
    return time.perf_counter() - started, result


def baseline_sum(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text(BASELINE), {"start": START, "end": END}).scalar_one()


def split_computation(uow) -> dict:
    """What a run's *prepare* step computes before it writes anything, with payouts' own code: the plays per
    track (``play_counts``) and each track's value (services/payouts/pool.py ``values_of``), the values per artist
    page, the excluded pages (unclaimed, or their account not payout-ready) and the cents by largest remainder
    (formula.py ``split_pool``). The ledger credits and splits it then writes are not timed here."""
    period = parse_period(PERIOD)
    values = values_of(uow, period)
    by_artist, owners = values.by_artist(), values.owners()
    accounts = _accounts(uow, {owner for owner in owners.values() if owner})
    excluded = {artist for artist, owner in owners.items()
                if owner is None or owner not in accounts or not accounts[owner].payout_ready}
    cents = formula.split_pool(pool_of(uow, period), by_artist, excluded)
    return {"tracks_valued": len(values.tracks), "artist_pages": len(by_artist), "excluded_pages": len(excluded),
            "pool_cents": sum(cents.values())}


def project_split(engine: Engine) -> dict:
    return UnitOfWork(sessionmaker(bind=engine)).run(split_computation)


class StatementClock:
    """Seconds spent in the database's statements while a split runs, to tell the SQL from the Python in the
    split's time (psycopg2's cursors receive the whole result inside ``execute``)."""

    def __init__(self, engine: Engine):
        self.seconds = 0.0
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, *_):
        conn.info["statement_started"] = time.perf_counter()

    def _after(self, conn, *_):
        self.seconds += time.perf_counter() - conn.info.pop("statement_started")


def measure(engine: Engine, console: Console) -> dict:
    """Alternates the two, after one warm-up each, and keeps the median of REPEATS."""
    with console.status("Warming up (one split, one SUM)…"):
        _, counted = timed(lambda: baseline_sum(engine))
        timed(lambda: project_split(engine))
    clock = StatementClock(engine)
    split_s, sql_s, sum_s, summary = [], [], [], None
    for repeat in range(REPEATS):
        with console.status(f"Timing the split and the SUM ({repeat + 1}/{REPEATS})…"):
            clock.seconds = 0.0
            seconds, summary = timed(lambda: project_split(engine))
            split_s.append(seconds)
            sql_s.append(clock.seconds)
            seconds, _ = timed(lambda: baseline_sum(engine))
            sum_s.append(seconds)
    return {"split_s": statistics.median(split_s), "sum_s": statistics.median(sum_s),
            "split_sql_s": round(statistics.median(sql_s), 3), "counted_plays": counted,
            "split_runs_s": [round(s, 3) for s in split_s], "split_sql_runs_s": [round(s, 3) for s in sql_s],
            "sum_runs_s": [round(s, 3) for s in sum_s], "summary": summary}


def run(console: Console, tracks: int = TRACKS, plays: int = PLAYS, url: str | None = None) -> dict:
    """Generates the data on a fresh database (or ``url``) and measures; the raw figures."""
    from devtools.infra import PgDatabases

    pg = None if url else PgDatabases(f"benchpay{int(time.time())}")
    try:
        url = url or pg.create("payouts")
        with console.status("Migrating the payouts database…"):
            migrate(url)
        engine = create_engine(url)
        try:
            generated_s = generate(engine, tracks, plays, console)
            measured = measure(engine, console)
        finally:
            engine.dispose()
    finally:
        if pg is not None:
            pg.drop_all()
    ratio = measured["split_s"] / measured["sum_s"]
    return {"benchmark": "payout split", "tracks": tracks, "plays": plays, "generated_s": round(generated_s, 1),
            **measured, "split_s": round(measured["split_s"], 3), "sum_s": round(measured["sum_s"], 3),
            "ratio": round(ratio, 3), "target_ratio": TARGET_RATIO}


def rows(console: Console) -> list[dict]:
    raw = run(console)
    met = "met" if raw["ratio"] <= TARGET_RATIO else "NOT met"
    return [{"benchmark": f"payout split, {raw['tracks']:,} tracks, {raw['plays']:,} plays",
             "project": f"{raw['split_s']:.2f} s", "baseline": f"SELECT SUM {raw['sum_s']:.2f} s",
             "ratio": f"{raw['ratio']:.2f}",
             "notes": f"target ≤ {TARGET_RATIO:g}× {met}; SQL {raw['split_sql_s']:.2f} s of the split; median of "
                      f"{REPEATS}; data generated in {raw['generated_s']:.0f} s", "raw": raw}]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=TRACKS)
    parser.add_argument("--plays", type=int, default=PLAYS)
    parser.add_argument("--url", help="an empty PostgreSQL database to use (default: a fresh one, dropped after)")
    args = parser.parse_args(argv)
    console = Console()
    console.print_json(data=run(console, args.tracks, args.plays, args.url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
