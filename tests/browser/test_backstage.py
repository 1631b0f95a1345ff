"""Backstage in the browser: a producer with a published beat in a collection opens each Backstage page and sees
the platform's real numbers; a producer without an artist page sees "No Artist Profile", a listener the
producers-only message; and the leaderboard keeps its old rows (dimmed, aria-busy) until another board arrives."""
from __future__ import annotations

import json
import re
import uuid
from datetime import datetime, timezone

import pytest
from playwright.sync_api import Page, Route, expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import DESKTOP, PHONE, POSTGRES_ONLY, axe_violations, screenshot
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.e2e.test_uploads import PNG, make_producer, publish, settle
from tests.support import audio
from tests.support.api import Api

pytestmark = POSTGRES_ONLY
PASSWORD = "correct horse battery"


def today() -> str:
    return datetime.now(timezone.utc).date().isoformat()


@pytest.fixture(scope="module")
def studio(platform, tmp_path_factory) -> dict:
    """A producer with one collection and one published beat in it, once gamification has counted the upload."""
    admin = Api(platform.url)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    producer = make_producer(platform, admin)
    metadata = {"name": f"Tape {uuid.uuid4().hex[:6]}", "artists": ["Jane"], "genres": ["lofi"], "tags": ["chill"]}
    created = producer.post("collections", files=[("metadata", (None, json.dumps(metadata), "application/json")),
                                                  ("cover", ("c.png", PNG, "image/png"))])
    assert created.status_code == 201, created.text
    wav = audio.make_wav(tmp_path_factory.mktemp("web-backstage") / "beat.wav", seed=uuid.uuid4().int % 10**6)
    track = publish(producer, wav, name=f"Backstage {uuid.uuid4().hex[:6]}", collection_id=created.json()["id"],
                    artists=None, genres=None, tags=None, cover_preset=None)

    def counted() -> bool:
        days = producer.get("producer/activity").json()["days"]
        board = Api(platform.url).get("leaderboards/uploads", params={"limit": 100}).json()["items"]
        return days[-1]["uploads"] == 1 and any(row["artist"]["id"] == producer.artist["id"] for row in board)

    assert settle(counted, timeout=30), "gamification never counted the upload"
    return {"producer": producer, "artist": producer.artist, "track": track, "collection": created.json()}


def log_in(page: Page, email: str, to: str) -> None:
    page.goto(f"/login?next={to}")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def check(page: Page, name: str) -> None:
    screenshot(page, name)
    violations = axe_violations(page)
    assert violations == [], violations


def test_a_producer_opens_each_backstage_page_and_sees_the_real_numbers(page, studio):
    producer, artist, track = studio["producer"], studio["artist"], studio["track"]
    log_in(page, producer.user["email"], "/backstage")

    # Dashboard: the greeting names the artist page; one upload, this month too
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()
    expect(page.get_by_text(f"Welcome back, {artist['name']}!")).to_be_visible()
    uploads = page.locator(".bs-stat", has=page.locator("dt", has_text="Uploads")).locator("dd")
    expect(uploads).to_have_text("11 this month")  # "1" and "1 this month"
    expect(page.get_by_label("Artist page")).to_have_value(artist["id"])
    nav = page.get_by_role("navigation", name="Backstage")
    expect(nav.get_by_role("link", name="Dashboard")).to_have_attribute("aria-current", "page")
    check(page, "backstage-dashboard")

    # Activity: 53 weeks × 7 weekdays, today's cell says one upload
    nav.get_by_role("link", name="Activity").click()
    expect(page.get_by_role("heading", name="Activity")).to_be_visible()
    graph = page.get_by_role("table", name=re.compile("Plays per day"))
    expect(graph.locator("tbody tr")).to_have_count(7)
    expect(graph.locator("thead th")).to_have_count(53)
    expect(graph.locator("td[data-date]")).to_have_count(365)
    cell = graph.locator(f'td[data-date="{today()}"]')
    expect(cell).to_have_attribute("title", re.compile(r": 0 plays, 0 downloads, 1 upload$"))
    expect(cell).to_have_class(re.compile(r"\bup\b"))
    expect(page.get_by_text("Downloads per 100 plays")).to_be_visible()
    expect(page.get_by_text("No plays yet")).to_be_visible()
    check(page, "backstage-activity")
    page.set_viewport_size(PHONE)
    page.reload()
    expect(graph.locator(f'td[data-date="{today()}"]')).to_be_in_viewport()  # a phone starts at today's week
    page.set_viewport_size(DESKTOP)

    # My Beats: the published beat with its growth
    nav.get_by_role("link", name="My Beats").click()
    beats = page.get_by_role("list", name="Your beats")
    expect(beats.get_by_role("listitem")).to_have_count(1)
    expect(beats).to_contain_text(track["name"])
    expect(beats).to_contain_text("published")
    growth = producer.get("producer/beats").json()["items"][0]["growth"]["status"]
    expect(beats).to_contain_text(growth.capitalize())
    expect(page.get_by_text("No collaborations yet")).to_be_visible()
    check(page, "backstage-beats")
    page.get_by_label("Status").select_option("rejected")
    expect(page.get_by_text("No rejected beats.")).to_be_visible()

    # My Collections: the collection holds the beat
    nav.get_by_role("link", name="My Collections").click()
    row = page.get_by_role("row").filter(has_text=studio["collection"]["name"])
    expect(row.get_by_role("cell")).to_have_text(["1", "1", "0", "0", re.compile(r"\d")])
    check(page, "backstage-collections")

    # Progress: the level and XP are the API's; Refresh answers the same numbers
    nav.get_by_role("link", name="Progress").click()
    progress = producer.get("producer/progress").json()
    expect(page.get_by_text(f"Level {progress['level']} · {progress['title']}")).to_be_visible()
    expect(page.get_by_test_id("xp")).to_have_text(f"{progress['xp']:,} XP")
    expect(page.locator(".bs-achievement")).to_have_count(len(progress["achievements"]))
    page.get_by_role("button", name="Refresh").click()
    expect(page.get_by_role("status").filter(has_text="Refreshed")).to_be_visible()
    check(page, "backstage-progress")
    assert page.problems == []

    # an artist page the producer does not manage: the API's refusal, in its words
    page.goto(f"/backstage/beats?artist={uuid.uuid4()}")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("alert")).not_to_contain_text("No Artist Profile")


