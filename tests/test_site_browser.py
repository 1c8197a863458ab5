"""The built course site works offline in a real browser (Debian's headless Chromium).

Builds the site first if _build/html is missing or older than its sources, serves it on
localhost, blocks every other host, loads every page and checks: no failed or blocked request,
no console error, math rendered by the local MathJax and no raw TeX ($, \\odot, \\frac) left in
the text, every image loaded, no broken internal link, a kernel-free slider that changes its
figure and a note saying what it sweeps, launch buttons only for a real repository, and at phone
width (390 px) tables whose words stay whole. All of it on both languages: the English site and the
繁體中文 one in zh_TW/ (same pages, each linked to the other, <html lang> set, search working in
each). Screenshots go to build/screenshots/.
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
import yaml

from browserlib import ROOT, block_other_hosts, launch, require_browser, screenshot_path

pytestmark = pytest.mark.browser

SITE = ROOT / "_build" / "html"
SOURCES = ["docs", "notebooks", "exercises", "book", "locales"]
OTHER = "zh_TW/"  # the Chinese site's folder
SCREENSHOT_PAGES = {"site_home": "docs/index.html", "site_lecture": None, "site_glossary": "glossary.html"}
PHONE = {"width": 390, "height": 844}  # a phone held upright (CSS pixels)
PHONE_SCREENSHOTS = {"site_phone_glossary": "glossary.html", "site_phone_01": "notebooks/01_neuron.html",
                     "site_phone_04": "notebooks/04_backpropagation.html"}


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
                  if not set(p.relative_to(site).parts[:2]) & set(skip))


def lecture_pages(site: Path) -> list[str]:
    """The lecture pages of both languages."""
    return [p for p in pages(site) if p.startswith(("notebooks/", OTHER + "notebooks/"))]


def goto(page, url: str) -> None:
    """Open url and wait for its load event (following Jupyter Book's redirect at the root)."""
    page.goto(url, wait_until="load")
    if urlsplit(url).path in ("/index.html", f"/{OTHER}index.html"):  # <meta http-equiv="Refresh" content="0; url=docs/index.html">
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
# Text a reader sees that still holds TeX: a $ or a TeX command such as \\odot or \\frac outside
# code and outside what MathJax typeset (MyST leaves $$ on a list item's continuation line as text).
_RAW_TEX = r"""() => {
    const skip = 'pre, code, script, style, textarea, mjx-container, .MathJax, .highlight, .output';
    const out = [];
    const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const el = n.parentElement;
        if (!el || el.closest(skip) || !el.checkVisibility()) continue;
        const m = n.textContent.match(/\$|\\[A-Za-z]{2,}/);
        if (m) out.push(n.textContent.slice(Math.max(0, m.index - 30), m.index + 40).replace(/\s+/g, ' '));
    }
    return out;
}"""
# Each kernel-free player and the text of the first slider note after it (null if none).
_SLIDER_NOTES = """() => [...document.querySelectorAll('.nnlab-static-slider')].map(p => {
    const labels = [...p.querySelectorAll('label')].map(l => l.firstChild.textContent.trim());
    const note = [...document.querySelectorAll('.nnlab-slider-note')]
        .find(n => p.compareDocumentPosition(n) & Node.DOCUMENT_POSITION_FOLLOWING);
    const next = [...document.querySelectorAll('.nnlab-static-slider')]
        .find(q => p.compareDocumentPosition(q) & Node.DOCUMENT_POSITION_FOLLOWING);
    const before_next = note && !(next && (next.compareDocumentPosition(note) & Node.DOCUMENT_POSITION_FOLLOWING));
    return {labels, note: before_next ? note.innerText : null};
})"""
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
    slider = player.locator("input[type=range]").first
    value = player.locator(".nnlab-value").first
    before = {"frames": player.evaluate(_VISIBLE_FRAMES), "label": value.inner_text(),
              "value": int(slider.input_value())}
    box = slider.bounding_box()
    frac = 0.05 if before["value"] > int(slider.get_attribute("max")) / 2 else 0.95
    page.mouse.click(box["x"] + frac * box["width"], box["y"] + box["height"] / 2)
    after = {"frames": player.evaluate(_VISIBLE_FRAMES), "label": value.inner_text(),
             "value": int(slider.input_value())}
    return {"before": before, "after": after}


def _move_second_control(page) -> dict | None:
    """On the first player with two or more controls, move the second one (pick another menu entry,
    or click near the far end of a range input); return the control and the frames before and after."""
    players = page.locator(".nnlab-static-slider")
    for i in range(players.count()):
        player = players.nth(i)
        controls = player.locator(".nnlab-control")
        if controls.count() < 2:
            continue
        player.scroll_into_view_if_needed()
        ctrl = controls.nth(1)
        before = player.evaluate(_VISIBLE_FRAMES)
        if ctrl.evaluate("e => e.tagName") == "SELECT":
            n, now = ctrl.evaluate("e => [e.options.length, e.selectedIndex]")
            ctrl.select_option(index=(now + 1) % n)
        else:
            box = ctrl.bounding_box()
            frac = 0.05 if int(ctrl.input_value()) > int(ctrl.get_attribute("max")) / 2 else 0.95
            page.mouse.click(box["x"] + frac * box["width"], box["y"] + box["height"] / 2)
        return {"control": ctrl.get_attribute("data-key"), "before": before,
                "after": player.evaluate(_VISIBLE_FRAMES)}
    return None


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
                   "raw_tex": page.evaluate(_RAW_TEX), "slider_notes": page.evaluate(_SLIDER_NOTES),
                   "links": page.evaluate("() => [...document.querySelectorAll('a[href]')].map(a => a.href)"),
                   "lang": page.evaluate("document.documentElement.lang"),
                   "switch": page.evaluate("() => [...document.querySelectorAll('a.nnlab-lang-link')]"
                                           ".map(a => [a.href, a.getAttribute('hreflang'), a.innerText])")}
            for name, shot_rel in shots.items():
                if shot_rel == rel:  # the whole page if it is short enough to read, else its first screen
                    full = page.evaluate("document.documentElement.scrollHeight") <= 3000
                    page.screenshot(path=str(screenshot_path(name)), full_page=full)
            if rel in lectures:
                rec["slider"] = _move_first_slider(page)
                rec["second"] = _move_second_control(page)
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


