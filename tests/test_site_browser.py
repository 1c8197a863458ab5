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


_MATH = """() => {
    const m = [...document.querySelectorAll('.math')];
    return {n: m.length, bad: m.filter(e => !e.querySelector('mjx-container')).map(e => e.textContent.slice(0, 60)),
            mjx: document.querySelectorAll('mjx-container').length};
}"""
_BAD_IMAGES = """() => [...document.images]
    .filter(i => !(i.complete && i.naturalWidth > 0))
    .map(i => (i.currentSrc || i.src).slice(0, 100))"""
_VISIBLE_FRAMES = ("el => [...el.querySelectorAll('img.nnlab-frame')]"
                   ".filter(i => i.offsetParent !== null).map(i => i.src)")


def _move_first_slider(page) -> dict | None:
    """Click near the far end of the first frame player's range input (a real pointer move);
    return what the player showed before and after, or None if the page has no player."""
    players = page.locator(".nnlab-static-slider")
    if players.count() == 0:
        return None
    player = players.first
    player.scroll_into_view_if_needed()
    slider = player.locator("input[type=range]")
    before = {"frames": player.evaluate(_VISIBLE_FRAMES), "label": player.locator(".nnlab-value").inner_text(),
              "value": int(slider.input_value())}
    box = slider.bounding_box()
    frac = 0.05 if before["value"] > int(slider.get_attribute("max")) / 2 else 0.95
    page.mouse.click(box["x"] + frac * box["width"], box["y"] + box["height"] / 2)
    after = {"frames": player.evaluate(_VISIBLE_FRAMES), "label": player.locator(".nnlab-value").inner_text(),
             "value": int(slider.input_value())}
    return {"before": before, "after": after}


@pytest.fixture(scope="module")
def visits(site, server, browser) -> dict:
    """Load every page once (other hosts blocked) and record what each check needs."""
    lectures = lecture_pages(site)
    shots = dict(SCREENSHOT_PAGES, site_lecture=lectures[0] if lectures else None)
    out = {}
    for rel in pages(site):
        v = PageVisit(browser, server + rel)
        try:
            page = v.page
            rec = {"math": page.evaluate(_MATH), "bad_images": page.evaluate(_BAD_IMAGES),
                   "links": page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)")}
            for name, shot_rel in shots.items():
                if shot_rel == rel:  # the whole page if it is short enough to read, else its first screen
                    full = page.evaluate("document.documentElement.scrollHeight") <= 3000
                    page.screenshot(path=str(screenshot_path(name)), full_page=full)
            if rel in lectures:
                rec["slider"] = _move_first_slider(page)
                if rec["slider"] and not any(r.get("slider") for r in out.values()):  # the first one moved
                    page.screenshot(path=str(screenshot_path("site_slider_moved")))
            rec.update(blocked=list(v.blocked), failed=list(v.failed), errors=list(v.errors))
        finally:
            v.close()
        out[rel] = rec
    return out


def test_every_page_offline_without_errors(site, visits):
    """No request to another host, no failed request, no console error, math rendered, images loaded."""
    assert any(p.startswith("notebooks/") for p in visits), "the site has no lecture pages"
    assert "glossary.html" in visits
    problems, math_pages = [], 0
    for rel, r in visits.items():
        if r["math"]["n"]:
            math_pages += 1
            if r["math"]["bad"] or not r["math"]["mjx"]:
                problems.append(f"{rel}: math not rendered: {r['math']['bad'][:3]}")
        problems += [f"{rel}: image not loaded: {s}" for s in r["bad_images"]]
        problems += [f"{rel}: blocked request to another host: {u}" for u in r["blocked"]]
        problems += [f"{rel}: failed request: {u}" for u in r["failed"]]
        problems += [f"{rel}: {e}" for e in r["errors"]]
    assert not problems, "\n".join(problems)
    assert math_pages >= 1, "no page has math: the lecture notebooks should have some"


def _ids(path: Path) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', path.read_text(encoding="utf-8", errors="replace")))


def test_no_broken_internal_link(site, server, visits):
    """Every link to this site points to a file that exists, and to an id on that page."""
    broken, checked, ids = [], 0, {}
    for rel, r in visits.items():
        for href in r["links"]:
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
    assert checked > 50, f"only {checked} internal links found: is the site complete?"
    assert not broken, "broken internal links:\n" + "\n".join(sorted(set(broken)))


def test_kernel_free_slider_changes_the_figure(site, visits):
    """Moving the first frame player of each lecture page shows another frame (a different PNG)."""
    moved = {rel: r["slider"] for rel, r in visits.items() if r.get("slider")}
    assert moved, "no lecture page has a kernel-free slider (.nnlab-static-slider)"
    for rel, m in moved.items():
        b, a = m["before"], m["after"]
        assert len(b["frames"]) == 1 and len(a["frames"]) == 1, f"{rel}: expected one visible frame: {m}"
        assert a["value"] != b["value"], f"{rel}: the range input did not move"
        assert a["frames"][0] != b["frames"][0], f"{rel}: the slider moved but the figure did not change"
        assert a["label"] != b["label"], f"{rel}: the value label did not change"


def test_lecture_pages_link_live_and_screenshots(site, visits):
    """Each lecture page links to open it live (JupyterHub or Binder); three screenshots were saved."""
    missing = []
    for rel in lecture_pages(site):
        stem = Path(rel).stem
        live = [h for h in visits[rel]["links"]
                if re.match(r"https?://", h) and ("git-pull" in h or "/v2/" in h) and f"{stem}.ipynb" in h]
        if not live:
            missing.append(f"{rel}: no JupyterHub/Binder link to {stem}.ipynb")
    assert not missing, "\n".join(missing)
    for name in SCREENSHOT_PAGES:
        assert screenshot_path(name).stat().st_size > 10_000, name


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
