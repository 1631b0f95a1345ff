"""The pictures of the app in docs/screenshots/: the main pages of a platform that `make demo` filled, at 1280 and
375 px wide, taken in Debian's Chromium (the browser the tests use).

    make run                      # in one terminal
    make demo                     # in another, then:
    make screenshots              # BEATPASS_URL=… for another platform; writes docs/screenshots/*.png

The demo's accounts sign in through the login form, like a person; nothing is faked. The images show what the
demo made, so a reader of docs/web.md and the README sees the app as a newcomer will.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from urllib.request import urlopen

from rich.console import Console
from rich.progress import track

from services.common import config

OUT = config.ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
PASSWORD = "demo-passphrase-2026"
PRODUCER, LISTENER = "nightshade@demo.beatpass.local", "ava@demo.beatpass.local"
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
    return [
        ("home", None, "/"),
        ("track", LISTENER, f"/tracks/{newest['id']}"),
        ("artist", None, f"/artists/{newest['artist_id']}"),
        ("library", LISTENER, "/library"),
        ("leaderboards", None, "/leaderboards"),
        ("upload", PRODUCER, "/upload"),
        ("backstage", PRODUCER, "/backstage"),
        ("backstage-finances", PRODUCER, "/backstage/finances"),
    ]


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
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
        page.wait_for_timeout(300)
        settle(page)
        path = OUT / f"{name}-{label}.png"
        height = page.evaluate("() => document.documentElement.scrollHeight")
        clip = {"x": 0, "y": 0, "width": viewport["width"],
                "height": min(height, DESKTOP_MAX_HEIGHT if label == "1280" else viewport["height"] * 2)}
        page.screenshot(path=str(path), full_page=True, clip=clip)
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
