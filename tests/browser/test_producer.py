"""The producer's pages in a real browser: apply to the Producer Program → an admin approves (in a second browser
context) → upload a WAV → watch it publish → set an exclusive; the metadata checked as it is typed with the API's
own rules and messages; a refused upload showing its reason; an admin's rejection reaching the applicant; the
artist page editor; the payout runs page."""
from __future__ import annotations

import json
import struct
import time
import uuid
import zlib

import pytest
import requests
from playwright.sync_api import Page, expect

from tests.browser.conftest import POSTGRES_ONLY, axe_violations, screenshot
from tests.e2e.conftest import ADMIN_EMAIL, ADMIN_PASSWORD
from tests.e2e.test_uploads import CONFIRMATIONS, make_producer
from tests.support import audio
from tests.support.api import Api

pytestmark = POSTGRES_ONLY
PASSWORD = "correct horse battery"
BPM_RULE = "Must be greater than or equal to 50 and less than or equal to 200."


def png(width: int = 64, height: int = 64, rgb: tuple[int, int, int] = (255, 140, 40)) -> bytes:
    """A real PNG (the browser draws it; the gateway checks images by content)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def new_context(browser, platform):
    """A second browser (its own cookies and client address), as the conftest's `context` makes one."""
    client_ip = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    ctx = browser.new_context(base_url=platform.url, viewport={"width": 1280, "height": 800},
                              extra_http_headers={"X-Forwarded-For": client_ip})
    ctx.set_default_timeout(15_000)
    return ctx


def watch(page: Page) -> Page:
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    return page


def log_in(page: Page, email: str, password: str, name: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name=name)).to_be_visible()


def admin_log_in(page: Page) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("link", name="Admin", exact=True)).to_be_visible()


def problems(page: Page, platform) -> list[str]:
    """The page's console errors, less the 404s and 405s of asking a gateway that predates a feature (the preset
    list, the artist search, collection edits and covers) for it: the pages fall back or say so, and Chromium logs
    every such answer a script's request gets."""
    paths = requests.get(f"{platform.url}/api/v1/openapi.json", timeout=10).json()["paths"]
    older = not {"/api/v1/cover-presets", "/api/v1/artists", "/api/v1/collections/{collection_id}/cover"} <= set(paths)
    return [text for text in page.problems
            if not (older and ("status of 404" in text or "status of 405" in text))]


def accessible(page: Page) -> None:
    violations = axe_violations(page)
    assert violations == [], violations


def producer_in_browser(page: Page, platform) -> Api:
    """An approved producer (through the API), logged in in the browser."""
    admin = Api(platform.url)
    admin.login(ADMIN_EMAIL, ADMIN_PASSWORD)
    producer = make_producer(platform, admin)
    log_in(page, producer.user["email"], PASSWORD, producer.user["username"])
    return producer


def fill_metadata(page: Page, name: str, bpm: str = "140") -> None:
    page.get_by_label("Track name").fill(name)
    page.get_by_label("Artists").fill("Jane Doe")
    page.get_by_label("BPM").fill(bpm)
    page.get_by_role("combobox", name="Key", exact=True).select_option("A")
    page.get_by_role("combobox", name="Scale", exact=True).select_option("minor")
    page.get_by_label("Genres").fill("trap")
    page.get_by_label("Tags").fill("dark, 808")
    choose_preset(page)


def choose_preset(page: Page) -> None:
    """A preset cover: the gateway's preset list where it has one, else the first genre's preset."""
    legacy = page.get_by_label("Use the trap preset cover")
    presets = page.get_by_role("group", name="Preset covers for trap").get_by_role("radio")
    expect(legacy.or_(presets.first)).to_be_visible()
    if legacy.count():
        legacy.check()
    else:
        presets.first.check()