def test_no_raw_tex_in_any_page(visits):
    """Every formula is typeset: no page shows a $ or a TeX command (\\odot, \\frac, ...) as text."""
    raw = [f"{rel}: ...{t}..." for rel, r in visits.items() for t in r["raw_tex"]]
    assert not raw, "raw TeX on the site (display math on a list item's continuation line?):\n" + "\n".join(raw)


def test_every_kernel_free_slider_says_what_it_shows(visits):
    """Under each frame player the site says which control it sweeps (the live notebook may have more)."""
    players = [(rel, p) for rel, r in visits.items() for p in r["slider_notes"]]
    assert players, "no kernel-free slider on the site"
    bad = [f"{rel}: player for {p['labels']!r}: note {p['note']!r}" for rel, p in players
           if not p["note"] or any(f"`{k}`" not in p["note"] and k not in p["note"] for k in p["labels"])]
    assert not bad, "\n".join(bad)


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


def test_second_control_of_a_static_player_changes_the_figure(visits):
    """A player with several controls (01's w, b and kind; 02's param and fn): moving the second one
    shows another frame."""
    moved = {rel: r["second"] for rel, r in visits.items() if r.get("second")}
    assert any("01_neuron" in rel for rel in moved), f"01 has no player with two controls: {sorted(moved)}"
    for rel, m in moved.items():
        assert len(m["before"]) == 1 and len(m["after"]) == 1, f"{rel}: expected one visible frame: {m}"
        assert m["after"][0] != m["before"][0], f"{rel}: moving {m['control']!r} did not change the figure"


def built_repository_url() -> str:
    """repository.url of the configuration the site was built with (book/build.py stages it)."""
    cfg = yaml.safe_load((ROOT / "build" / "site-src" / "_config.yml").read_text(encoding="utf-8"))
    return (cfg.get("repository") or {}).get("url") or ""


def _is_live(href: str) -> bool:
    return bool(re.match(r"https?://", href)) and ("git-pull" in href or "/v2/" in href)


