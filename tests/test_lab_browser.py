"""Every lecture notebook runs in JupyterLab in a real browser, and its first slider redraws.

Starts JupyterLab from this Python's environment (a free port, a token, the repository as
root, fresh user settings), checks that the "official Jupyter news" prompt never appears, then for each notebooks/*.ipynb: opens it in Debian's
headless Chromium (other hosts blocked), runs Run -> Run All Cells, waits for every cell to
finish and the kernel to be idle, checks that no output is an error, drags the first slider
handle and checks that the figure in the same widget box changed. Screenshots go to
build/screenshots/lab_<notebook>.png. The JupyterLab process group is always killed.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from browserlib import ROOT, is_local, launch, require_browser, screenshot_path
from labdriver import NOTEBOOKS, LabError, api, close_all, load_lab_page, open_and_run_all, running_jupyterlab

pytestmark = [pytest.mark.browser, pytest.mark.slow]

RUN_TIMEOUT_S = 300  # per notebook; most run in <= 20 s, 06 and 07 (many seeds) in <= 90 s on a quiet machine
# The news prompt is switched off by the course's lab/overrides.json (installed by the Makefile),
# not by labdriver.SETTINGS: test_no_jupyter_news_prompt checks that students never see it.


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """(base_url, token) of a JupyterLab serving the repository; killed at the end."""
    require_browser()  # skip before starting anything if there is no browser
    try:
        with running_jupyterlab(tmp_path_factory.mktemp("lab")) as (base, token):
            yield base, token
    except LabError as e:
        pytest.fail(str(e))


class Lab:
    """One JupyterLab page for all notebooks (loading JupyterLab takes seconds; switching notebooks
    inside it does not). Requests to other hosts are recorded in `blocked` (Chromium resolves no
    other host, see browserlib.OFFLINE_ARGS; Playwright routing would switch the HTTP cache off)."""

    def __init__(self, page):
        self.page, self.blocked, self.errors = page, [], []
        page.on("request", lambda r: None if is_local(r.url) else self.blocked.append(r.url))
        page.on("pageerror", lambda e: self.errors.append(str(e)))


@pytest.fixture(scope="module")
def lab_page(lab):
    base, token = lab
    sync_playwright, chromium = require_browser()
    with sync_playwright() as p:
        b = launch(p, chromium)
        context = b.new_context(viewport={"width": 1280, "height": 1000})
        page = context.new_page()
        # a fresh workspace: nothing restored from an earlier session
        load_lab_page(page, base, token)
        yield Lab(page)
        context.close()
        b.close()


NEWS_PROMPT = "official Jupyter news"  # "Would you like to get notified about official Jupyter news?"


def test_no_jupyter_news_prompt(lab, lab_page):
    """A fresh JupyterLab does not ask about Jupyter news (its toast covered the figures): the
    course's lab/overrides.json, installed into the environment by `make lab`/`make dev`, says never."""
    installed = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert installed.is_file() and json.loads(installed.read_text()) == \
        json.loads((ROOT / "lab" / "overrides.json").read_text()), \
        f"{installed} is missing or differs from lab/overrides.json: run `make dev` (the Makefile installs it)"
    base, token = lab
    setting = api(base, token, "/lab/api/settings/@jupyterlab/apputils-extension:notification")
    # overrides.json changes the schema's default; a user's own setting would win over it
    fetch_news = setting["settings"].get("fetchNews", setting["schema"]["properties"]["fetchNews"]["default"])
    assert fetch_news == "false", setting["schema"]["properties"]["fetchNews"]
    page = lab_page.page
    page.wait_for_timeout(4000)  # the prompt is a toast shown shortly after start-up
    shown = page.get_by_text(NEWS_PROMPT).count()
    if shown:
        page.screenshot(path=str(screenshot_path("lab_news_prompt")))
    assert not shown, f"JupyterLab shows the news prompt ({NEWS_PROMPT!r}): see build/screenshots/lab_news_prompt.png"


@pytest.mark.skipif(not NOTEBOOKS, reason="no notebooks/*.ipynb yet")
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_in_jupyterlab_and_slider_redraws(lab, lab_page, notebook: Path):
    base, token = lab
    meta = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    assert meta.get("kernelspec", {}).get("name"), \
        f"{notebook.name} has no kernelspec metadata: JupyterLab would block on a 'Select Kernel' dialog"

    page = lab_page.page
    lab_page.blocked.clear()
    lab_page.errors.clear()
    shot = screenshot_path(f"lab_{notebook.stem}")
    try:
        try:
            errors = open_and_run_all(page, notebook, RUN_TIMEOUT_S)
        except LabError as e:
            page.screenshot(path=str(shot))
            pytest.fail(str(e))
        assert not errors, f"{notebook.name}: error output(s) in JupyterLab:\n" + "\n---\n".join(errors)

        handle = page.locator(".widget-slider .noUi-handle").first
        handle.wait_for(timeout=15_000)
        handle.scroll_into_view_if_needed()
        box_widget = handle.locator("xpath=ancestor::div[contains(concat(' ', normalize-space(@class), ' '), ' widget-vbox ')][1]")
        img = box_widget.locator("img").first
        img.wait_for(timeout=15_000)
        src_before = img.get_attribute("src")
        hb = handle.bounding_box()
        x, y = hb["x"] + hb["width"] / 2, hb["y"] + hb["height"] / 2
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 60, y, steps=6)
        page.mouse.move(x + 120, y, steps=6)
        page.mouse.up()
        try:
            page.wait_for_function("([el, before]) => el.getAttribute('src') !== before",
                                   arg=[img.element_handle(), src_before], timeout=15_000)
        except Exception:
            page.screenshot(path=str(shot))
            pytest.fail(f"{notebook.name}: dragging the first slider did not change its figure")
        page.wait_for_timeout(300)
        page.screenshot(path=str(shot))
        assert img.get_attribute("src") != src_before
        assert not lab_page.blocked, f"{notebook.name}: requests to other hosts: {lab_page.blocked}"
        assert not lab_page.errors, f"{notebook.name}: JavaScript errors: {lab_page.errors}"
    finally:
        close_all(page, base, token)