def test_finances_shows_the_stripe_flags_cards_and_statement_and_connect_goes_to_stripe(page, studio):
    producer = studio["producer"]
    log_in(page, producer.user["email"], "/backstage/finances")
    expect(page.get_by_role("heading", name="Finances")).to_be_visible()
    expect(page.get_by_test_id("stripe-status")).to_contain_text("Not connected")
    flags = page.get_by_role("list", name="Stripe account")
    expect(flags.get_by_role("listitem")).to_have_text(["✕ Connected: no", "✕ Charges enabled: no",
                                                        "✕ Payouts enabled: no"])
    cards = page.locator(".bs-cards .bs-stat")
    expect(cards).to_have_count(4)
    expect(cards.locator("dt")).to_have_text(["Balance", "Upcoming", "In transit", "Lifetime"])
    expect(cards.first).to_contain_text("0.00")
    expect(page.get_by_text("No transactions yet")).to_be_visible()

    # last month's statement (an ended month), then a month that has not ended: the API's 409 in words
    page.get_by_role("button", name="Show statement").click()
    expect(page.get_by_role("heading", name=re.compile(r"Statement for \w+ \d{4}"))).to_be_visible()
    expect(page.get_by_text("Your share (pro rata)")).to_be_visible()
    check(page, "backstage-finances")
    assert page.problems == []
    future = datetime.now(timezone.utc).year + 1
    page.get_by_label("Month", exact=True).fill(f"{future}-01")
    page.get_by_role("button", name="Show statement").click()
    expect(page.get_by_role("alert")).to_contain_text("has not ended")

    # Connect: the country, then Stripe's hosted onboarding page (the fake Stripe's)
    page.get_by_label("Country of your Stripe account").select_option("CA")
    page.get_by_role("button", name="Connect with Stripe").click()
    page.wait_for_url(re.compile(r"/connect/onboarding/"))
    assert producer.get("producer/finances").json()["stripe"]["country"] == "CA"


def test_a_producer_without_an_artist_page_sees_no_artist_profile(page, platform):
    # the page is made from producer_approved a moment after approval; granting the role alone (in the accounts
    # database) leaves a producer without one, which the API answers 404 "no artist profile"
    user = Api(platform.url)
    account = user.register(login=False)
    engine = create_engine(platform.env["ACCOUNTS_DATABASE_URL"])
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO user_roles (user_id, role, granted_at) VALUES (:id, 'producer', :at)"),
                           {"id": account["id"], "at": datetime.now(timezone.utc)})
    engine.dispose()
    log_in(page, account["email"], "/backstage/activity")
    expect(page.get_by_role("heading", name="Activity")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("No Artist Profile")
    check(page, "backstage-no-artist-profile")


def test_a_listener_is_told_backstage_is_for_producers(page, platform):
    listener = Api(platform.url)
    account = listener.register(login=False)
    log_in(page, account["email"], "/backstage/finances")
    expect(page.get_by_role("heading", name="Backstage is for producers")).to_be_visible()
    expect(page.get_by_role("navigation", name="Backstage")).to_have_count(0)
    check(page, "backstage-listener")
    assert page.problems == []


def test_the_leaderboard_switch_keeps_the_old_rows_until_the_new_ones_arrive(page, studio):
    producer, artist = studio["producer"], studio["artist"]
    log_in(page, producer.user["email"], "/leaderboards/uploads")
    board = page.get_by_test_id("leaderboard")
    mine = board.get_by_role("row").filter(has=page.get_by_role("link", name=artist["name"], exact=True))
    expect(mine.locator("td.num")).to_have_text("1")
    expect(page.get_by_role("table")).to_have_accessible_name(re.compile("Uploads"))
    expect(page.get_by_test_id("my-rank")).to_contain_text("Your rank on Uploads: #")
    check(page, "leaderboards")

    held: list[Route] = []
    page.route(re.compile(r"/api/v1/leaderboards/points\?"), lambda route: held.append(route))
    page.get_by_role("navigation", name="Leaderboard").get_by_role("link", name="Points").click()
    for _ in range(100):
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "the browser never asked for the Points board"
    # the new board is on its way: the Uploads rows stay, dimmed and aria-busy
    expect(board).to_have_attribute("aria-busy", "true")
    expect(page.get_by_role("link", name="Points")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("table")).to_have_accessible_name(re.compile("Uploads"))
    expect(mine).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Loading Points")).to_have_count(1)
    held[0].continue_()
    page.unroute_all()
    expect(board).to_have_attribute("aria-busy", "false")
    expect(page.get_by_role("table")).to_have_accessible_name(re.compile("Points"))
    xp = producer.get("producer/progress").json()["xp"]
    expect(mine.locator("td.num")).to_have_text(f"{xp:,} XP")

    page.get_by_role("link", name="This month").click()
    expect(page.get_by_role("table")).to_have_accessible_name(re.compile("Points · this month"))
    assert page.problems == []
