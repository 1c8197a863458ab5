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
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from browserlib import ROOT, is_local, launch, require_browser, screenshot_path

pytestmark = [pytest.mark.browser, pytest.mark.slow]

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
RUN_TIMEOUT_S = 120  # per notebook; they are written to run in <= 20 s
# The news prompt is switched off by the course's lab/overrides.json (installed by the Makefile),
# not here: test_no_jupyter_news_prompt checks that students never see it.
SETTINGS = {
    # never write the notebooks under test (the test runs them in the repository itself)
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # keep every cell in the DOM so the test can read all prompts and outputs
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(base: str, token: str, path: str, method: str = "GET"):
    req = urllib.request.Request(base + path, method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        body = r.read()
    return json.loads(body) if body else None


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """(base_url, token) of a JupyterLab serving the repository; killed at the end."""
    require_browser()  # skip before starting anything if there is no browser
    tmp = tmp_path_factory.mktemp("lab")
    for rel, value in SETTINGS.items():
        f = tmp / "settings" / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(value))
    port, token = _free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           f"--ServerApp.token={token}", f"--ServerApp.root_dir={ROOT}",
           f"--LabApp.user_settings_dir={tmp / 'settings'}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
           # window.jupyterapp: open and close notebooks without reloading JupyterLab each time
           "--LabApp.expose_app_in_browser=True"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(tmp / "jupyterlab.log", "w")
    before = {p: p.read_bytes() for p in NOTEBOOKS}
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                _api(base, token, "/api/status")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n" + (tmp / "jupyterlab.log").read_text()[-3000:])
                time.sleep(0.3)
        yield base, token
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)  # the server and the kernels it started
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=5)
        log.close()
        # Autosave is off; if a notebook was written anyway, put it back and say so.
        changed = [p for p, data in before.items() if not p.exists() or p.read_bytes() != data]
        for p in changed:
            p.write_bytes(before[p])
        assert not changed, f"JupyterLab modified {[p.name for p in changed]} (restored)"


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
        page.goto(f"{base}/lab/workspaces/nnlab-test/tree/notebooks?reset&token={token}", wait_until="domcontentloaded")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=90_000)
        page.evaluate("() => window.jupyterapp.restored")
        yield Lab(page)
        context.close()
        b.close()


_CELLS_DONE = """() => {
    const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
    const prompts = cells.map(c => (c.querySelector('.jp-InputArea-prompt') || {}).textContent || '');
    const status = (document.querySelector('.jp-Notebook-ExecutionIndicator') || {dataset: {}}).dataset.status;
    return {n: cells.length, done: prompts.filter(p => /\\[\\d+\\]/.test(p)).length, prompts, status};
}"""

# The toolbar indicator says "idle" before a kernel exists, and Run All then does nothing:
# wait for the notebook's own kernel to be connected and idle.
_KERNEL_READY = """() => {
    const w = window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}"""

_OPEN = """async (path) => {
    const w = await window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'Notebook'});
    await w.context.ready;
    await w.sessionContext.ready;
    return w.context.path;
}"""

# Close without the "save your changes?" dialog: the test never writes the notebooks.
_CLOSE_ALL = """() => {
    for (const w of [...window.jupyterapp.shell.widgets('main')]) {
        if (w.context && w.context.model) { w.context.model.dirty = false; }
        w.dispose();
    }
}"""

_ERRORS = """() => [...document.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map(e => e.textContent)
    .filter(t => /Traceback|\\w*Error\\b/.test(t))
    .map(t => t.slice(0, 1500))"""


def _shutdown_kernels(base: str, token: str) -> None:
    for session in _api(base, token, "/api/sessions") or []:
        _api(base, token, f"/api/sessions/{session['id']}", method="DELETE")


NEWS_PROMPT = "official Jupyter news"  # "Would you like to get notified about official Jupyter news?"


def test_no_jupyter_news_prompt(lab, lab_page):
    """A fresh JupyterLab does not ask about Jupyter news (its toast covered the figures): the
    course's lab/overrides.json, installed into the environment by `make lab`/`make dev`, says never."""
    installed = Path(sys.prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    assert installed.is_file() and json.loads(installed.read_text()) == \
        json.loads((ROOT / "lab" / "overrides.json").read_text()), \
        f"{installed} is missing or differs from lab/overrides.json: run `make dev` (the Makefile installs it)"
    base, token = lab
    setting = _api(base, token, "/lab/api/settings/@jupyterlab/apputils-extension:notification")
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
        rel = notebook.relative_to(ROOT).as_posix()
        assert page.evaluate(_OPEN, rel) == rel
        page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
        page.wait_for_function(_KERNEL_READY, timeout=90_000)

        page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()

        deadline = time.monotonic() + RUN_TIMEOUT_S
        while True:
            state = page.evaluate(_CELLS_DONE)
            settled = state["status"] == "idle" and not any("*" in p for p in state["prompts"]) \
                and page.evaluate(_KERNEL_READY)
            if settled and state["n"] and state["done"] == state["n"]:
                break
            if settled and page.evaluate(_ERRORS):  # Run All stops at an error: report it now
                break
            if time.monotonic() > deadline:
                page.screenshot(path=str(shot))
                pytest.fail(f"{notebook.name}: cells did not finish within {RUN_TIMEOUT_S} s: {state}")
            page.wait_for_timeout(250)

        errors = page.evaluate(_ERRORS)
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
        page.evaluate(_CLOSE_ALL)
        _shutdown_kernels(base, token)
