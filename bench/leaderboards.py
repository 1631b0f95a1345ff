"""Issue #12's leaderboard benchmark: top-50 and own-rank at 100,000 producers, p50/p99 of the service's own
query functions (target p99 < 20 ms each).

Gamification's tables are filled set-based (``INSERT … SELECT generate_series``) on a fresh migrated database:
100,000 artist pages with their lifetime XP, and for each page its aggregates (services/gamification/models.py
``Aggregate``: one row per page, category and bucket) for all time and the current month — points, plays,
uploads, collab, quality (with the published/complete helpers), overall and CAD earnings — skewed (a few pages
far ahead, many ties low down), some pages with no row in a category (a zero). Then ``VACUUM ANALYZE``, as a
database that has been running for a while. Timed: the functions the ``leaderboard`` RPC calls, in a unit of
work as the service runs them, for random categories, periods and pages, after a warm-up; artist names come
from catalog in the RPC and are not part of this. ``python -m bench.leaderboards [--artists N]`` runs it alone.
"""
from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timezone

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from bench.load import LoadResult
from services.common.db import UnitOfWork

ARTISTS = 100_000
CALLS = 500                # timed calls of each query
WARMUP = 50
TARGET_P99_MS = 20.0
TOP = 50
SEED = 12


def artist_id(number: str) -> str:
    return f"'20000000-0000-4000-8000-' || lpad(to_hex({number}), 12, '0')"


def python_artist_id(number: int) -> str:
    return f"20000000-0000-4000-8000-{number:012x}"


GENERATE_ARTISTS = f"""
INSERT INTO artists (artist_id, user_id, xp)
SELECT {artist_id('a')}, '40000000-0000-4000-8000-' || lpad(to_hex(a), 12, '0'),
       floor(80000 * power(random(), 4))::bigint
FROM generate_series(1, :artists) AS a
"""

# the value of each (category, bucket) per page: skewed, integers (so ties), a share of pages without a row
GENERATE_AGGREGATES = f"""
INSERT INTO aggregates (artist_id, category, bucket, value)
SELECT {artist_id('a')}, c.category, b.bucket,
       CASE c.category
            WHEN 'quality' THEN round((0.2 + 0.8 * random())::numeric, 2)::float
            ELSE floor(c.top * b.scale * power(random(), 4)) + 1 END
FROM generate_series(1, :artists) AS a,
     (VALUES ('points', 80000), ('plays', 500000), ('uploads', 300), ('collab', 120), ('published', 300),
             ('complete', 250), ('quality', 1), ('overall', 81000), ('earnings:CAD', 2000000)) AS c(category, top),
     (VALUES ('all', 1.0), (:month, 0.05)) AS b(bucket, scale)
WHERE (hashtext(c.category || b.bucket || a::text) & 1023) < CASE b.bucket WHEN 'all' THEN 900 ELSE 400 END
"""


def migrate(url: str) -> None:
    from bench import gamification_probe

    gamification_probe.migrate(url)


def generate(engine: Engine, artists: int, console: Console) -> float:
    month = datetime.now(timezone.utc).strftime("%Y-%m")
    started = time.perf_counter()
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        steps = [("artist pages", GENERATE_ARTISTS), ("aggregates", GENERATE_AGGREGATES)]
        task = progress.add_task("seeding", total=len(steps) + 1)
        with engine.begin() as conn:
            conn.execute(text("SELECT setseed(0.12)"))
            for label, statement in steps:
                progress.update(task, description=f"Generating {label} for {artists:,} pages")
                conn.execute(text(statement), {"artists": artists, "month": month})
                progress.advance(task)
        progress.update(task, description="VACUUM ANALYZE")
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        progress.advance(task)
    return time.perf_counter() - started


def time_calls(console: Console, name: str, session_factory, call, draws: list, calls: int) -> LoadResult:
    """``call(uow, draw)`` once per draw in its own unit of work; the first WARMUP are not counted."""
    latencies: list[float] = []
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(name, total=len(draws))
        for index, draw in enumerate(draws):
            started = time.perf_counter()
            UnitOfWork(session_factory).run(lambda uow: call(uow, draw))
            if index >= WARMUP:
                latencies.append((time.perf_counter() - started) * 1000)
            progress.advance(task)
    return LoadResult(name, len(latencies), 0, sum(latencies) / 1000, latencies)


class NoNames:
    """The names beside the rows come from catalog over RPC: not what is measured here."""

    def artist_summaries(self, artist_ids: list[str]) -> dict:
        return {}


