"""Where a ``play_recorded`` goes in gamification, measured in-process on fresh migrated databases, without the
broker: ``python -m bench.gamification_profile [--events N] [--batch 200 1000]``.

1. One event a transaction — what ``batch_event_handler`` does with a message when its batch failed, and how the
   service handled every play before batches: the contract check, ``claim`` of the event id,
   ``consumers.play_recorded``, commit; sequentially, under cProfile (the time per event split into SQLAlchemy
   statement building, ORM, waiting for PostgreSQL, and the rest), then unprofiled.
2. The service's batch path, as the entrypoint's worker runs it (the same steps for a whole batch in one
   transaction, ``consumers.plays_recorded``), for each batch size: plays per second, CPU milliseconds per play in
   this process and in its PostgreSQL backend, the counts, and a redelivered batch writing nothing.
"""
from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import time
from collections import Counter

from rich.console import Console
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from bench import gamification_events, gamification_probe as probe
from services.common.db import UnitOfWork

WARMUP = 200


def handle(session_factory, bodies: list[dict]) -> None:
    """One unit of work for ``bodies``, as the batch entrypoint's worker handles a batch (or a list of one)."""
    from services.common.messaging.batch import claim
    from services.common.messaging.consumer import check_contract
    from services.contracts.events import PLAY_RECORDED
    from services.gamification import consumers

    def work(uow: UnitOfWork) -> None:
        for body in bodies:
            check_contract(PLAY_RECORDED, body)
        fresh = claim(uow.session, probe.PLAY_HANDLER, (body["event_id"] for body in bodies))
        events = [body for body in bodies if body["event_id"] in fresh]
        if events:
            consumers.plays_recorded(uow, events)

    UnitOfWork(session_factory).run(work)


def handle_one(session_factory, body: dict) -> None:
    handle(session_factory, [body])


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


# --- the service's batch path -----------------------------------------------------------------------------------

def backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def batch_path(url: str, bodies: list[dict], size: int) -> dict:
    """Batches of ``size`` through one pooled connection (its backend's CPU is read from /proc)."""
    engine = create_engine(url, pool_size=1, max_overflow=0)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    try:
        pid = backend_pid(engine)
        backend_before, python_before = gamification_events.cpu_seconds(pid), time.process_time()
        started = time.perf_counter()
        for first in range(0, len(bodies), size):
            handle(factory, bodies[first:first + size])
        seconds = time.perf_counter() - started
        python_s, backend_s = time.process_time() - python_before, gamification_events.cpu_seconds(pid) - backend_before
        counts = probe.counts(engine)
        handle(factory, bodies[:size])  # redelivered: must write nothing
        return {"batch": size, "rate": round(len(bodies) / seconds, 1),
                "cpu_ms_per_play": {"python": round(python_s * 1000 / len(bodies), 3),
                                    "postgresql": round(backend_s * 1000 / len(bodies), 3)},
                "counts": counts, "redelivered_batch_wrote_nothing": probe.counts(engine) == counts}
    finally:
        engine.dispose()


def run(console: Console, events: int, batches: list[int]) -> dict:
    from devtools.infra import PgDatabases

    # as they come off the wire (strings, not datetimes)
    bodies = [json.loads(json.dumps(b)) for b in gamification_events.play_events(events)]
    pg = PgDatabases(f"benchgameprof{int(time.time())}")
    out: dict = {"events": events, "load_average_1m": gamification_events.load_average()}
    try:
        url = pg.create("handler")
        probe.migrate(url)
        with console.status(f"One event a transaction ({events:,} events)…"):
            out["one_event_a_transaction"] = profile_handler(url, bodies)
        out["batches"] = []
        for size in batches:
            url = pg.create(f"batch{size}")
            probe.migrate(url)
            with console.status(f"The service's batch path, {size} events a transaction…"):
                out["batches"].append(batch_path(url, bodies, size))
    finally:
        pg.drop_all()
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=4_000)
    parser.add_argument("--batch", type=int, nargs="+", default=[200, 1_000])
    args = parser.parse_args(argv)
    console = Console()
    console.print_json(data=run(console, args.events, args.batch))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
