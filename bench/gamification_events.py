"""Issue #12's event benchmark: 10,000 ``play_recorded`` events through a real gamification service process
(its own fresh database, migrated), timed until its XP and leaderboard aggregates reflect every one, next to a
bare kombu consumer that only acks the same 10,000 messages on the same broker, in the same run. Target: the
gamification run takes at most 1/0.60 of the bare run's time (ratio = bare time / gamification time ≥ 0.60).

Every run publishes the same bodies (built with ``build_event``, so valid per services/contracts/events.py) with
the project's own confirmed publisher (``ConfirmedPublisher``: persistent, one confirm per message, as the
outbox relay sends them) to the events exchange on a fresh vhost, as a backlog, before its consumer is let go
(the service is paused with SIGSTOP meanwhile); each is timed from letting the consumer go until every message is
handled. The bare queue is bound to its own routing key, so the gamification queue never sees its messages;
payouts' ``play_recorded`` queue (declared by gamification's topology) is deleted, so every publish lands in
exactly one queue in every run. The bare consumer takes the same prefetch as a nameko consumer (``MAX_WORKERS``,
10). It runs before and after the service, and the ratio uses the mean of the two: on a shared machine the load
drifts within a minute. Also reported: CPU per event of the service process and its PostgreSQL backends, and of
the bare consumer's thread (Linux /proc), and the load average around each run.
``python -m bench.gamification_events [--events N]`` runs it alone.
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from kombu import Connection, Consumer, Queue
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from services.common.messaging.publisher import ConfirmedPublisher
from services.common.messaging.topology import declare_for_service, events_exchange, main_queue
from services.contracts.events import PLAY_RECORDED, build_event

EVENTS = 10_000
ARTISTS = 500            # uploaders' artist pages the plays are spread over
TRACKS = 2_000
LISTENERS = 3_000
PREFETCH = 10            # nameko's default max_workers: the prefetch a service consumer takes
TARGET_RATIO = 0.60
BARE_ROUTING_KEY = "bench.bare_play_recorded"
READY_TIMEOUT_S = 60
DRAIN_TIMEOUT_S = 600
PUBLISHERS = 4           # publishing threads (a confirm per message; the backlog is not what is timed)
POLL_S = 0.1


def _uuid(kind: int, number: int) -> str:
    return f"{kind}0000000-0000-4000-8000-{number:012x}"


def play_events(count: int = EVENTS) -> list[dict]:
    """``count`` counted plays of this month, spread over ARTISTS pages (a track's uploader is fixed)."""
    now = datetime.now(timezone.utc).isoformat()
    events = []
    for n in range(count):
        track = n * 7919 % TRACKS
        artist = track % ARTISTS
        events.append(build_event(PLAY_RECORDED, {
            "play_id": str(uuid.uuid4()), "track_id": _uuid(1, track), "listener_user_id": _uuid(3, n % LISTENERS),
            "producer_user_id": _uuid(4, artist), "artist_id": _uuid(2, artist), "collaborator_artist_ids": [],
            "duration_s": 180.0, "position_s": 30.0 + n % 60, "played_at": now}))
    return events


@dataclass
class Run:
    """One run: the backlog published (timed apart), then drained by the consumer (the figure compared)."""
    name: str
    events: int
    seconds: float = 0.0
    publish_s: float = 0.0
    counts: dict = field(default_factory=dict)
    cpu_s: dict = field(default_factory=dict)  # CPU seconds spent draining, by process
    load: tuple = ()  # the 1-minute load average before and after the drain

    @property
    def rate(self) -> float:
        return self.events / self.seconds if self.seconds else 0.0


def _progress(console: Console) -> Progress:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=console, transient=True)


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> float:
    return os.getloadavg()[0]


