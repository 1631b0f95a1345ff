"""A listener plays a track in the browser past the counting point and sees the play counted."""
from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import POSTGRES_ONLY, axe_violations, screenshot
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.e2e.test_licensing import publish
from tests.e2e.test_uploads import make_producer
from tests.support import audio
from tests.support.api import Api

pytestmark = POSTGRES_ONLY


@pytest.fixture(scope="module")
def beat(platform, tmp_path_factory) -> dict:
    admin = Api(platform.url)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    producer = make_producer(platform, admin)
    wav = audio.make_wav(tmp_path_factory.mktemp("web-player") / "beat.wav", seed=uuid.uuid4().int % 10**6)
    return publish(producer, wav, name=f"Web Player {uuid.uuid4().hex[:6]}")


def log_in(page, platform) -> Api:
    listener = Api(platform.url)
    account = listener.register(login=False)
    page.goto("/login")
    page.get_by_label("Email").fill(account["email"])
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name=account["username"])).to_be_visible()
    return listener


def test_playing_past_the_counting_point_counts_the_play_and_shows_it(page, platform, beat):
    log_in(page, platform)
    page.goto(f"/tracks/{beat['id']}")
    count = page.get_by_test_id("play-count")
    expect(count).to_have_text(str(beat["play_count"]))
    expect(page.get_by_role("slider", name="Waveform: seek")).to_be_visible()
    player = page.get_by_label(f"Play {beat['name']}")
    player.evaluate("audio => new Promise(ok => audio.readyState >= 1 ? ok() : audio.onloadedmetadata = ok)")
    # seek to just before the 30-second mark, then let it play through it
    player.evaluate("audio => { audio.currentTime = 27; return audio.play(); }")
    expect(page.get_by_role("status")).to_contain_text("Play counted", timeout=30_000)
    expect(count).to_have_text(str(beat["play_count"] + 1))
    player.evaluate("audio => audio.pause()")
    assert Api(platform.url).get(f"tracks/{beat['id']}").json()["play_count"] == beat["play_count"] + 1
    screenshot(page, "track-playing")
    violations = axe_violations(page)
    assert violations == [], violations
    assert page.problems == []


def test_an_anonymous_listener_can_play_and_is_told_plays_count_after_logging_in(page, beat):
    page.goto(f"/tracks/{beat['id']}")
    expect(page.get_by_text("Log in to have your plays counted.")).to_be_visible()
    player = page.get_by_label(f"Play {beat['name']}")
    player.evaluate("audio => new Promise(ok => audio.readyState >= 1 ? ok() : audio.onloadedmetadata = ok)")
    assert player.evaluate("audio => audio.duration") == pytest.approx(beat["audio"]["duration_s"], abs=0.5)
