"""A platform of its own, started fresh as `make run` starts one (SQLite, a local fake Stripe): its start-up logs
hold no error, a user's mistake is logged at info, and `make demo` fills it through the public API alone and
ends by printing the accounts it used and made."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from devtools.infra import Vhost
from devtools.platform import Platform
from devtools.stripe_setup import start_local_fake
from services.catalog.tracks import presets
from services.common import config
from services.contracts.vocabularies import cover_preset_ids
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD, free_port, platform_env
from tests.support.api import Api

SERIOUS = {"warning", "error", "critical"}


@pytest.fixture(scope="module")
def fresh(run_id, pg, tmp_path_factory):
    vhost = Vhost(f"beatpass-e2e-fresh-{run_id}").create()
    tmp_dir = tmp_path_factory.mktemp("fresh-platform")
    env = platform_env("sqlite", run_id, pg, tmp_dir, vhost.uri)
    del env["PAYOUTS_CLOCK_OFFSET_S"]  # a start as in production: payouts on real time (it warns otherwise)
    bind = f"127.0.0.1:{free_port()}"
    stripe, stripe_env = start_local_fake(f"http://{bind}/api/v1/webhooks/stripe")
    env.update(stripe_env)
    leftover = leave_a_killed_requests_clip(Path(env["MEDIA_ROOT"]))
    running = Platform(env=env, bind=bind, log_dir=tmp_dir / "logs").start()
    try:
        running.wait_ready(timeout=90)  # polls /ready several times a second until every service answers
        running.media_root = Path(env["MEDIA_ROOT"])
        running.leftover = leftover
        yield running
    finally:
        running.stop()
        stripe.stop()
        vhost.delete()


def leave_a_killed_requests_clip(media_root: Path) -> Path:
    """An Audio Recon clip of a day ago, as a gateway killed during the call leaves it."""
    clip = media_root / "recon" / "2026" / "12" / "killed-mid-call.mp3"
    clip.parent.mkdir(parents=True)
    clip.write_bytes(b"ID3")
    os.utime(clip, (time.time() - 86400, time.time() - 86400))
    return clip


def test_the_gateway_sweeps_what_a_killed_request_left_as_it_starts(fresh):
    assert not fresh.leftover.exists()
    assert any("removed 1 leftover upload(s)" in line for line in log_lines(fresh)["gateway"])


def log_lines(platform: Platform) -> dict[str, list[str]]:
    assert platform.log_dir is not None
    return {path.stem: path.read_text(errors="replace").splitlines() for path in platform.log_dir.glob("*.log")}


def serious_lines(platform: Platform) -> list[str]:
    """Lines at warning or above, and anything written past the JSON logging (a raw traceback)."""
    found = []
    for name, lines in log_lines(platform).items():
        for line in lines:
            try:
                level = json.loads(line).get("level")
            except ValueError:
                level = "raw"
            if level in SERIOUS or level == "raw":
                found.append(f"{name}: {line}")
    return found


def test_a_fresh_start_logs_no_error_and_not_its_own_readiness_polling(fresh):
    assert serious_lines(fresh) == []
    access = [json.loads(line) for line in log_lines(fresh)["gateway"] if '"gateway.access"' in line]
    assert [entry for entry in access if entry["path"] in ("/ready", "/health")] == []


def test_a_fresh_catalog_draws_every_preset_cover_as_it_starts_without_being_asked(fresh):
    # nothing has asked for a cover: the catalog's start-up timer draws all of them (docs/covers.md), so the first
    # page of a fresh platform's covers is served from files
    expected = [fresh.media_root / presets.key_of(preset_id) for preset_id in cover_preset_ids()]
    deadline = time.monotonic() + 60
    while not all(path.is_file() for path in expected) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert [path.name for path in expected if not path.is_file()] == []
    assert any('"drew 36 preset covers"' in line for line in log_lines(fresh)["catalog"])


def test_a_wrong_password_is_logged_at_info(fresh):
    user = Api(fresh.url)
    email = f"wrong-{uuid.uuid4().hex[:8]}@example.com"
    user.register(email=email)
    request_id = f"wrong-password-{uuid.uuid4().hex}"
    refused = user.post("auth/login", json={"email": email, "password": "not-the-password-at-all"},
                        headers={"X-Request-ID": request_id})
    assert refused.status_code == 401
    mine = [(name, json.loads(line)) for name, lines in log_lines(fresh).items() for line in lines
            if request_id in line]
    assert {name for name, _ in mine} >= {"gateway", "accounts"}, mine  # the refusal is logged, and where
    assert {entry["level"] for _, entry in mine} == {"info"}, mine


def test_make_demo_fills_a_platform_through_its_api_and_prints_its_accounts(fresh, tmp_path):
    # nothing of this machine's platform: no database URL, an empty var dir, only the platform's URL and admin
    env = {key: value for key, value in os.environ.items() if not key.endswith("_DATABASE_URL")}
    env.update({"BEATPASS_URL": fresh.url, "BEATPASS_ADMIN_EMAIL": ADMIN_EMAIL,
                "BEATPASS_ADMIN_PASSWORD": ADMIN_PASSWORD, "BEATPASS_VAR_DIR": str(tmp_path), "COLUMNS": "200"})
    demo = subprocess.run([sys.executable, "-m", "devtools.demo"], env=env, cwd=config.ROOT, capture_output=True,
                          text=True, timeout=600)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    printed = demo.stdout
    assert f"admin     {ADMIN_EMAIL}  password: {ADMIN_PASSWORD}" in printed, printed
    assert "producer  nightshade@demo.beatpass.local  password: demo-passphrase-2026" in printed, printed
    for name, plan in (("ava", "plus"), ("ben", "pro"), ("chloe", "classic")):
        assert f"listener  {name}@demo.beatpass.local  password: demo-passphrase-2026  ({plan}, paid)" in printed
    paid = Api(fresh.url)
    paid.login("ava@demo.beatpass.local", "demo-passphrase-2026")
    assert paid.get("me").json()["plan"] == "plus"
    assert Api(fresh.url).get("tracks").json()["total"] >= 10
    # every producer has a collection with a preset cover, shown as an image, holding its first beat
    in_tapes = [track for track in Api(fresh.url).get("tracks", params={"limit": 100}).json()["items"]
                if track["collection_id"]]
    assert len(in_tapes) >= 5
    tape = Api(fresh.url).get(f"artists/{in_tapes[0]['artist_id']}/collections").json()["items"][0]
    assert tape["cover_preset"] and tape["track_ids"] == [in_tapes[0]["id"]]
    cover = Api(fresh.url).get(tape["links"]["cover"])
    assert cover.status_code == 200 and cover.headers["Content-Type"] == "image/jpeg"
    assert "collections with preset covers" in printed
    # the verified producer's artist page is followed by every listener, each a "New follower" notification, and
    # the admin asked for the last finished month's analytics reports
    verified = Api(fresh.url)
    verified.login("nightshade@demo.beatpass.local", "demo-passphrase-2026")
    assert verified.get("me/artist").json()["followers_count"] == 10
    kinds = [n["kind"] for n in verified.get("me/notifications", params={"limit": 100}).json()["items"]]
    # one analytics report per verified page: Nightshade's and its second alias's
    assert (kinds.count("new_follower"), kinds.count("analytics_report")) == (10, 2), kinds
    assert "Nightshade (verified) has 10 followers of their artist page" in " ".join(printed.split())
    assert f"Open {fresh.url}/ in a browser" in " ".join(printed.split())
    # the verified producer's Audio Recon search finds the beat its clip was cut from
    recon = re.search(r"Audio Recon: a 12 s MP3 clip of “([^”]*)” matches “([^”]*)”", " ".join(printed.split()))
    assert recon and recon[1] == recon[2], printed
    # the first producer runs a second alias: two pages, each with its uploads this month beside the commitment
    lines = " ".join(printed.split())
    assert "Nightshade manages these artist pages" in lines, printed
    assert "uploads this month: 2 of 2" in lines and "uploads this month: 1 of 2" in lines, printed
    nightshade = Api(fresh.url)
    nightshade.login("nightshade@demo.beatpass.local", "demo-passphrase-2026")
    pages = nightshade.get("me/artists").json()["items"]
    assert [page["name"] for page in pages] == ["Nightshade", "Nightshade After Dark"]
    assert [page["verified"] for page in pages] == [True, True]  # verification is the account's
    assert Api(fresh.url).get(paid.get("me").json()["avatar_url"]).headers["Content-Type"] == "image/png"
    # every producer has an avatar and pins its newest beat; Nightshade is credited on Loop Theory's second beat
    producer = Api(fresh.url)
    producer.login("nightshade@demo.beatpass.local", "demo-passphrase-2026")
    profile = Api(fresh.url).get(f"users/{producer.get('me').json()['id']}").json()
    page = next(page for page in profile["artists"] if page["name"] == "Nightshade")
    assert profile["avatar_url"] and len(profile["artists"]) == 2  # and the second alias
    discography = Api(fresh.url).get(f"artists/{page['id']}/tracks").json()["items"]
    assert {item["role"] for item in discography} == {"uploader", "collaborator"}
    assert Api(fresh.url).get(f"artists/{page['id']}").json()["pinned_track_id"] == discography[0]["id"]
    # its first logins of new accounts were refused (401) and every producer was approved: nothing logged as an error
    assert serious_lines(fresh) == []


def test_make_demo_says_what_to_set_without_an_admin(fresh, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith("BEATPASS_ADMIN_")}
    env["BEATPASS_URL"], env["BEATPASS_VAR_DIR"] = fresh.url, str(tmp_path)  # no local admin file either
    demo = subprocess.run([sys.executable, "-m", "devtools.demo"], env=env, cwd=config.ROOT, capture_output=True,
                          text=True, timeout=60)
    assert demo.returncode == 1
    message = " ".join(demo.stdout.split())
    assert "set BEATPASS_ADMIN_EMAIL and BEATPASS_ADMIN_PASSWORD" in message and "make run" in message, message


def test_make_demo_says_when_the_platform_refuses_its_admin(fresh):
    env = {**os.environ, "BEATPASS_URL": fresh.url, "BEATPASS_ADMIN_EMAIL": ADMIN_EMAIL,
           "BEATPASS_ADMIN_PASSWORD": "not-the-admin-password"}
    demo = subprocess.run([sys.executable, "-m", "devtools.demo"], env=env, cwd=config.ROOT, capture_output=True,
                          text=True, timeout=60)
    assert demo.returncode == 1
    assert "refused BEATPASS_ADMIN_EMAIL / BEATPASS_ADMIN_PASSWORD" in " ".join(demo.stdout.split())