def test_apply_an_admin_approves_upload_a_wav_see_it_publish_set_an_exclusive(page, browser, platform, tmp_path):
    applicant = Api(platform.url)
    account = applicant.register()
    producer_name = f"Web Prod {uuid.uuid4().hex[:6]}"

    # the application, in the applicant's browser
    log_in(page, account["email"], PASSWORD, account["username"])
    page.get_by_role("link", name="Become a producer").click()
    expect(page.get_by_role("heading", name="Producer Program")).to_be_visible()
    expect(page.get_by_text("No applications yet.")).to_be_visible()
    expect(page.get_by_role("radio", name="Get Verified")).to_be_disabled()
    page.get_by_label("Producer name").fill(producer_name)
    page.get_by_label("Link to your beats").fill("soundcloud.com/someone")
    expect(page.get_by_text("Not a valid URL.")).to_be_visible()  # the API's rule, as it is typed
    page.get_by_label("Link to your beats").fill("https://soundcloud.com/someone")
    expect(page.get_by_text("Not a valid URL.")).to_have_count(0)
    page.get_by_label("First name").fill("Jane")
    page.get_by_label("Last name").fill("Doe")
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("alert")).to_contain_text("Some answers need fixing")
    expect(page.get_by_text("Must be true.")).to_have_count(4)
    for checkbox in page.get_by_role("group", name="Your commitments").get_by_role("checkbox").all():
        checkbox.check()
    screenshot(page, "producer-program")
    accessible(page)
    page.get_by_role("button", name="Send application").click()
    expect(page.get_by_role("status").filter(has_text="application was sent")).to_be_visible()
    mine = page.get_by_role("list", name="Your applications")
    expect(mine).to_contain_text("Become a Producer")
    expect(mine).to_contain_text("pending")

    # an admin approves it, in a browser of their own
    admin_context = new_context(browser, platform)
    try:
        admin_page = watch(admin_context.new_page())
        admin_log_in(admin_page)
        admin_page.get_by_role("link", name="Admin", exact=True).click()
        expect(admin_page.get_by_role("heading", name="Producer Program applications")).to_be_visible()
        card = admin_page.get_by_role("listitem").filter(has_text=producer_name)
        expect(card).to_contain_text("https://soundcloud.com/someone")
        expect(card).to_contain_text(account["username"])
        screenshot(admin_page, "admin-applications")
        accessible(admin_page)
        card.get_by_role("button", name="Approve").click()
        expect(admin_page.get_by_role("status").filter(has_text="was approved")).to_be_visible()
        expect(card).to_have_count(0)
        assert problems(admin_page, platform) == []
    finally:
        admin_context.close()

    # the artist page is made by the catalog once it hears of the approval
    deadline = time.monotonic() + 30
    while applicant.get("me/artist").status_code != 200:
        assert time.monotonic() < deadline, "no artist page 30 s after the approval"
        time.sleep(0.2)

    page.reload()
    expect(mine).to_contain_text("approved")
    expect(page.get_by_role("link", name="Upload", exact=True)).to_be_visible()
    page.get_by_role("link", name="Upload", exact=True).click()
    expect(page.get_by_role("heading", name="Upload a beat")).to_be_visible()

    wav = audio.make_wav(tmp_path / "first-beat.wav", seed=uuid.uuid4().int % 10**6)
    page.get_by_label("Choose an audio file").set_input_files(str(wav))
    expect(page.get_by_text("first-beat.wav ·")).to_be_visible()
    name = f"Web Upload {uuid.uuid4().hex[:6]}"
    fill_metadata(page, name)
    screenshot(page, "upload")
    accessible(page)
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("progressbar", name="Upload progress")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="is published")).to_be_visible(timeout=60_000)
    screenshot(page, "upload-published")
    accessible(page)

    # set an exclusive
    page.get_by_role("link", name="Edit it, set an exclusive").click()
    expect(page.get_by_role("heading", name=f"Edit “{name}”")).to_be_visible()
    page.get_by_label("Licensing model").select_option("standard_exclusive")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_label("Exclusive price")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Contact email")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("Exclusive price").fill("250")
    page.get_by_label("Currency").select_option("CAD")
    page.get_by_label("Contact email").fill("deals@example.com")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_contain_text("Exclusive: 250.00 CAD, available.")
    screenshot(page, "track-edit")
    accessible(page)
    track_id = page.url.split("/tracks/")[1].split("/")[0]
    stored = applicant.get(f"tracks/{track_id}").json()
    assert stored["status"] == "published"
    assert stored["licensing_model"] == "standard_exclusive"
    assert stored["exclusive"] == {"price_cents": 25000, "currency": "CAD", "contact_email": "deals@example.com",
                                   "status": "available"}
    assert problems(page, platform) == []