def test_lecture_pages_link_live_and_screenshots(site, visits):
    """With a real repository.url (make site REPO_URL=...) each lecture page links to open it live
    (JupyterHub or Binder); with the OWNER placeholder no page links live or to the placeholder.
    Three screenshots were saved."""
    repo = built_repository_url()
    if not repo or "/OWNER" in repo:
        bad = [f"{rel}: {h}" for rel, r in visits.items() for h in r["links"] if _is_live(h) or "/OWNER/" in h]
        assert not bad, "links to the placeholder repository:\n" + "\n".join(bad)
    else:
        missing = []
        for rel in lecture_pages(site):
            stem = Path(rel).stem
            if not [h for h in visits[rel]["links"] if _is_live(h) and f"{stem}.ipynb" in h]:
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


# Words in table cells that the browser broke across lines: each whitespace-separated word (a run
# of Chinese characters is one word; a hyphen or slash may end a line) must sit on one line.
_BROKEN_WORDS = r"""() => {
    const out = [];
    for (const cell of document.querySelectorAll('main table td, main table th')) {
        if (!cell.checkVisibility()) continue;
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
            if (n.parentElement.closest('mjx-container, pre, code')) continue;
            const re = /[^\s\-\/]+[\-\/]?/g;
            for (let m = re.exec(n.textContent); m; m = re.exec(n.textContent)) {
                const word = m[0].replace(/[\-\/]$/, '');
                if (word.length < 2) continue;
                const r = document.createRange();
                r.setStart(n, m.index); r.setEnd(n, m.index + word.length);
                const tops = new Set([...r.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top)));
                if (tops.size > 1) out.push(`${word} (in "${cell.innerText.slice(0, 40).replace(/\s+/g, ' ')}")`);
            }
        }
    }
    return out;
}"""


def test_phone_width_tables_keep_words_whole(site, server, browser):
    """At 390 px the glossary and every lecture's key-terms table keep each word (and each Chinese
    term) on one line: no cell narrower than its longest word. Screenshots: site_phone_*.png."""
    assert PHONE_SCREENSHOTS["site_phone_glossary"] in pages(site)
    problems, tables = [], 0
    # English pages only: Chinese text has no spaces and may wrap between any two characters.
    for rel in ["glossary.html"] + [p for p in lecture_pages(site) if not p.startswith(OTHER)]:
        context = browser.new_context(viewport=PHONE, device_scale_factor=1)
        block_other_hosts(context, [])
        try:
            page = context.new_page()
            goto(page, server + rel)
            page.evaluate("() => (window.MathJax && MathJax.startup && MathJax.startup.promise) ? "
                          "MathJax.startup.promise.then(() => true) : false")
            tables += page.locator("main table").count()
            problems += [f"{rel}: {w}" for w in page.evaluate(_BROKEN_WORDS)]
            for name, shot_rel in PHONE_SCREENSHOTS.items():
                if shot_rel == rel:  # the key-terms table (or the glossary's first screens)
                    page.evaluate("() => { document.querySelector('.nnlab-key-terms, table.nnlab-glossary')"
                                  ".scrollIntoView(); window.scrollBy(0, -70); }")  # below the page header
                    page.wait_for_timeout(200)
                    page.screenshot(path=str(screenshot_path(name)))
        finally:
            context.close()
    assert tables >= 8, f"only {tables} tables on the glossary and lecture pages"
    assert not problems, "words broken across lines at 390 px:\n" + "\n".join(problems[:40])
    for name in PHONE_SCREENSHOTS:
        assert screenshot_path(name).stat().st_size > 10_000, name


def test_both_languages_have_the_same_pages_linked_to_each_other(site, visits):
    """Every English page has its 繁體中文 twin in zh_TW/ and the reverse; each links to the other with
    hreflang, and <html lang> is en or zh-TW."""
    english = [p for p in visits if not p.startswith(OTHER) and p != "index.html"]
    chinese = [p for p in visits if p.startswith(OTHER) and p != OTHER + "index.html"]
    assert len(chinese) >= 15, f"the Chinese site has only {len(chinese)} pages"
    assert sorted(OTHER + p for p in english) == sorted(chinese), "the two languages have different pages"
    problems = []
    for rel in english + chinese:
        r = visits[rel]
        zh = rel.startswith(OTHER)
        twin = rel[len(OTHER):] if zh else OTHER + rel
        want_lang = "zh-TW" if zh else "en"
        if r["lang"] != want_lang:
            problems.append(f"{rel}: <html lang={r['lang']!r}>, expected {want_lang}")
        if Path(rel).name in ("search.html", "genindex.html"):  # Sphinx's generated pages have no article to link from
            continue
        if not [h for h, lang, _ in r["switch"] if h.endswith("/" + twin) and lang == ("en" if zh else "zh-TW")]:
            problems.append(f"{rel}: no link to {twin} ({r['switch']})")
    assert not problems, "\n".join(problems)