def draws(rng: random.Random, artists: int, calls: int) -> list[tuple[str, str, int]]:
    """(category, period, artist number) for each call: every board and random pages."""
    from services.contracts.rpc.gamification import LEADERBOARD_CATEGORIES, LEADERBOARD_PERIODS

    return [(rng.choice(LEADERBOARD_CATEGORIES), rng.choice(LEADERBOARD_PERIODS), rng.randint(1, artists))
            for _ in range(calls + WARMUP)]


def measure(engine: Engine, artists: int, calls: int, console: Console) -> dict[str, LoadResult]:
    """The RPC's work for a top-50 page (rows, ranks, total; no caller) and the caller's own rank, plus the top-50's
    two statements apart, to show where its time goes."""
    from services.common.pagination import PageRequest
    from services.gamification import leaderboards as boards

    now = datetime.now(timezone.utc)
    factory = sessionmaker(bind=engine)
    rng = random.Random(SEED)
    page = PageRequest(limit=TOP)
    user_of = lambda number: f"40000000-0000-4000-8000-{number:012x}"  # noqa: E731 - the seeded accounts
    key = lambda category: boards.category_key(category, "CAD")  # noqa: E731

    calls_of = {
        "top-50 (leaderboard, no caller)": lambda uow, d: boards.leaderboard(
            uow, NoNames(), d[0], d[1], "CAD", page, None, now),
        "own rank (my_rank)": lambda uow, d: boards.my_rank(
            uow, d[0], key(d[0]), boards.bucket_of(d[1], now), user_of(d[2])),
        "  of top-50: ranked rows (_ranked)": lambda uow, d: boards._ranked(
            uow, key(d[0]), boards.bucket_of(d[1], now), page),
        "  of top-50: total (_total)": lambda uow, d: boards._total(uow, key(d[0]), boards.bucket_of(d[1], now)),
    }
    return {name: time_calls(console, name, factory, call, draws(rng, artists, calls), calls)
            for name, call in calls_of.items()}


def run(console: Console, artists: int = ARTISTS, calls: int = CALLS, url: str | None = None) -> dict:
    from devtools.infra import PgDatabases

    pg = None if url else PgDatabases(f"benchboard{int(time.time())}")
    try:
        url = url or pg.create("gamification")
        with console.status("Migrating the gamification database…"):
            migrate(url)
        engine = create_engine(url)
        try:
            generated_s = generate(engine, artists, console)
            measured = measure(engine, artists, calls, console)
            with engine.connect() as conn:
                aggregates = conn.execute(text("SELECT count(*) FROM aggregates")).scalar_one()
        finally:
            engine.dispose()
    finally:
        if pg is not None:
            pg.drop_all()
    return {"benchmark": "leaderboards", "artists": artists, "aggregate_rows": aggregates, "calls": calls,
            "generated_s": round(generated_s, 1), "target_p99_ms": TARGET_P99_MS,
            "timings": {name: {"p50_ms": round(r.p50, 2), "p99_ms": round(r.p99, 2),
                               "max_ms": round(max(r.latencies_ms), 2)} for name, r in measured.items()}}


def rows(console: Console) -> list[dict]:
    raw = run(console)
    out = []
    for name, t in raw["timings"].items():
        timed_alone = name.startswith(" ")
        met = "" if timed_alone else f"; target p99 < {TARGET_P99_MS:g} ms {'met' if t['p99_ms'] < TARGET_P99_MS else 'NOT met'}"
        out.append({"benchmark": f"{name.strip()}, {raw['artists']:,} pages", "project": f"p99 {t['p99_ms']:.1f} ms",
                    "baseline": "—", "ratio": "—",
                    "notes": f"p50 {t['p50_ms']:.1f} ms, max {t['max_ms']:.1f} ms, {raw['calls']} calls over the 7 "
                             f"boards × 2 periods{met}; {raw['aggregate_rows']:,} aggregate rows seeded in "
                             f"{raw['generated_s']:.0f} s", "raw": {**raw, "row": name.strip()}})
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--artists", type=int, default=ARTISTS)
    parser.add_argument("--calls", type=int, default=CALLS)
    parser.add_argument("--url", help="an empty PostgreSQL database to use (default: a fresh one, dropped after)")
    args = parser.parse_args(argv)
    console = Console()
    console.print_json(data=run(console, args.artists, args.calls, args.url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
