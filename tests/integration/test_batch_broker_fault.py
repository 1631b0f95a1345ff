"""The batch entrypoint in a real service process under a broker outage (as test_broker_faults.py does for the
others): gamification runs as its own process (``services.common.runner``), reaches RabbitMQ through a TCP proxy,
and drains a backlog of plays in batches; the proxy is cut mid-drain — refusing new connections and dropping the
open ones, as a killed broker does — and comes back. The same process then finishes the backlog, and every play is
counted exactly once: the batches whose acks were lost are delivered again and write nothing."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.parse
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from kombu import Connection
from sqlalchemy import text

from services.common import config
from services.common.db import make_engine
from services.common.messaging.publisher import ConfirmedPublisher
from services.common.messaging.topology import declare_for_service
from services.contracts.events import PLAY_RECORDED, build_event
from tests.support.databases import fresh_database
from tests.support.tcpproxy import TcpProxy
from tests.support.waiting import wait_until

pytestmark = pytest.mark.integration

PLAYS = 4_000
PAGES = 40  # 100 plays each: every page earns "Heard" (+100 XP) once
OUTAGE_S = 5.0

#: each equals the number of plays (the pages' XP adds their achievements): nothing lost, nothing counted twice
COUNTS = {
    "processed": "SELECT count(*) FROM processed_events WHERE consumer = 'gamification.on_play_recorded'",
    "entries": "SELECT count(*) FROM xp_entries WHERE reason = 'play'",
    "xp": "SELECT coalesce(sum(xp), 0) FROM artists",
    "plays": "SELECT coalesce(sum(value), 0) FROM aggregates WHERE category = 'plays' AND bucket = 'all'",
    "days": "SELECT coalesce(sum(plays), 0) FROM daily_activity",
}


def counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {name: int(conn.execute(text(sql)).scalar_one()) for name, sql in COUNTS.items()}


def _tail(path: Path, lines: int = 40) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:]) if path.exists() else ""


def test_a_broker_outage_mid_backlog_loses_and_doubles_no_play(own_amqp_uri, pg, monkeypatch, tmp_path):
    url = fresh_database(pg, monkeypatch, "gamification")
    with Connection(own_amqp_uri) as connection:
        declare_for_service(connection, "gamification")  # its queue holds the backlog before it starts
    publisher = ConfirmedPublisher(own_amqp_uri)
    now = datetime.now(timezone.utc)
    try:
        for n in range(PLAYS):
            body = build_event(PLAY_RECORDED, {
                "play_id": str(uuid.uuid4()), "track_id": str(uuid.uuid4()), "listener_user_id": str(uuid.uuid4()),
                "producer_user_id": str(uuid.uuid4()), "artist_id": f"00000000-0000-4000-8000-{n % PAGES:012x}",
                "collaborator_artist_ids": [], "duration_s": 60.0, "position_s": 30.0, "played_at": now})
            publisher.publish(json.dumps(body, default=str), routing_key=PLAY_RECORDED.name,
                              message_id=body["event_id"])
    finally:
        publisher.close()

    parts = urllib.parse.urlsplit(own_amqp_uri)
    proxy = TcpProxy(parts.hostname, parts.port or 5672)
    proxied = parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:{proxy.port}").geturl()
    env = {**os.environ, "AMQP_URI": proxied, "GAMIFICATION_DATABASE_URL": url, "BEATPASS_VAR_DIR": str(tmp_path),
           "LOG_LEVEL": "INFO", "PYTHONUNBUFFERED": "1"}
    log_path = tmp_path / "gamification.log"
    engine = make_engine(url)
    with open(log_path, "wb") as log:
        service = subprocess.Popen([sys.executable, "-m", "services.common.runner", "gamification"], env=env,
                                   cwd=config.ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        def alive_and(check):
            assert service.poll() is None, f"gamification exited ({service.returncode})\n{_tail(log_path)}"
            return check()

        wait_until(lambda: alive_and(lambda: counts(engine)["processed"] > 0), timeout=90,
                   what="the first batch handled")
        proxy.go_down()  # mid-backlog: batches are being written and acked
        time.sleep(OUTAGE_S)
        halfway = counts(engine)["processed"]
        proxy.come_back()
        wait_until(lambda: alive_and(lambda: counts(engine)["processed"] == PLAYS), timeout=120,
                   what=f"every play handled after the outage\n{_tail(log_path)}")
        time.sleep(1.0)  # anything delivered again and counted twice would show now
        assert counts(engine) == {**{name: PLAYS for name in COUNTS}, "xp": PLAYS + PAGES * 100}
        assert halfway < PLAYS  # the outage did come mid-backlog
        assert service.poll() is None, _tail(log_path)  # the same process, alive
    finally:
        if service.poll() is None:
            service.terminate()
            try:
                service.wait(20)
            except subprocess.TimeoutExpired:
                service.kill()
                service.wait()
        engine.dispose()
        proxy.close()
