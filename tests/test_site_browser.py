"""The built course site works offline in a real browser (Debian's headless Chromium).

Builds the site first if _build/html is missing or older than its sources, serves it on
localhost, blocks every other host, loads every page and checks: no failed or blocked request,
no console error, math rendered by the local MathJax, every image loaded, no broken internal
link, and a kernel-free slider that changes its figure. Screenshots go to build/screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from browserlib import ROOT, block_other_hosts, launch, require_browser, screenshot_path

pytestmark = pytest.mark.browser

SITE = ROOT / "_build" / "html"
SOURCES = ["docs", "notebooks", "exercises", "book"]
SCREENSHOT_PAGES = {"site_home": "docs/index.html", "site_lecture": None, "site_glossary": "glossary.html"}


def _newest_source_mtime() -> float:
    files = [p for d in SOURCES if (ROOT / d).is_dir() for p in (ROOT / d).rglob("*")
             if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts]
    return max((p.stat().st_mtime for p in files), default=0.0)


@pytest.fixture(scope="module")
def site() -> Path:
    require_browser()  # skip (or fail under NNLAB_REQUIRE_BROWSER=1) before spending time on a build
    index = SITE / "index.html"
    if not index.exists() or index.stat().st_mtime < _newest_source_mtime():
        proc = subprocess.run([sys.executable, str(ROOT / "book" / "build.py")], cwd=ROOT,
                              capture_output=True, text=True)
        assert proc.returncode == 0, f"`python book/build.py` failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    assert index.exists()
    return SITE


@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()
    httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    sync_playwright, chromium = require_browser()
    with sync_playwright() as p:
        b = launch(p, chromium)
        yield b
        b.close()


def pages(site: Path) -> list[str]:
    """Every HTML page of the site, relative to its root."""
    skip = ("_static", "_sources", "_downloads", "_images")
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not p.relative_to(site).parts[0] in skip)


def lecture_pages(site: Path) -> list[str]:
    return [p for p in pages(site) if p.startswith("notebooks/")]


def goto(page, url: str) -> None:
    """Open url and wait for its load event (following Jupyter Book's redirect at the root)."""
    page.goto(url, wait_until="load")
    if urlsplit(url).path == "/index.html":  # <meta http-equiv="Refresh" content="0; url=docs/index.html">
        page.wait_for_url(re.compile(r".*/docs/index\.html$"), timeout=10_000)
        page.wait_for_load_state("load")


class PageVisit:
    """Load one page with other hosts blocked; keep what went wrong."""

    def __init__(self, browser, url: str):
        self.blocked, self.failed, self.errors = [], [], []
        self.context = browser.new_context(viewport={"width": 1200, "height": 900})
        block_other_hosts(self.context, self.blocked)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})")
                     if r.url not in self.blocked else None)
        self.page.on("response", lambda r: self.failed.append(f"{r.url} (HTTP {r.status})") if r.status >= 400 else None)
        goto(self.page, url)
        # MathJax 3 typesets after load; wait for it where it is on the page.
        self.page.evaluate("() => (window.MathJax && MathJax.startup && MathJax.startup.promise) ? "
                           "MathJax.startup.promise.then(() => true) : false")

    def close(self):
        self.context.close()


def test_every_page_offline_without_errors(site, server, browser):
    problems, math_pages = [], 0
    all_pages = pages(site)
    assert any(p.startswith("notebooks/") for p in all_pages), "the site has no lecture pages"
    assert "glossary.html" in all_pages
    for rel in all_pages:
        v = PageVisit(browser, server + rel)
        try:
            page = v.page
            math = page.evaluate("""() => {
                const m = [...document.querySelectorAll('.math')];
                return {n: m.length, bad: m.filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 60)),
                        mjx: document.querySelectorAll('mjx-container').length};
            }""")
            if math["n"]:
                math_pages += 1
                if math["bad"] or not math["mjx"]:
                    problems.append(f"{rel}: math not rendered: {math['bad'][:3]}")
            bad_imgs = page.evaluate("""() => [...document.images]
                .filter(i => !(i.complete && i.naturalWidth > 0))
                .map(i => (i.currentSrc || i.src).slice(0, 100))""")
            problems += [f"{rel}: image not loaded: {s}" for s in bad_imgs]
            problems += [f"{rel}: blocked request to another host: {u}" for u in v.blocked]
            problems += [f"{rel}: failed request: {u}" for u in v.failed]
            problems += [f"{rel}: {e}" for e in v.errors]
        finally:
            v.close()
    assert not problems, "\n".join(problems)
    assert math_pages >= 1, "no page has math: the lecture notebooks should have some"


