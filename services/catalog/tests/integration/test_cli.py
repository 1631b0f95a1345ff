"""The operator commands: creating unclaimed artist pages (e.g. for an imported catalogue), and announcing
every page again (the backfill of accounts' copy)."""
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import select

from services.catalog import cli
from services.common import config
from services.common.db import make_engine
from services.common.messaging.models import OutboxMessage
from services.common.migrate import upgrade
from services.contracts.events import ARTIST_PAGE_CHANGED, validate_event

pytestmark = pytest.mark.integration


def run_cli(env, *args):
    return subprocess.run([sys.executable, "-m", "services.catalog.cli", *args], env=env, cwd=config.ROOT,
                          capture_output=True, text=True)


def test_create_artist_prints_an_unclaimed_page(tmp_path):
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    upgrade("catalog", url)
    env = {**os.environ, "CATALOG_DATABASE_URL": url}
    done = run_cli(env, "create-artist", "--name", "Old Legend")
    assert done.returncode == 0, done.stderr
    page = json.loads(done.stdout)
    assert page["name"] == "Old Legend" and page["user_id"] is None and page["claimed"] is False


def test_blank_name_and_missing_database_say_what_to_do(tmp_path):
    env = {**os.environ, "CATALOG_DATABASE_URL": f"sqlite:///{tmp_path / 'nothing-here.db'}"}
    blank = run_cli(env, "create-artist", "--name", "  ")
    assert blank.returncode == 2 and "must not be blank" in blank.stderr
    unmigrated = run_cli(env, "create-artist", "--name", "X")
    assert unmigrated.returncode == 1 and "make migrate" in unmigrated.stderr


def announced(url: str) -> list[dict]:
    """The ``artist_page_changed`` events in the outbox (no service runs here to publish them)."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(OutboxMessage.body).where(
                OutboxMessage.event_type == ARTIST_PAGE_CHANGED.name).order_by(OutboxMessage.id)).scalars().all()
    finally:
        engine.dispose()
    bodies = [json.loads(body) for body in rows]
    for body in bodies:
        validate_event(ARTIST_PAGE_CHANGED, body)
    return bodies


def test_publish_artist_pages_announces_every_page_again_and_can_be_rerun(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'catalog.db'}"
    upgrade("catalog", url)
    env = {**os.environ, "CATALOG_DATABASE_URL": url}
    pages = [json.loads(run_cli(env, "create-artist", "--name", name).stdout)["id"] for name in ("A", "B", "C")]
    assert [event["artist_id"] for event in announced(url)] == pages  # each creation announced itself
    first = run_cli(env, "publish-artist-pages")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout) == {"published": 3}
    monkeypatch.setenv("CATALOG_DATABASE_URL", url)
    assert cli.publish_artist_pages(batch=2) == {"published": 3}  # batches continue where the last ended
    backfilled = announced(url)[3:]
    assert sorted(event["artist_id"] for event in backfilled) == sorted(pages * 2)
    assert {event["user_id"] for event in backfilled} == {None}


def test_publish_artist_pages_on_a_missing_database_says_what_to_do(tmp_path):
    env = {**os.environ, "CATALOG_DATABASE_URL": f"sqlite:///{tmp_path / 'nothing-here.db'}"}
    done = run_cli(env, "publish-artist-pages")
    assert done.returncode == 1 and "make migrate" in done.stderr and "again is safe" in done.stderr