def test_metadata_is_checked_as_it_is_typed_with_the_apis_own_rules_and_messages(page, platform, tmp_path):
    producer = producer_in_browser(page, platform)
    page.goto("/upload")
    bpm = page.get_by_label("BPM")
    bpm.fill("250")
    expect(page.locator("#upload-bpm-error")).to_have_text(BPM_RULE)
    expect(bpm).to_have_attribute("aria-invalid", "true")

    # the same words as the API's own 422 for the same metadata
    wav = audio.make_wav(tmp_path / "a.wav", seconds=1)
    metadata = {"name": "x", "artists": ["Jane"], "bpm": 250, "key": "A", "scale": "minor", "cover_preset": "trap"}
    with open(wav, "rb") as body:
        refused = producer.post("tracks", files=[("metadata", (None, json.dumps(metadata), "application/json")),
                                                 ("audio", ("a.wav", body, "audio/wav"))])
    assert refused.status_code == 422, refused.text
    assert refused.json()["details"]["metadata.bpm"] == [BPM_RULE]

    bpm.fill("12.5")
    expect(page.locator("#upload-bpm-error")).to_have_text("Not a valid integer.")
    bpm.fill("140")
    expect(page.locator("#upload-bpm-error")).to_have_text("")
    expect(bpm).not_to_have_attribute("aria-invalid", "true")

    page.get_by_label("Licensing model").select_option("exclusive_only")
    page.get_by_label("Contact email").fill("not-an-email")
    expect(page.locator("#upload-contact-email-error")).to_have_text("Not a valid email address.")
    page.get_by_role("button", name="Upload", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Some fields need fixing")
    expect(page.locator("#upload-name-error")).to_have_text("Missing data for required field.")
    expect(page.locator("#upload-audio-error")).to_have_text("Missing data for required field.")
    expect(page.locator("#upload-price-error")).to_have_text("Missing data for required field.")
    screenshot(page, "upload-invalid")
    accessible(page)
    assert problems(page, platform) == []


def test_a_refused_upload_dropped_on_the_page_shows_the_rejections_reason(page, platform, tmp_path):
    producer = producer_in_browser(page, platform)
    page.goto("/upload")
    lossy = audio.make_mp3_as_wav(tmp_path / "lossy.wav", seed=uuid.uuid4().int % 10**6)
    # drag and drop: a drop event carrying the file, as the browser fires it when a file is dropped on the zone
    page.get_by_test_id("audio-drop").evaluate(
        """(zone, [name, bytes]) => {
             const data = new DataTransfer();
             data.items.add(new File([new Uint8Array(bytes)], name, { type: "audio/wav" }));
             zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: data, bubbles: true, cancelable: true }));
             zone.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
           }""", ["lossy.wav", list(lossy.read_bytes())])
    expect(page.get_by_text("lossy.wav ·")).to_be_visible()
    fill_metadata(page, f"Web Lossy {uuid.uuid4().hex[:6]}")
    page.get_by_role("button", name="Upload", exact=True).click()
    alert = page.get_by_role("alert").filter(has_text="The audio was refused")
    expect(alert).to_be_visible(timeout=60_000)
    beats = producer.get("producer/beats", params={"status": "rejected"}).json()["items"]
    assert beats, "the upload is not listed as rejected"
    rejection = beats[0]["rejection"]
    expect(alert).to_contain_text(rejection["message"])
    expect(alert).to_contain_text(rejection["code"])
    screenshot(page, "upload-rejected")
    accessible(page)
    page.get_by_role("button", name="Try another file").click()
    expect(page.get_by_label("Track name")).to_have_value(beats[0]["name"])
    assert problems(page, platform) == []


def test_an_admin_rejects_with_a_reason_and_the_applicant_sees_it(page, browser, platform):
    applicant = Api(platform.url)
    account = applicant.register()
    producer_name = f"Web Refused {uuid.uuid4().hex[:6]}"
    sent = applicant.post("producer-program/applications", json={
        "type": "become_producer", "producer_name": producer_name, "beats_link": "https://example.com/beats",
        "first_name": "Ana", "last_name": "Silva", **CONFIRMATIONS})
    assert sent.status_code == 201, sent.text

    admin_log_in(page)
    page.goto("/admin/applications")
    card = page.get_by_role("listitem").filter(has_text=producer_name)
    card.get_by_role("button", name="Reject…").click()
    card.get_by_role("button", name="Reject with this reason").click()
    expect(card.get_by_text("Missing data for required field.")).to_be_visible()
    card.get_by_label("Reason for the rejection").fill("The link shows no beats of yours.")
    card.get_by_role("button", name="Reject with this reason").click()
    expect(page.get_by_role("status").filter(has_text="was rejected")).to_be_visible()
    page.get_by_role("tab", name="Rejected").click()
    expect(page.get_by_role("tab", name="Rejected")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("listitem").filter(has_text=producer_name)).to_contain_text("The link shows no beats")
    accessible(page)
    assert problems(page, platform) == []

    applicant_context = new_context(browser, platform)
    try:
        mine = watch(applicant_context.new_page())
        log_in(mine, account["email"], PASSWORD, account["username"])
        mine.goto("/producer-program")
        row = mine.get_by_role("list", name="Your applications").get_by_role("listitem").first
        expect(row).to_contain_text("rejected")
        expect(row).to_contain_text("Reason: The link shows no beats of yours.")
        assert problems(mine, platform) == []
    finally:
        applicant_context.close()


def test_the_claim_picker_finds_artist_pages_and_shows_whether_they_can_be_claimed(page, platform):
    producer = producer_in_browser(page, platform)
    page.goto("/producer-program")
    page.get_by_role("radio", name="Claim Existing Artist").check()
    searchable = requests.get(f"{platform.url}/api/v1/artists", params={"q": "ab"}, timeout=10).status_code == 200
    page.get_by_label("Find the artist page you claim").fill(producer.artist["name"])
    if searchable:
        match = page.get_by_role("radio", name=producer.artist["name"])
        expect(match).to_be_disabled()
        expect(page.get_by_role("group", name="Artist pages found")).to_contain_text("Already claimed")
    else:  # a gateway without the search: the page's id is typed instead
        expect(page.get_by_text("The artist search is not available on this server yet")).to_be_visible()
        expect(page.get_by_label("Artist page id")).to_be_visible()
    accessible(page)
    assert problems(page, platform) == []


def test_the_owner_edits_the_artist_page_tab_by_tab(page, platform):
    producer = producer_in_browser(page, platform)
    page.goto("/artist/edit")
    expect(page).to_have_url(f"{platform.url}/artists/{producer.artist['id']}/edit")
    expect(page.get_by_role("tab", name="Details")).to_have_attribute("aria-selected", "true")
    new_name = f"Web Artist {uuid.uuid4().hex[:6]}"
    page.get_by_label("Artist name").fill(new_name)
    page.get_by_label("Genres").fill("trap, drill")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()

    page.get_by_role("tab", name="Details").press("ArrowRight")
    expect(page.get_by_role("tab", name="Links")).to_be_focused()
    page.get_by_role("textbox", name="Link 1").fill("not a url")
    expect(page.locator("#artist-link-0-error")).to_have_text("Not a valid URL.")
    page.get_by_role("textbox", name="Link 1").fill("https://example.com/me")

    page.get_by_role("button", name="Save the links").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()

    page.get_by_role("tab", name="Biography").click()
    page.get_by_label("City").fill("Montréal")
    page.get_by_label("About").fill("Dark trap from the cold.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()

    page.get_by_role("tab", name="Images").click()
    page.get_by_label("Choose an image").set_input_files(
        files=[{"name": "me.png", "mimeType": "image/png", "buffer": png()}])
    page.get_by_role("button", name="Upload the image").click()
    expect(page.get_by_role("status").filter(has_text="The new avatar is saved.")).to_be_visible()
    expect(page.get_by_role("img", name="Your avatar")).to_be_visible()
    screenshot(page, "artist-edit")
    accessible(page)

    stored = requests.get(f"{platform.url}/api/v1/artists/{producer.artist['id']}", timeout=10).json()
    assert stored["name"] == new_name and stored["genres"] == ["trap", "drill"]
    assert stored["links"] == ["https://example.com/me"]
    assert stored["city"] == "Montréal" and stored["description"] == "Dark trap from the cold."
    assert stored["images"]["avatar"]
    assert problems(page, platform) == []


def test_a_producer_creates_a_collection_edits_it_and_uploads_into_it(page, platform):
    producer_in_browser(page, platform)
    page.goto("/upload")
    page.get_by_role("link", name="Create a collection").click()
    expect(page.get_by_role("heading", name="New collection")).to_be_visible()
    page.get_by_role("button", name="Create the collection").click()
    expect(page.locator("#collection-name-error")).to_have_text("Missing data for required field.")
    expect(page.locator("#collection-cover-error")).to_have_text("Choose a cover image (PNG, JPEG or WebP).")
    name = f"Web Tape {uuid.uuid4().hex[:6]}"
    page.get_by_label("Collection name").fill(name)
    page.get_by_label("Artists").fill("Jane Doe")
    page.get_by_label("Genres").fill("trap")
    page.get_by_label("Choose a cover image").set_input_files(
        files=[{"name": "tape.png", "mimeType": "image/png", "buffer": png(rgb=(60, 90, 200))}])
    page.get_by_role("button", name="Create the collection").click()
    expect(page.get_by_role("heading", name=f"Edit “{name}”")).to_be_visible()
    collection_id = page.url.split("/collections/")[1].split("/")[0]

    page.get_by_label("Tags").fill("night, tape")
    page.get_by_role("button", name="Save changes").click()
    paths = requests.get(f"{platform.url}/api/v1/openapi.json", timeout=10).json()["paths"]
    if "patch" in paths.get("/api/v1/collections/{collection_id}", {}):
        expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
    else:  # a gateway without collection edits says so
        expect(page.get_by_role("alert")).to_have_text("Editing a collection is not available on this server yet.")
    screenshot(page, "collection-edit")
    accessible(page)

    page.get_by_role("link", name="Upload a beat into it").click()
    expect(page.get_by_label("Collection")).to_contain_text(name)
    page.get_by_label("Collection").select_option(collection_id)
    expect(page.get_by_label("Artists")).not_to_have_attribute("aria-required", "true")
    expect(page.get_by_role("radio", name="The collection's cover")).to_be_visible()
    assert problems(page, platform) == []


def test_an_admin_starts_a_payout_run_and_follows_it(page, platform):
    admin_log_in(page)
    page.goto("/admin/payouts")
    # the platform's first run is started here: until then the list says so
    expect(page.get_by_text("No payout runs yet.")).to_be_visible()
    period = page.get_by_label("Month (UTC)")
    period.fill("2001-13")
    expect(page.locator("#payout-period-error")).to_have_text("Must be a month as YYYY-MM, e.g. 2026-11.")
    period.fill("2001-01")
    page.get_by_role("button", name="Start the run").click()
    expect(page.get_by_role("heading", name="Run for 2001-01")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Finished")).to_be_visible(timeout=30_000)
    runs = page.get_by_role("list", name="All runs")
    expect(runs.get_by_role("listitem")).to_have_count(1)  # the list was fetched again after the start
    expect(runs.get_by_role("listitem").first).to_contain_text("completed")
    expect(runs.get_by_role("listitem").first).to_contain_text("Pool")
    expect(page.get_by_text("No payout runs yet.")).to_have_count(0)
    # a second, older month: the list keeps the newest period first
    period.fill("2000-12")
    page.get_by_role("button", name="Start the run").click()
    expect(page.get_by_role("heading", name="Run for 2000-12")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Finished")).to_be_visible(timeout=30_000)
    expect(runs.get_by_role("link")).to_have_text(["2001-01", "2000-12"])
    # the list is the server's, not this tab's: a fresh visit shows both, and each links to its run
    page.goto("/admin/payouts")
    expect(runs.get_by_role("link")).to_have_text(["2001-01", "2000-12"])
    runs.get_by_role("link", name="2001-01").click()
    expect(page.get_by_role("heading", name="Run for 2001-01")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Finished")).to_be_visible()
    screenshot(page, "admin-payouts")
    accessible(page)
    assert problems(page, platform) == []


def test_pages_for_producers_tell_a_listener_to_apply_first(page, platform):
    listener = Api(platform.url)
    account = listener.register()
    log_in(page, account["email"], PASSWORD, account["username"])
    page.goto("/upload")
    expect(page.get_by_role("heading", name="Producers only")).to_be_visible()
    expect(page.get_by_role("link", name="Apply to the Producer Program")).to_be_visible()
    page.goto("/admin/applications")
    expect(page.get_by_role("heading", name="Admins only")).to_be_visible()
    accessible(page)
    assert problems(page, platform) == []
