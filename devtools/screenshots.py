"""The pictures of the app in docs/screenshots/: the main pages of a platform that `make demo` filled, at 1280 and
375 px wide, taken in Debian's Chromium (the browser the tests use).

    make run                      # in one terminal
    make demo                     # in another, then:
    make screenshots              # BEATPASS_URL=… for another platform; writes docs/screenshots/*.png

The demo's accounts sign in through the login form, like a person; nothing is faked. The images show what the
demo made, so a reader of docs/web.md and the README sees the app as a newcomer will.
"""
from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from urllib.request import urlopen

from PIL import Image
from rich.console import Console
from rich.progress import track

from devtools.demo import DemoError, admin_credentials
from services.common import config

OUT = config.ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "demo-passphrase-2026"
PRODUCER, LISTENER = "nightshade@demo.beatpass.local", "ava@demo.beatpass.local"
ADMIN = "admin"  # the platform's admin, as `make demo` finds it (BEATPASS_ADMIN_* or make run's local admin)
DESKTOP, PHONE = {"width": 1280, "height": 860}, {"width": 375, "height": 812}
#: the desktop picture is cut at this height: the first screen and a little more, not an endless strip
DESKTOP_MAX_HEIGHT = 1400

console = Console()


def get_json(base: str, path: str) -> dict:
    with urlopen(f"{base}/api/v1/{path}", timeout=10) as response:
        return json.load(response)


def pages(base: str) -> list[tuple[str, str | None, str]]:
    """(name, who signs in, path) of each picture; paths that need an id find it through the public API."""
    newest = get_json(base, "tracks?limit=1")["items"][0]
    producer_track = get_json(base, "tracks?limit=100")["items"][-1]  # the demo's first beat: Nightshade's
    return [
        ("home", None, "/"),
        ("plans", None, "/plans"),
        ("artist", None, f"/artists/{newest['artist_id']}"),
        ("profile", None, f"/users/{producer_track['producer_user_id']}"),
        ("leaderboards", None, "/leaderboards"),
        ("track", LISTENER, f"/tracks/{newest['id']}"),
        ("library", LISTENER, "/library"),
        ("licences", LISTENER, "/library/licenses"),
        ("billing", LISTENER, "/account/billing"),
        ("beat-requests", LISTENER, "/beat-requests"),
        ("producer-program", LISTENER, "/producer-program"),
        ("notifications", PRODUCER, "/notifications"),
        ("upload", PRODUCER, "/upload"),
        ("track-edit", PRODUCER, f"/tracks/{producer_track['id']}/edit"),
        ("artist-edit", PRODUCER, "/artist/edit"),
        ("backstage", PRODUCER, "/backstage"),
        ("backstage-activity", PRODUCER, "/backstage/activity"),
        ("backstage-beats", PRODUCER, "/backstage/beats"),
        ("backstage-collections", PRODUCER, "/backstage/collections"),
        ("backstage-finances", PRODUCER, "/backstage/finances"),
        ("backstage-progress", PRODUCER, "/backstage/progress"),
        ("admin-applications", ADMIN, "/admin/applications"),
        ("admin-payouts", ADMIN, "/admin/payouts"),
    ]


def log_in(page, who: str) -> None:
    email, password = admin_credentials() if who == ADMIN else (who, PASSWORD)
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Log out").wait_for()


def settle(page) -> None:
    """Wait until the page's data and images are in: no request in flight, no "Loading" left on the page."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function("() => !document.querySelector('[aria-busy=\"true\"]')", timeout=15_000)
    page.wait_for_function("() => [...document.images].every(image => image.complete)", timeout=15_000)


def shoot(page, name: str) -> list[Path]:
    paths = []
    for label, viewport in (("1280", DESKTOP), ("375", PHONE)):
        page.set_viewport_size(viewport)
        page.reload()  # laid out from the start at this width, as a phone or a desktop opens it
        settle(page)
        path = OUT / f"{name}-{label}.png"
        height = page.evaluate("() => document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": viewport["width"],
                "height": min(height, DESKTOP_MAX_HEIGHT if label == "1280" else viewport["height"] * 2)}
        picture = Image.open(io.BytesIO(page.screenshot(full_page=True, clip=clip))).convert("RGB")
        # 256 colours: a flat interface loses nothing a reader sees, and the file is a third or less
        picture.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            path, optimize=True)
        paths.append(path)
    return paths


def main() -> int:
    from playwright.sync_api import sync_playwright

    base = os.environ.get("BEATPASS_URL", "http://127.0.0.1:8000").rstrip("/")
    try:
        shots = pages(base)
    except (OSError, IndexError, KeyError) as exc:
        console.print(f"[red]No demo platform at {base} ({exc}).[/red] Start it with `make run`, fill it with "
                      "`make demo`, then run this again (BEATPASS_URL=… for another address).")
        return 1
    try:
        admin_credentials()  # the admin pages are photographed as the platform's admin
    except DemoError as exc:
        console.print(f"[red]Screenshots not taken:[/red] {exc}")
        return 1
    OUT.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
        for name, who, path in track(shots, description="Taking screenshots…", console=console):
            context = browser.new_context(base_url=base, viewport=DESKTOP)
            page = context.new_page()
            if who:
                log_in(page, who)
            page.goto(path)
            written += shoot(page, name)
            context.close()
        browser.close()
    console.print(f"[green]Wrote {len(written)} screenshots[/green] to {OUT.relative_to(config.ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