def publish_backlog(console: Console, name: str, amqp_uri: str, bodies: list[dict], routing_key: str) -> float:
    """Publishes every body with confirms from PUBLISHERS threads (one connection each, since each publish
    waits for its confirm); returns the seconds it took."""
    sent = [0]
    lock = threading.Lock()

    def publish(share: list[dict]) -> None:
        publisher = ConfirmedPublisher(amqp_uri)
        try:
            for body in share:
                publisher.publish(json.dumps(body), routing_key=routing_key, message_id=body["event_id"])
                with lock:
                    sent[0] += 1
        finally:
            publisher.close()

    threads = [threading.Thread(target=publish, args=(bodies[i::PUBLISHERS],), daemon=True)
               for i in range(PUBLISHERS)]
    with _progress(console) as progress:
        task = progress.add_task(f"{name}: publishing the backlog", total=len(bodies))
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        while any(thread.is_alive() for thread in threads):
            time.sleep(0.1)
            progress.update(task, completed=sent[0])
        seconds = time.perf_counter() - started
    if sent[0] != len(bodies):
        raise RuntimeError(f"{name}: only {sent[0]:,} of {len(bodies):,} published (see the publisher's error)")
    return seconds


def drain(console: Console, name: str, total: int, resume: Callable[[], None], handled: Callable[[], int]) -> float:
    """``resume()`` lets the consumer go; polls ``handled()`` until it reaches ``total``. Returns the seconds."""
    with _progress(console) as progress:
        task = progress.add_task(f"{name}: handled", total=total)
        started = time.perf_counter()
        resume()
        count = 0
        while count < total:
            if time.perf_counter() - started > DRAIN_TIMEOUT_S:
                raise RuntimeError(f"{name}: only {count:,} of {total:,} handled after {DRAIN_TIMEOUT_S} s")
            time.sleep(POLL_S)
            count = handled()
            progress.update(task, completed=count)
        return time.perf_counter() - started


class BareConsumer:
    """A kombu consumer in a thread that decodes and acks each message, recording its event id."""

    def __init__(self, amqp_uri: str, queue: Queue):
        self.amqp_uri, self.queue = amqp_uri, queue
        self.received = 0
        self.event_ids: set[str] = set()
        self.cpu_s = 0.0  # the consumer thread's CPU until its last message
        self._stop = threading.Event()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._consume, daemon=True)

    def start(self) -> "BareConsumer":
        self._thread.start()
        if not self._ready.wait(READY_TIMEOUT_S):
            raise RuntimeError("the bare consumer did not start")
        return self

    def _on_message(self, body, message) -> None:
        self.event_ids.add(body["event_id"])
        self.received += 1
        message.ack()
        self.cpu_s = time.thread_time()

    def _consume(self) -> None:
        with Connection(self.amqp_uri) as conn:
            channel = conn.channel()
            channel.basic_qos(0, PREFETCH, False)
            with Consumer(channel, queues=[self.queue], callbacks=[self._on_message], accept=["json"]):
                self._ready.set()
                while not self._stop.is_set():
                    try:
                        conn.drain_events(timeout=0.2)
                    except TimeoutError:
                        pass

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)


def bare_run(console: Console, amqp_uri: str, bodies: list[dict]) -> Run:
    queue = Queue("bench.bare.play_recorded", exchange=events_exchange, routing_key=BARE_ROUTING_KEY, durable=True)
    with Connection(amqp_uri) as conn:
        queue(conn.default_channel).declare()
    run = Run("bare kombu consumer", len(bodies))
    run.publish_s = publish_backlog(console, run.name, amqp_uri, bodies, BARE_ROUTING_KEY)
    consumer = BareConsumer(amqp_uri, queue)
    try:
        run.load = (load_average(),)
        run.seconds = drain(console, run.name, len(bodies), consumer.start, lambda: consumer.received)
        run.cpu_s = {"consumer": consumer.cpu_s}
        run.load += (load_average(),)
        time.sleep(1.0)  # anything redelivered or doubled would arrive now
    finally:
        consumer.stop()
    run.counts = {"received": consumer.received, "distinct_event_ids": len(consumer.event_ids)}
    with Connection(amqp_uri) as conn:
        queue(conn.default_channel).delete()
    return run