def test_chinese_pages_are_in_chinese(site):
    """The Chinese lecture and homework pages show Chinese prose (their headings too), with the same code."""
    for rel in [p for p in pages(site) if p.startswith((OTHER + "notebooks/", OTHER + "exercises/hw"))]:
        html = (site / rel).read_text(encoding="utf-8")
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
        assert re.search(r"[\u3400-\u9fff]", h1), f"{rel}: title not in Chinese: {h1[:80]!r}"
        # paragraphs of prose (outside tables, with a few English words once math, code and tags are gone;
        # not the students' answer cells): each has Chinese in it
        body = re.sub(r"<table.*?</table>", "", html, flags=re.S)
        prose = [t for t in re.findall(r"<p>(.*?)</p>", body, re.S) if "YOUR ANSWER HERE" not in t
                 and (re.search(r"[\u3400-\u9fff]", t) or len(re.findall(r"[A-Za-z]{2,}", re.sub(
                     r'<span class="math[^>]*>.*?</span>|<code.*?</code>|<[^>]+>', " ", t, flags=re.S))) >= 3)]
        english = [t for t in prose if not re.search(r"[\u3400-\u9fff]", t)]
        assert len(prose) >= 3 and not english, f"{rel}: {len(english)} of {len(prose)} paragraphs not in Chinese: {english[:2]}"
        en_code = re.findall(r'<div class="highlight-ipython3 notranslate">.*?</pre>', (site / rel[len(OTHER):]).read_text(encoding="utf-8"), re.S)
        zh_code = re.findall(r'<div class="highlight-ipython3 notranslate">.*?</pre>', html, re.S)
        assert en_code == zh_code, f"{rel}: the code differs from the English page"


@pytest.mark.parametrize("lang,query,expect", [("", "backpropagation", "notebooks/04_backpropagation"),
                                               (OTHER, "反向傳播", "notebooks/04_backpropagation"),
                                               (OTHER, "梯度下降", "notebooks/03_gradient_descent")])
def test_search_finds_pages_in_each_language(server, browser, lang, query, expect):
    """Sphinx's search on each site (the Chinese index is cut into words by jieba with the course's terms)."""
    context = browser.new_context()
    blocked = []
    block_other_hosts(context, blocked)
    try:
        page = context.new_page()
        page.goto(f"{server}{lang}search.html?q={query}", wait_until="load")
        page.wait_for_selector("#search-results li", timeout=20_000)
        hrefs = page.evaluate("() => [...document.querySelectorAll('#search-results li a')].map(a => a.href)")
        assert any(expect in h and (lang in h) for h in hrefs), (query, hrefs[:10])
        if lang:
            assert all(f"/{OTHER}" in h for h in hrefs), "a Chinese search result leads to the English site"
            page.screenshot(path=str(screenshot_path("site_zh_search")))
        assert not blocked
    finally:
        context.close()


def test_chinese_homework_downloads_are_chinese(site):
    """The Chinese homework pages offer the Chinese notebook (the one tools/i18n.py writes)."""
    hw_pages = sorted(p for p in pages(site) if p.startswith(OTHER + "exercises/hw"))
    assert len(hw_pages) == len(list((ROOT / "exercises").glob("*/*.ipynb")))
    for rel in hw_pages:
        html = (site / rel).read_text(encoding="utf-8")
        name = Path(rel).stem + ".ipynb"
        m = re.search(r'href="([^"]*_downloads/[^"]*/' + re.escape(name) + ')"', html)
        assert m, f"{rel}: no download link to {name}"
        text = (site / rel).parent.joinpath(m.group(1)).resolve().read_text(encoding="utf-8")
        assert '"nnlab_translation"' in text and '"zh_TW"' in text, f"{rel}: the download is not the Chinese notebook"
