"""The browser app in a real browser: Debian's Chromium, headless, driven by Playwright through its
executable_path (scripts/ensure-browser.sh installs it; nothing is downloaded). Each test gets a fresh browser
context (no cookies) speaking from a client address of its own, like tests.support.api.Api. Screenshots go to
test-artifacts/screenshots; an axe-core scan checks a page for serious and critical accessibility violations."""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from services.common import config
from tests.e2e.conftest import admin, api, platform  # noqa: F401 - the same running platform as tests/e2e

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS_DIR", config.ROOT / "test-artifacts")) / "screenshots"
AXE = config.ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP, PHONE = {"width": 1280, "height": 800}, {"width": 375, "height": 740}
#: the browser tests run against the PostgreSQL platform only; the API they use is tested on both backends
POSTGRES_ONLY = pytest.mark.parametrize("platform", ["postgres"], indirect=True)


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser() -> Browser:
    import eventlet.patcher

    if eventlet.patcher.is_monkey_patched("thread"):
        pytest.fail("the browser tests need a pytest process of their own (Playwright deadlocks under eventlet): "
                    "python -m pytest tests/browser — make test runs them so")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                              args=["--no-sandbox", "--disable-dev-shm-usage",
                                                    "--autoplay-policy=no-user-gesture-required"])
        yield chromium
        chromium.close()


@pytest.fixture
def context(browser, platform) -> BrowserContext:
    client_ip = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"
    ctx = browser.new_context(base_url=platform.url, viewport=DESKTOP,
                              extra_http_headers={"X-Forwarded-For": client_ip})
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context) -> Page:
    tab = context.new_page()
    tab.problems = []  # console errors and failed page scripts, which a test asserts are absent
    tab.on("console", lambda message: message.type == "error" and tab.problems.append(message.text))
    tab.on("pageerror", lambda error: tab.problems.append(str(error)))
    return tab


def screenshot(page: Page, name: str) -> list[Path]:
    """The page at 1280 px and 375 px wide, full length, kept as test artefacts."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    paths = []
    for label, viewport in (("1280", DESKTOP), ("375", PHONE)):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(100)
        path = ARTIFACTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    page.set_viewport_size(DESKTOP)
    return paths


def axe_violations(page: Page) -> list[dict]:
    """axe-core's serious and critical violations of the page as it is now."""
    # evaluated through the DevTools protocol: the page's Content-Security-Policy (no inline script) stays on
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [node["target"] for node in v["nodes"]][:5]}
            for v in result if v["impact"] in ("serious", "critical")]