# --- the gamification service -----------------------------------------------------------------------

def prepare_topology(amqp_uri: str) -> None:
    """Gamification's queues as it declares them, minus payouts' copy of each play (nobody consumes it here)."""
    with Connection(amqp_uri) as conn:
        declare_for_service(conn, "gamification")
        main_queue(PLAY_RECORDED, "payouts")(conn.default_channel).delete()


def start_service(amqp_uri: str, database_url: str, var_dir: Path) -> subprocess.Popen:
    env = {**os.environ, "AMQP_URI": amqp_uri, "GAMIFICATION_DATABASE_URL": database_url,
           "BEATPASS_VAR_DIR": str(var_dir), "LOG_LEVEL": "WARNING"}
    log = open(var_dir / "gamification.log", "wb")
    return subprocess.Popen([sys.executable, "-m", "services.common.runner", "gamification"], env=env,
                            stdout=log, stderr=subprocess.STDOUT)


def wait_ready(amqp_uri: str, service: subprocess.Popen) -> None:
    """Until the service answers ``ping`` (its consumers are then attached)."""
    from nameko.standalone.rpc import ClusterRpcProxy

    deadline = time.monotonic() + READY_TIMEOUT_S
    while True:
        if service.poll() is not None:
            raise RuntimeError(f"the gamification service exited with code {service.returncode}")
        try:
            with ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=2) as cluster:
                cluster.gamification.ping()
            return
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def stop_service(service: subprocess.Popen) -> None:
    service.terminate()
    try:
        service.wait(20)
    except subprocess.TimeoutExpired:
        service.kill()
        service.wait(10)


def gamification_run(console: Console, amqp_uri: str, bodies: list[dict], service: subprocess.Popen,
                     engine) -> Run:
    """The service, ready, is paused (SIGSTOP) while the backlog is published, then let go (SIGCONT) and
    timed until its tables reflect every play."""
    from bench import gamification_probe as probe

    run = Run("gamification service", len(bodies))
    resume = lambda: os.kill(service.pid, signal.SIGCONT)  # noqa: E731
    os.kill(service.pid, signal.SIGSTOP)
    try:
        run.publish_s = publish_backlog(console, run.name, amqp_uri, bodies, PLAY_RECORDED.name)
        run.load = (load_average(),)
        before = {"service": cpu_seconds(service.pid), "postgresql": probe.backends_cpu(engine, cpu_seconds)}
        run.seconds = drain(console, run.name, len(bodies), resume, lambda: probe.reflected(engine))
        after = {"service": cpu_seconds(service.pid), "postgresql": probe.backends_cpu(engine, cpu_seconds)}
        run.load += (load_average(),)
        run.cpu_s = {"service": after["service"] - before["service"],
                     "postgresql": sum(after["postgresql"].values()) - sum(
                         before["postgresql"].get(pid, 0.0) for pid in after["postgresql"])}
    finally:
        resume()
    time.sleep(1.0)  # anything doubled would be counted now
    run.counts = probe.counts(engine)
    return run