def _ids(path: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8", errors="replace")))


def test_no_broken_internal_link(site, server, browser):
    """Every link to this site points to a file that exists, and to an id on that page."""
    broken, checked, ids = [], 0, {}
    context = browser.new_context()
    block_other_hosts(context, [])
    page = context.new_page()
    try:
        for rel in pages(site):
            goto(page, server + rel)
            hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")
            for href in hrefs:
                if not href.startswith(server):
                    continue
                parts = urlsplit(href)
                target = site / unquote(parts.path[len(urlsplit(server).path):])
                if target.is_dir():
                    target = target / "index.html"
                checked += 1
                if not target.is_file():
                    broken.append(f"{rel} -> {href} (no such file)")
                elif parts.fragment and target.suffix == ".html":
                    known = ids.setdefault(target, _ids(target))
                    if unquote(parts.fragment) not in known:
                        broken.append(f"{rel} -> {href} (no id {parts.fragment!r} on that page)")
    finally:
        context.close()
    assert checked > 50, f"only {checked} internal links found: is the site complete?"
    assert not broken, "broken internal links:\n" + "\n".join(sorted(set(broken)))


def test_kernel_free_slider_changes_the_figure(site, server, browser):
    """Drag the first frame player on each lecture page: another frame (a different PNG) shows."""
    moved = []
    for rel in lecture_pages(site):
        v = PageVisit(browser, server + rel)
        try:
            page = v.page
            players = page.locator(".nnlab-static-slider")
            if players.count() == 0:
                continue
            player = players.first
            player.scroll_into_view_if_needed()
            visible_src = ("el => [...el.querySelectorAll('img.nnlab-frame')]"
                           ".filter(i => i.offsetParent !== null).map(i => i.src)")
            before = player.evaluate(visible_src)
            label_before = player.locator(".nnlab-value").inner_text()
            slider = player.locator("input[type=range]")
            box = slider.bounding_box()
            value_before = int(slider.input_value())
            # Click near the far end of the track that the thumb is not at (a real pointer move).
            frac = 0.05 if value_before > int(slider.get_attribute("max")) / 2 else 0.95
            page.mouse.click(box["x"] + frac * box["width"], box["y"] + box["height"] / 2)
            after = player.evaluate(visible_src)
            assert len(before) == 1 and len(after) == 1, f"{rel}: expected one visible frame, got {len(before)}, {len(after)}"
            assert int(slider.input_value()) != value_before, f"{rel}: the range input did not move"
            assert after[0] != before[0], f"{rel}: the slider moved but the figure did not change"
            assert player.locator(".nnlab-value").inner_text() != label_before, f"{rel}: the value label did not change"
            if not moved:
                page.screenshot(path=str(screenshot_path("site_slider_moved")))
            moved.append(rel)
            assert not v.errors, f"{rel}: {v.errors}"
        finally:
            v.close()
    assert moved, "no lecture page has a kernel-free slider (.nnlab-static-slider)"


def test_lecture_pages_link_live_and_screenshots(site, server, browser):
    """Each lecture page links to open it live (JupyterHub or Binder) and to download it;
    screenshots of three pages for a person to look at."""
    missing = []
    for rel in lecture_pages(site):
        html = (site / rel).read_text(encoding="utf-8")
        stem = Path(rel).stem
        if not re.search(r'href="https?://[^"]*(git-pull|/v2/)[^"]*' + re.escape(stem) + r'\.ipynb', html):
            missing.append(f"{rel}: no JupyterHub/Binder link to {stem}.ipynb")
    assert not missing, "\n".join(missing)
    lectures = lecture_pages(site)
    shots = dict(SCREENSHOT_PAGES, site_lecture=lectures[0])
    for name, rel in shots.items():
        v = PageVisit(browser, server + rel)
        try:
            # the whole page if it is short enough to read, else its first screen
            full = v.page.evaluate("document.documentElement.scrollHeight") <= 3000
            v.page.screenshot(path=str(screenshot_path(name)), full_page=full)
        finally:
            v.close()
        assert screenshot_path(name).stat().st_size > 10_000


def test_homework_pages_offer_downloads(site):
    """Each homework page links to a downloadable copy of its notebook; no solutions are published."""
    hw_pages = sorted(p for p in pages(site) if p.startswith("exercises/") and p != "exercises/index.html")
    hw_sources = sorted((ROOT / "exercises").glob("*/*.ipynb"))
    assert len(hw_pages) == len(hw_sources), (hw_pages, hw_sources)
    for rel in hw_pages:
        html = (site / rel).read_text(encoding="utf-8")
        name = Path(rel).stem + ".ipynb"
        m = re.search(r'href="([^"]*_downloads/[^"]*/' + re.escape(name) + ')"', html)
        assert m, f"{rel}: no download link to {name}"
        assert (site / rel).parent.joinpath(m.group(1)).resolve().is_file()
    assert not list(site.rglob("solutions")), "the site must not contain solutions/"
