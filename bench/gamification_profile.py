"""Where a ``play_recorded`` goes in gamification, measured in-process on a fresh migrated database, without the
broker: ``python -m bench.gamification_profile [--events N]``.

1. The service's own handler path, one event per transaction as its entrypoint runs it (``already_processed``,
   ``consumers.play_recorded``, ``mark_processed``, commit), sequentially, under cProfile: the time per event
   split into SQLAlchemy statement building, ORM, waiting for PostgreSQL, and the rest; then unprofiled.
2. A sketch of the change bench/RESULTS.md (#12) proposes — NOT the service's code: the same effects for a batch
   of plays in one transaction, set-based (processed events, XP entries keyed by play, the pages' XP, the day's
   counters and the aggregates, five statements a batch), with the same counts at the end and a redelivered
   batch writing nothing.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time
import uuid
from collections import Counter
from datetime import datetime, timezone

from rich.console import Console
from sqlalchemy import create_engine
from sqlalchemy.orm import sessionmaker

from bench import gamification_events, gamification_probe as probe
from services.common.db import UnitOfWork

WARMUP = 200


def handle_one(session_factory, body: dict) -> None:
    from services.gamification import consumers

    def work(uow: UnitOfWork) -> None:
        if uow.already_processed(body["event_id"], probe.PLAY_HANDLER):
            return
        consumers.play_recorded(uow, body)
        uow.mark_processed(body["event_id"], probe.PLAY_HANDLER)

    UnitOfWork(session_factory).run(work)


def where_time_goes(stats: pstats.Stats, events: int) -> dict[str, float]:
    """ms per event (profiled) by who spent it (own time of each function)."""
    shares: Counter = Counter()
    for (path, _, name), (_, _, own, _, _) in stats.stats.items():
        if "psycopg2" in name:
            key = "waiting for PostgreSQL (psycopg2 execute/commit)"
        elif "sqlalchemy/sql/" in path:
            key = "SQLAlchemy Core: building and compiling statements"
        elif "sqlalchemy/orm/" in path:
            key = "SQLAlchemy ORM"
        elif "sqlalchemy" in path:
            key = "SQLAlchemy engine and other"
        else:
            key = "the rest (services, stdlib)"
        shares[key] += own
    return {key: round(seconds / events * 1000, 2) for key, seconds in shares.most_common()}


def profile_handler(url: str, bodies: list[dict]) -> dict:
    engine = create_engine(url)
    factory = sessionmaker(bind=engine)
    try:
        for body in bodies[:WARMUP]:
            handle_one(factory, body)
        measured = bodies[WARMUP:len(bodies) // 2]
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for body in measured:
            handle_one(factory, body)
        profiler.disable()
        profiled_s = time.perf_counter() - started
        rest = bodies[len(bodies) // 2:]
        started = time.perf_counter()
        for body in rest:
            handle_one(factory, body)
        plain_s = time.perf_counter() - started
        stats = pstats.Stats(profiler)
        return {"profiled_ms_per_event": round(profiled_s / len(measured) * 1000, 2),
                "by_whom_ms_per_event_profiled": where_time_goes(stats, len(measured)),
                "unprofiled_rate": round(len(rest) / plain_s, 1), "counts": probe.counts(engine)}
    finally:
        engine.dispose()


# --- the sketch ------------------------------------------------------------------------------------

def handle_batch(conn, batch: list[dict]) -> None:
    """One transaction for a batch of plays; idempotent by event id and by play id, rows upserted in key
    order (no deadlock between two batches)."""
    from psycopg2.extras import execute_values

    cur = conn.cursor()
    now = datetime.now(timezone.utc)
    fresh = {row[0] for row in execute_values(
        cur, "INSERT INTO processed_events (consumer, event_id, processed_at) VALUES %s ON CONFLICT DO NOTHING "
             "RETURNING event_id", [(probe.PLAY_HANDLER, b["event_id"], now) for b in batch], fetch=True)}
    granted = execute_values(
        cur, "INSERT INTO xp_entries (id, artist_id, amount, reason, source, track_id, event_id, created_at) "
             "VALUES %s ON CONFLICT DO NOTHING RETURNING artist_id, created_at",
        [(str(uuid.uuid4()), b["artist_id"], 1, "play", b["play_id"], b["track_id"], b["event_id"], b["played_at"])
         for b in batch if b["event_id"] in fresh], fetch=True)
    pages, days, buckets = Counter(), Counter(), Counter()
    for artist_id, when in granted:
        pages[artist_id] += 1
        days[(artist_id, when.date())] += 1
        for category in ("plays", "points", "overall"):
            for bucket in ("all", f"{when.year:04d}-{when.month:02d}"):
                buckets[(artist_id, category, bucket)] += 1
    execute_values(cur, "INSERT INTO artists (artist_id, xp) VALUES %s ON CONFLICT (artist_id) "
                        "DO UPDATE SET xp = artists.xp + excluded.xp", sorted(pages.items()))
    execute_values(cur, "INSERT INTO daily_activity (artist_id, day, plays, downloads, uploads) VALUES %s "
                        "ON CONFLICT (artist_id, day) DO UPDATE SET plays = daily_activity.plays + excluded.plays",
                   sorted((a, d, n, 0, 0) for (a, d), n in days.items()))
    # RETURNING the new totals is where the real change would find the pages whose plays crossed an
    # achievement target (old < target <= new) and rebuild only those
    execute_values(cur, "INSERT INTO aggregates (artist_id, category, bucket, value) VALUES %s "
                        "ON CONFLICT (artist_id, category, bucket) DO UPDATE SET value = aggregates.value + "
                        "excluded.value RETURNING artist_id, category, bucket, value",
                   sorted((a, c, b, n) for (a, c, b), n in buckets.items()), fetch=True)
    conn.commit()


def batch_sketch(url: str, bodies: list[dict], size: int) -> dict:
    import psycopg2

    engine = create_engine(url)
    conn = psycopg2.connect(engine.url.render_as_string(hide_password=False).replace("postgresql+psycopg2", "postgresql"))
    try:
        started = time.perf_counter()
        for first in range(0, len(bodies), size):
            handle_batch(conn, bodies[first:first + size])
        seconds = time.perf_counter() - started
        handle_batch(conn, bodies[:size])  # redelivered: must write nothing
        return {"batch": size, "rate": round(len(bodies) / seconds, 1), "counts": probe.counts(engine)}
    finally:
        conn.close()
        engine.dispose()


def run(console: Console, events: int, batch: int) -> dict:
    from devtools.infra import PgDatabases

    # as they come off the wire (strings, not datetimes)
    bodies = [json.loads(json.dumps(b)) for b in gamification_events.play_events(events)]
    pg = PgDatabases(f"benchgameprof{int(time.time())}")
    try:
        handler_url, sketch_url = pg.create("handler"), pg.create("sketch")
        probe.migrate(handler_url)
        probe.migrate(sketch_url)
        with console.status(f"The service's handler, one event a transaction ({events:,} events)…"):
            handler = profile_handler(handler_url, bodies)
        with console.status(f"The batch sketch, {batch} events a transaction…"):
            sketch = batch_sketch(sketch_url, bodies, batch)
    finally:
        pg.drop_all()
    return {"events": events, "handler": handler, "batch_sketch": sketch}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=4_000)
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args(argv)
    console = Console()
    console.print_json(data=run(console, args.events, args.batch))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
