"""Shared helpers of the browser tests (tests/test_site_browser.py, tests/test_lab_browser.py).

They drive Debian's Chromium through Playwright (its own browser download does not work
here). Where Chromium or Playwright is missing the tests skip with a message, unless
NNLAB_REQUIRE_BROWSER=1 (CI sets it): then a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "build" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def _missing(why: str):
    if os.environ.get("NNLAB_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{why}, and NNLAB_REQUIRE_BROWSER=1 says the browser tests must run", pytrace=False)
    pytest.skip(f"{why}: skipping the browser test "
                "(install Debian's chromium and fonts-noto-cjk, e.g. `apt-get install chromium fonts-noto-cjk`)")


def require_browser(missing=_missing) -> tuple[object, str]:
    """(playwright.sync_api.sync_playwright, chromium path), or `missing(why)`: skip/fail with a clear message."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        missing("Chromium is not installed (no `chromium` on PATH)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("the Python package playwright is not installed (`make dev` installs it)")
    return sync_playwright, chromium


# Chromium resolves no host name except localhost (a second wall behind the routes below,
# and the only one where routing is off: Playwright routing disables the HTTP cache).
OFFLINE_ARGS = ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]


def launch(playwright, chromium: str):
    return playwright.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS + OFFLINE_ARGS)


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS


def block_other_hosts(context, blocked: list[str]) -> None:
    """Abort, and record in `blocked`, every request that is not to localhost."""

    def handle(route):
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    context.route("**/*", handle)


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"
