"""``make bench``: each benchmark next to a baseline measured in the same run, with their ratio.

Starts its own platform (every service + the gateway under gunicorn) on a fresh RabbitMQ vhost and
fresh PostgreSQL databases, as in production, and removes them afterwards. The gateway section loads
``GET /api/v1/me``, ``GET /api/v1/tracks/<id>`` and ``GET /api/v1/tracks/<id>/download-eligibility`` on that one
platform and divides each by one echo run; it also times licences issued end to end. The payouts section
(bench/payout_split.py) times a pool split over 100,000 tracks and 10,000,000 plays on its own fresh database
next to one ``SELECT SUM`` over the same plays. The gamification section (bench/gamification_events.py) drains
10,000 ``play_recorded`` events through a real gamification service next to a bare kombu consumer on the same
broker, and times the leaderboards' top-50 and own-rank queries at 100,000 artist pages (bench/leaderboards.py).
"""
from __future__ import annotations

import argparse
import json
import os
import platform as host
import socket
import subprocess
import sys
import tempfile
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from rich.console import Console
from rich.table import Table

from bench import gamification_events, gateway_license, gateway_me, gateway_track, leaderboards, payout_split
from bench.gateway_load import CLIENTS, baseline_echo, ratio_row
from bench.load import LoadResult
from devtools.platform import Platform
from devtools.stripe_setup import start_local_fake
from services.common import config
from devtools.infra import PgDatabases, Vhost

console = Console(width=150)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_platform(tmp: Path, vhost: Vhost, pg: PgDatabases) -> tuple[Platform, object]:
    """The platform and the local fake Stripe it pays through (the licensing benchmarks need a subscriber)."""
    env = {"AMQP_URI": vhost.uri, "BEATPASS_VAR_DIR": str(tmp), "JWT_SECRET": uuid.uuid4().hex,
           "LOG_LEVEL": "WARNING", **gateway_track.ADMIN}
    for service in config.SERVICES:
        env[f"{service.upper()}_DATABASE_URL"] = pg.create(f"bench_{service}")
    subprocess.run([sys.executable, "-m", "services.common.migrate"], env={**os.environ, **env}, check=True,
                   capture_output=True)
    bind = f"127.0.0.1:{free_port()}"
    fake, stripe_env = start_local_fake(f"http://{bind}/api/v1/webhooks/stripe")
    running = Platform(env={**env, **stripe_env}, bind=bind, log_dir=tmp / "logs").start()
    running.wait_ready(90)
    return running, fake


def measure(label: str, seconds: float, run: Callable[[], LoadResult]) -> LoadResult:
    with console.status(f"{label}, {CLIENTS} clients, {seconds:.0f}s…"):
        return run()


def gateway_rows(seconds: float) -> list[dict]:
    """/me and /tracks/<id> on one platform, each next to the same echo baseline measured after them."""
    token = uuid.uuid4().hex[:8]
    vhost = Vhost(f"beatpass-bench-{token}").create()
    pg = PgDatabases(f"bench{token}")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            with console.status("Starting the platform…"):
                running, fake_stripe = start_platform(Path(tmp), vhost, pg)
            try:
                bearer = gateway_me.login(running.url)
                with console.status("Publishing a track (Producer Program, upload, audio pipeline)…"):
                    track_id = gateway_track.published_track(running.url)
                me = measure(f"gateway {gateway_me.ROUTE}", seconds,
                             lambda: gateway_me.gateway_me(running.url, bearer, seconds))
                track = measure(f"gateway {gateway_track.ROUTE}", seconds,
                                lambda: gateway_track.gateway_track(running.url, track_id, seconds))
                with console.status("Subscribing a listener through the fake Stripe…"):
                    listener = gateway_license.subscriber(running.url)
                eligible = measure(f"gateway {gateway_license.ROUTE}", seconds,
                                   lambda: gateway_license.eligibility(running.url, listener, track_id, seconds))
                with console.status("Issuing licences end to end…"):
                    issued = gateway_license.issue_end_to_end(listener, track_id)
                baseline = measure("bare nameko RPC echo", seconds, lambda: baseline_echo(vhost.uri, seconds))
            finally:
                running.stop()
                fake_stripe.stop()
    finally:
        pg.drop_all()
        vhost.delete()
    return [ratio_row(gateway_me.ROUTE, me, baseline),
            ratio_row(f"{gateway_track.ROUTE} (anonymous)", track, baseline),
            ratio_row(f"{gateway_license.ROUTE} (subscriber)", eligible, baseline),
            gateway_license.issue_row(issued)]


def audio_rows() -> list[dict]:
    from bench import audio_validation

    with console.status("Audio validation of a 3-minute 24-bit stereo WAV…"):
        measured = audio_validation.run()
    rows = []
    for m in measured:
        if "project_mb" in m:
            rows.append({"benchmark": m["benchmark"], "project": f"{m['project_mb']} MB", "baseline": "—",
                         "ratio": "—", "notes": f"idle {m['idle_mb']} MB, file {m['file_mb']} MB; target < 64 MB",
                         "raw": m})
        else:
            notes = f"target ≤ {m['target_ratio']}×" if "target_ratio" in m else f"{m.get('realtime_x')}× real time"
            rows.append({"benchmark": m["benchmark"], "project": f"{m['project_s']} s",
                         "baseline": f"{m['baseline']} {m['baseline_s']} s", "ratio": f"{m['ratio']}",
                         "notes": notes, "raw": m})
    return rows


SECTIONS = {"gateway": lambda args: gateway_rows(args.seconds), "audio": lambda args: audio_rows(),
            "payouts": lambda args: payout_split.rows(console),
            "gamification": lambda args: gamification_events.rows(console) + leaderboards.rows(console)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per load run (after warm-up)")
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append", help="run only these sections")
    args = parser.parse_args(argv)
    results = []
    for name in args.only or list(SECTIONS):
        results += SECTIONS[name](args)
    table = Table(title=f"BeatPass benchmarks — {socket.gethostname()}, {os.cpu_count()} cores, "
                        f"Python {host.python_version()}")
    for column in ("benchmark", "project", "baseline (same run)", "ratio", "notes"):
        table.add_column(column)
    for r in results:
        table.add_row(r["benchmark"], r["project"], r["baseline"], r["ratio"], r["notes"])
    console.print(table)
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "latest.json").write_text(json.dumps({"at": datetime.now(timezone.utc).isoformat(), "cpus": os.cpu_count(),
                                                 "results": [r["raw"] for r in results]}, indent=2))
    console.print(f"Saved to {out / 'latest.json'}; record notable runs in bench/RESULTS.md.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