def run(console: Console, events: int = EVENTS) -> dict:
    """Bare run, then the gamification run, on one fresh vhost; the raw figures."""
    # py-amqp warns of each confirm that arrives while a publisher's channel closes: noise here, not loss
    logging.getLogger("amqp").setLevel(logging.ERROR)
    from devtools.infra import PgDatabases, Vhost

    from bench import gamification_probe as probe

    token = uuid.uuid4().hex[:8]
    vhost = Vhost(f"beatpass-bench-game-{token}").create()
    pg = PgDatabases(f"benchgame{token}")
    try:
        with console.status("Building the events…"):
            bodies = play_events(events)
            size = sum(len(json.dumps(b)) for b in bodies) / len(bodies)
            prepare_topology(vhost.uri)
        bare_before = bare_run(console, vhost.uri, bodies)
        with tempfile.TemporaryDirectory() as tmp:
            with console.status("Migrating gamification's database and starting the service…"):
                url = pg.create("gamification")
                probe.migrate(url)
                prepare_topology(vhost.uri)
                service = start_service(vhost.uri, url, Path(tmp))
            try:
                wait_ready(vhost.uri, service)
                engine = probe.engine(url)
                game = gamification_run(console, vhost.uri, bodies, service, engine)
                engine.dispose()
            finally:
                stop_service(service)
                log_tail = (Path(tmp) / "gamification.log").read_text(errors="replace")[-2000:]
        bare_after = bare_run(console, vhost.uri, bodies)
    finally:
        pg.drop_all()
        vhost.delete()
    # the baseline is measured before and after the service's run and averaged: on a shared machine the load
    # drifts over a minute, and one bare run on one side would carry that drift into the ratio
    bare_s = (bare_before.seconds + bare_after.seconds) / 2
    ratio = bare_s / game.seconds if game.seconds else float("nan")
    return {"benchmark": "gamification play_recorded", "events": events, "mean_body_bytes": round(size),
            "bare_s": round(bare_s, 3), "bare_rate": round(events / bare_s, 1),
            "bare_runs_s": [round(bare_before.seconds, 3), round(bare_after.seconds, 3)],
            "bare_publish_s": round(bare_before.publish_s, 3),
            "bare_counts": [bare_before.counts, bare_after.counts], "gamification_s": round(game.seconds, 3),
            "gamification_rate": round(game.rate, 1), "gamification_publish_s": round(game.publish_s, 3),
            "gamification_counts": game.counts, "ratio": round(ratio, 3), "target_ratio": TARGET_RATIO,
            "bare_cpu_ms_per_event": [_per_event(bare_before), _per_event(bare_after)],
            "gamification_cpu_ms_per_event": _per_event(game),
            "load_average_1m": {"bare_before": bare_before.load, "gamification": game.load,
                                "bare_after": bare_after.load},
            "service_log_tail": log_tail}


def _per_event(run: Run) -> dict:
    return {name: round(seconds * 1000 / run.events, 3) for name, seconds in run.cpu_s.items()}


def counts_ok(raw: dict) -> bool:
    n = raw["events"]
    return all(bare["received"] == bare["distinct_event_ids"] == n for bare in raw["bare_counts"]) and all(
        value == n for value in raw["gamification_counts"].values())


def rows(console: Console) -> list[dict]:
    raw = run(console)
    cpu = raw["gamification_cpu_ms_per_event"]
    received = " and ".join(f"{counts['received']:,}" for counts in raw["bare_counts"])
    met = "met" if raw["ratio"] >= TARGET_RATIO else "NOT met"
    counts = ", ".join(f"{k} {v:,}" for k, v in raw["gamification_counts"].items())
    return [{"benchmark": f"{raw['events']:,} play_recorded → gamification (XP, leaderboards)",
             "project": f"{raw['gamification_s']:.2f} s ({raw['gamification_rate']:,.0f}/s)",
             "baseline": f"bare kombu consume {raw['bare_s']:.2f} s ({raw['bare_rate']:,.0f}/s; mean of "
                         f"{raw['bare_runs_s'][0]:.2f} s before and {raw['bare_runs_s'][1]:.2f} s after)",
             "ratio": f"{raw['ratio']:.2f}",
             "notes": f"target ≥ {TARGET_RATIO:g} {met}; counts {'OK' if counts_ok(raw) else 'WRONG'}: {counts}; "
                      f"bare received {received}; "
                      f"CPU ms/event: service {cpu['service']:.3f} + PostgreSQL {cpu['postgresql']:.3f}, bare "
                      f"consumer {raw['bare_cpu_ms_per_event'][0]['consumer']:.3f}; load average "
                      f"{raw['load_average_1m']['gamification'][0]:.1f}; publish alone "
                      f"{raw['bare_publish_s']:.2f} s / {raw['gamification_publish_s']:.2f} s", "raw": raw}]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=EVENTS)
    args = parser.parse_args(argv)
    console = Console()
    console.print_json(data=run(console, args.events))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
