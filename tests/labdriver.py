"""Start a JupyterLab for the repository and drive it in Chromium: shared by
tests/test_lab_browser.py and benchmarks/bench_lab_sliders.py.

`running_jupyterlab(tmp)` starts JupyterLab from this Python's environment (a free port, a
token, the repository as root, fresh user settings), yields (base_url, token), and always
kills its process group; notebooks it changed are restored and reported. `open_and_run_all`
opens a notebook in an already loaded JupyterLab page, runs Run -> Run All Cells and waits
until every cell has finished.
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
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
SETTINGS = {
    # never write the notebooks under test (they run in the repository itself)
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    # keep every cell in the DOM so that all prompts and outputs can be read
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
}


class LabError(RuntimeError):
    """JupyterLab did not start, or a notebook did not run in it."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base: str, token: str, path: str, method: str = "GET"):
    req = urllib.request.Request(base + path, method=method, headers={"Authorization": f"token {token}"})
    with urllib.request.urlopen(req, timeout=10) as r:
        body = r.read()
    return json.loads(body) if body else None


@contextmanager
def running_jupyterlab(tmp: Path, root: Path = ROOT, settings: dict | None = None):
    """(base_url, token) of a JupyterLab serving root (the repository); killed at the end.
    settings: more user settings ({file: value}), e.g. the interface language.

    Raises LabError if it does not start, or (at the end) if it changed a notebook (restored).
    """
    for rel, value in {**SETTINGS, **(settings or {})}.items():
        f = tmp / "settings" / rel
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(value))
    port, token = free_port(), secrets.token_hex(16)
    cmd = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
           f"--ServerApp.token={token}", f"--ServerApp.root_dir={root}",
           f"--LabApp.user_settings_dir={tmp / 'settings'}", f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
           "--LabApp.expose_app_in_browser=True"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log = open(tmp / "jupyterlab.log", "w")
    # the notebooks under test: the repository's lectures, or every notebook of another served root
    watched = NOTEBOOKS if Path(root) == ROOT else sorted(Path(root).rglob("*.ipynb"))
    before = {p: p.read_bytes() for p in watched}
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                api(base, token, "/api/status")
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise LabError("JupyterLab did not start:\n" + (tmp / "jupyterlab.log").read_text()[-3000:])
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
        changed = [p for p, data in before.items() if not p.exists() or p.read_bytes() != data]
        for p in changed:
            p.write_bytes(before[p])
    if changed:
        raise LabError(f"JupyterLab modified {[p.name for p in changed]} (restored)")


def load_lab_page(page, base: str, token: str, tree: str = "notebooks") -> None:
    """JupyterLab in a fresh workspace, its file browser on tree (a folder under the served root)."""
    page.goto(f"{base}/lab/workspaces/nnlab-test/tree/{tree}?reset&token={token}", wait_until="domcontentloaded")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.shell", timeout=90_000)
    page.evaluate("() => window.jupyterapp.restored")


CELLS_DONE = """() => {
    const cells = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell')];
    const prompts = cells.map(c => (c.querySelector('.jp-InputArea-prompt') || {}).textContent || '');
    const status = (document.querySelector('.jp-Notebook-ExecutionIndicator') || {dataset: {}}).dataset.status;
    return {n: cells.length, done: prompts.filter(p => /\\[\\d+\\]/.test(p)).length, prompts, status};
}"""

KERNEL_READY = """() => {
    const w = window.jupyterapp.shell.currentWidget;
    const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;
    return !!k && k.connectionStatus === 'connected' && k.status === 'idle';
}"""

OPEN = """async (path) => {
    const w = await window.jupyterapp.commands.execute('docmanager:open', {path, factory: 'Notebook'});
    await w.context.ready;
    await w.sessionContext.ready;
    return w.context.path;
}"""

CLOSE_ALL = """() => {
    for (const w of [...window.jupyterapp.shell.widgets('main')]) {
        if (w.context && w.context.model) { w.context.model.dirty = false; }
        w.dispose();
    }
}"""

ERRORS = """() => [...document.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map(e => e.textContent)
    .filter(t => /Traceback|\\w*Error\\b/.test(t))
    .map(t => t.slice(0, 1500))"""


def open_and_run_all(page, notebook: Path, timeout_s: float, root: Path = ROOT,
                     menu: tuple[str, str] = ("Run", "Run All Cells")) -> list[str]:
    """Open notebook (under root), Run All Cells from the menu (its labels, as regular expressions, in the
    interface's language),
    wait until all cells ran; returns the error outputs (empty if none).

    Raises LabError if the cells do not finish within timeout_s.
    """
    rel = notebook.relative_to(root).as_posix()
    if page.evaluate(OPEN, rel) != rel:
        raise LabError(f"JupyterLab did not open {rel}")
    page.locator(".jp-NotebookPanel .jp-Notebook .jp-Cell").first.wait_for(timeout=60_000)
    page.wait_for_function(KERNEL_READY, timeout=90_000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^(?:{menu[0]})$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^(?:{menu[1]})$")).click()
    deadline = time.monotonic() + timeout_s
    while True:
        state = page.evaluate(CELLS_DONE)
        settled = state["status"] == "idle" and not any("*" in p for p in state["prompts"]) \
            and page.evaluate(KERNEL_READY)
        if settled and state["n"] and state["done"] == state["n"]:
            break
        if settled and page.evaluate(ERRORS):  # Run All stops at an error: report it now
            break
        if time.monotonic() > deadline:
            raise LabError(f"{notebook.name}: cells did not finish within {timeout_s} s: {state}")
        page.wait_for_timeout(250)
    return page.evaluate(ERRORS)


def close_all(page, base: str, token: str) -> None:
    """Close every open document and shut down every kernel."""
    page.evaluate(CLOSE_ALL)
    for session in api(base, token, "/api/sessions") or []:
        api(base, token, f"/api/sessions/{session['id']}", method="DELETE")
