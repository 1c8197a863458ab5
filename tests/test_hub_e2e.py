"""The course server end to end, in headless Chromium (docs/server.md).

On this machine, as root: a JupyterHub (hub/, `make hub`) on free 127.0.0.1 ports with a
roster of three test students (Unix accounts `nnlabtest-s1..s3`, removed at the end and at the
start of the next run). The instructor releases hw1; each student logs in through the hub's
login page, runs notebook 01, opens the Assignments tab, fetches hw1, answers it (s1 all correct,
s2 two questions, s3 nothing), validates and submits; the instructor collects, grades with the
sandboxed grader and returns feedback; each student fetches their own feedback and no other's;
a student who opens another's server, files or the course folder is refused.

Screenshots: build/screenshots/hub-e2e/*.png, one per step (emptied at the start; the list is printed).

Where it cannot run (not Linux or not root, no bwrap, npm, chromium or playwright) it skips with
the reason; with CI set (or NNLAB_REQUIRE_HUB=1 / NNLAB_REQUIRE_BROWSER=1) that is a failure.

What the browser does and what goes through an API: logging in, running notebook 01, opening
the Assignments tab and reading the feedback are clicks and pages in Chromium. Fetch, validate,
submit and fetch-feedback are the same POSTs the Assignments tab's buttons send
(`/assignments/fetch` ...), sent from the student's own page with their session; the answers are
written with the Contents API (typing code into cells is slow and tests JupyterLab, not the course).
The instructor's side is the command line (`make hub-release` ... as root), as in docs/server.md.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from browserlib import ROOT, SCREENSHOTS, launch, require_browser
from hub import accounts
from labdriver import KERNEL_READY as _KERNEL_READY, OPEN as _OPEN, LabError, open_and_run_all

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PREFIX = "nnlabtest-"
HUB_DIR = ROOT / "build" / "hub-e2e"
STUDENTS = {"s1": "correct", "s2": "partial", "s3": "blank"}
PASSWORD = "nnlab-e2e-Pw1"  # test accounts only, removed at the end
PARTIAL = {"sigmoid_prime", "relu_prime"}  # 1 visible + 1 hidden point each: 4 of 15
EXPECTED = {"s1": 15.0, "s2": 4.0, "s3": 0.0}
MAX_SCORE = 15.0
SHOT_DIR = SCREENSHOTS / "hub-e2e"
SHOTS: list[Path] = []


def required() -> str | None:
    """Why this test may not skip here (CI, or asked to), or None."""
    if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
        return "CI is set"
    for var in ("NNLAB_REQUIRE_HUB", "NNLAB_REQUIRE_BROWSER"):
        if os.environ.get(var) == "1":
            return f"{var}=1"
    return None


def cannot_run(why: str):
    must = required()
    if must:
        pytest.fail(f"{why}, and {must}: the course-server test must run here", pytrace=False)
    pytest.skip(f"{why}: skipping the course-server test (docs/server.md says what it needs)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def hub_cli(*args: str, check=True, timeout=600):
    return subprocess.run([sys.executable, "-m", "hub", "--hub-dir", str(HUB_DIR), "--prefix", PREFIX, *args],
                          cwd=ROOT, check=check, timeout=timeout, capture_output=True, text=True)


def remove_test_accounts() -> None:
    """Every account this test may have left (a killed run included), their processes and homes."""
    for p in pwd.getpwall():
        if p.pw_name.startswith(PREFIX):
            accounts.delete_account(p.pw_name, check=False)
    subprocess.run(["groupdel", f"{PREFIX}students"], check=False, capture_output=True)
    for sub in ("home", "exchange", "course", "state"):
        shutil.rmtree(HUB_DIR / sub, ignore_errors=True)


def stop_pidfile(path: Path) -> None:
    try:
        os.kill(int(path.read_text().strip()), signal.SIGTERM)
    except (OSError, ValueError):
        pass


def answers(kind: str) -> dict:
    """hw1 as a student would save it: answer cells from the solution (markers removed)."""
    exercise = json.loads((ROOT / "exercises" / "hw1" / "hw1.ipynb").read_text())
    if kind == "blank":
        return exercise
    solution = json.loads((ROOT / "solutions" / "hw1" / "hw1.ipynb").read_text())
    sol = {c["metadata"]["nbgrader"]["grade_id"]: c for c in solution["cells"]
           if c["metadata"].get("nbgrader", {}).get("solution") and c["cell_type"] == "code"}
    nb = copy.deepcopy(exercise)
    for cell in nb["cells"]:
        gid = cell["metadata"].get("nbgrader", {}).get("grade_id")
        if gid in sol and (kind == "correct" or gid in PARTIAL):
            src = "".join(sol[gid]["source"]).splitlines(keepends=True)
            cell["source"] = [ln for ln in src if "### BEGIN SOLUTION" not in ln and "### END SOLUTION" not in ln]
        elif kind == "correct" and cell["cell_type"] == "markdown" and cell["metadata"].get("nbgrader", {}).get("solution"):
            cell["source"] = ["With p = softmax(z) and C = -log p_y: dC/dz = p - onehot(y), divided by N for the mean."]
    return nb


@pytest.fixture(scope="module")
def hub():
    if sys.platform != "linux" or os.geteuid() != 0:
        cannot_run("the course server needs Linux and root (one Unix account per student)")
    for tool, pkg in (("npm", "npm"), ("useradd", "passwd"), ("chpasswd", "passwd"), ("bwrap", "bubblewrap"),
                      ("runuser", "util-linux")):
        if not shutil.which(tool):
            cannot_run(f"`{tool}` is not installed (apt-get install {pkg})")
    browser = require_browser(cannot_run)
    shutil.rmtree(SHOT_DIR, ignore_errors=True)
    SHOT_DIR.mkdir(parents=True)
    # JupyterHub in .venv, the proxy and the students' venv in HUB_DIR: nothing to do when they are up
    # to date (`.ci/run` makes them before `make test`); a few minutes the first time.
    deps = subprocess.run(["make", "-s", "hub-deps", f"HUB_DIR={HUB_DIR}"], cwd=ROOT, timeout=900,
                          stdin=subprocess.DEVNULL, capture_output=True, text=True)
    if deps.returncode:
        tail = "\n".join((deps.stdout + deps.stderr).strip().splitlines()[-15:])
        cannot_run(f"`make hub-deps` failed (JupyterHub from PyPI, configurable-http-proxy from npm):\n{tail}\n")
    remove_test_accounts()
    roster = HUB_DIR / "roster.csv"
    roster.write_text("id\n" + "".join(f"{s}\n" for s in STUDENTS))
    hub_cli("setup")
    out = hub_cli("sync", str(roster)).stdout
    assert "3 account(s) added" in out, out
    for s in STUDENTS:
        hub_cli("add", s, "--password", PASSWORD)
    port, api, internal = free_port(), free_port(), free_port()
    env = dict(os.environ, NNLAB_HUB_API_PORT=str(api), NNLAB_HUB_INTERNAL_PORT=str(internal),
               NNLAB_SPAWNER_ARGS="--LabApp.expose_app_in_browser=True")
    log = open(HUB_DIR / "hub-e2e.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "hub", "--hub-dir", str(HUB_DIR), "--prefix", PREFIX,
                             "start", "--port", str(port)], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(url + "/hub/api", timeout=2)
                break
            except OSError:
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"the hub did not start; see {HUB_DIR / 'hub-e2e.log'}")
                time.sleep(0.5)
        yield url, browser
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            pass
        try:  # whatever the hub left in its session (the idle culler, a server)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        stop_pidfile(HUB_DIR / "state" / "proxy.pid")
        log.close()
        remove_test_accounts()
        print(f"\nhub e2e screenshots: {', '.join(str(p) for p in SHOTS)}")


def shot(page, name: str) -> None:
    path = SHOT_DIR / f"{len(SHOTS) + 1:02d}-{name}.png"
    page.screenshot(path=str(path))
    SHOTS.append(path)


def api(page, method: str, path: str, body=None) -> tuple[int, str]:
    """A request from the student's page with their session (as the Assignments tab sends it)."""
    return tuple(page.evaluate(
        """async ([method, path, body]) => {
             const xsrf = (document.cookie.match(/_xsrf=([^;]+)/) || [])[1] || '';
             const r = await fetch(path, {method, headers: {'X-XSRFToken': decodeURIComponent(xsrf),
                                   'Content-Type': 'application/json'}, body: body === null ? undefined : JSON.stringify(body)});
             return [r.status, await r.text()];
           }""", [method, path, body]))


def login(page, url: str, user: str) -> None:
    page.goto(url + "/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", PASSWORD)
    page.click("#login_submit")
    page.wait_for_url(f"**/user/{user}/lab**", timeout=120_000)
    page.wait_for_selector(".jp-DirListing-content", timeout=120_000)


def run_notebook_01(page, url: str, user: str) -> None:
    """Run -> Run All Cells on the student's own copy of notebook 01; no cell may end in an error."""
    # every cell in the DOM, so that all prompts can be read (as in test_lab_browser.py)
    status, body = api(page, "PUT", f"/user/{user}/lab/api/settings/@jupyterlab/notebook-extension:tracker",
                       {"raw": json.dumps({"windowingMode": "none"})})
    assert status in (200, 204), body
    page.reload()
    page.wait_for_selector(".jp-DirListing-content", timeout=60_000)
    try:
        errors = open_and_run_all(page, ROOT / "notebooks" / "01_neuron.ipynb", timeout_s=240)
    except LabError as e:
        raise AssertionError(f"{user}: {e}") from None
    assert not errors, f"{user}: error output(s) in notebook 01:\n" + "\n---\n".join(errors)


def open_assignments(page, url: str, user: str) -> None:
    page.goto(f"{url}/user/{user}/lab")
    page.wait_for_selector(".jp-DirListing-content", timeout=60_000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Nbgrader$")).click(timeout=10_000)
    items = page.locator(".lm-Menu-itemLabel").all_inner_texts()
    assert "Formgrader" not in " ".join(items) and "Create Assignment" not in " ".join(items), items
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Assignment List$")).click()
    page.wait_for_timeout(2500)


def probe_code(user: str) -> str:
    """What a curious student tries from their own kernel: another's home and notebook, the instructor's
    course folder and grade table, the exchange's feedback folder (files named by secret hashes)."""
    other = PREFIX + ("s2" if user == PREFIX + "s1" else "s1")
    targets = [("list", HUB_DIR / "home" / other), ("open", HUB_DIR / "home" / other / "notebooks" / "01_neuron.ipynb"),
               ("list", HUB_DIR / "course"), ("open", HUB_DIR / "course" / "grades" / "hw1" / "grades.csv"),
               ("list", HUB_DIR / "exchange" / "nnlab" / "feedback")]
    return ("import os\n"
            f"for how, p in {[(h, str(t)) for h, t in targets]!r}:\n"
            "    try:\n"
            "        os.listdir(p) if how == 'list' else open(p).read(1)\n"
            "        print('READ', p)\n"
            "    except PermissionError:\n"
            "        print('refused', p)\n")


def check_probe(out: str, user: str) -> None:
    assert out.count("refused") == 5 and "READ" not in out, f"{user}: {out}"


def fetch_feedback(page, url: str, user: str, sid: str) -> None:
    """The Assignments tab's Fetch Feedback button; then the page that came back is this student's own."""
    base = f"/user/{user}"
    open_assignments(page, url, user)
    button = page.locator("button", has_text=re.compile(r"^Fetch Feedback$")).first
    button.wait_for(timeout=30_000)
    page.get_by_text("feedback available to fetch").first.wait_for(timeout=30_000)
    shot(page, f"{sid}-feedback-ready")
    button.click()
    deadline = time.monotonic() + 60
    while True:
        status, body = api(page, "GET", base + "/api/contents/hw1/feedback")
        if status == 200 and json.loads(body)["content"]:
            break
        assert time.monotonic() < deadline, f"{user}: no feedback 60 s after Fetch Feedback ({status} {body[:300]})"
        page.wait_for_timeout(500)
    stamps = [c["path"] for c in json.loads(body)["content"]]
    assert len(stamps) == 1, stamps  # one submission, one feedback folder (its timestamp)
    status, body = api(page, "GET", f"{base}/api/contents/{stamps[0]}")
    assert [c["name"] for c in json.loads(body)["content"]] == ["hw1.html"], body
    page.get_by_text("view feedback").first.wait_for(timeout=30_000)  # the tab's own link to the page
    shot(page, f"{sid}-feedback-fetched")
    page.goto(f"{url}{base}/files/{stamps[0]}/hw1.html")
    text = page.inner_text("body")
    m = re.search(r"hw1: ([\d.]+) / ([\d.]+) points", text)
    assert m and float(m.group(1)) == EXPECTED[sid] and float(m.group(2)) == MAX_SCORE, text[:500]
    assert f"Student: {user}" in text, text[:500]
    assert not any(PREFIX + o in text for o in STUDENTS if o != sid), text[:500]
    shot(page, f"{sid}-feedback-page")


def probe_in_browser(page, url: str, user: str, sid: str) -> None:
    """The refusals as a student meets them: a notebook of their own that tries the others' files."""
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "id": "probe", "metadata": {}, "outputs": [],
                     "source": probe_code(user)}],
          "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}},
          "nbformat": 4, "nbformat_minor": 5}
    page.goto(f"{url}/user/{user}/lab")  # back on the student's own server (its XSRF cookie)
    page.wait_for_selector(".jp-DirListing-content", timeout=60_000)
    status, body = api(page, "PUT", f"/user/{user}/api/contents/probe.ipynb",
                       {"type": "notebook", "format": "json", "content": nb})
    assert status in (200, 201), body
    assert page.evaluate(_OPEN, "probe.ipynb") == "probe.ipynb"
    page.wait_for_function(_KERNEL_READY, timeout=90_000)
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(r"^Run All Cells$")).click()
    # the probe's own output (the restored workspace may hold notebook 01's, in a hidden tab)
    out = page.locator(".jp-NotebookPanel:visible .jp-OutputArea-output").first
    out.wait_for(timeout=60_000)
    page.wait_for_function("() => (window.jupyterapp.shell.currentWidget.node.querySelector('.jp-OutputArea-output')"
                           " || {textContent: ''}).textContent.split('\\n').filter(l => l.trim()).length >= 5",
                           timeout=60_000)
    shot(page, f"{sid}-probe-refused")
    check_probe(out.inner_text(), user)


def test_course_server_end_to_end(hub):
    (url, (sync_playwright, chromium)) = hub
    t0 = time.time()
    times = {}
    hub_cli("release", "hw1")  # = make hub-release A=hw1
    assert (HUB_DIR / "exchange" / "nnlab" / "outbound" / "hw1" / "hw1.ipynb").exists()
    with sync_playwright() as p:
        browser = launch(p, chromium)
        try:
            for sid, kind in STUDENTS.items():
                user = PREFIX + sid
                ctx = browser.new_context(viewport={"width": 1280, "height": 800})
                page = ctx.new_page()
                page.goto(url + "/hub/login")
                shot(page, f"{sid}-login")
                login(page, url, user)
                shot(page, f"{sid}-lab")
                run_notebook_01(page, url, user)
                shot(page, f"{sid}-notebook01")
                open_assignments(page, url, user)
                shot(page, f"{sid}-assignments")
                base = f"/user/{user}"
                page.locator("button", has_text=re.compile(r"^Fetch$")).first.click()  # the tab's own button
                page.locator("button", has_text=re.compile(r"^Submit$")).first.wait_for(timeout=60_000)
                shot(page, f"{sid}-fetched")
                status, body = api(page, "PUT", base + "/api/contents/hw1/hw1.ipynb",
                                   {"type": "notebook", "format": "json", "content": answers(kind)})
                assert status == 200, body
                status, body = api(page, "POST", base + "/assignments/validate", {"path": "hw1/hw1.ipynb"})
                assert status == 200, body
                validation = json.loads(body)
                assert validation.get("success"), validation
                if kind == "correct":
                    assert not validation.get("value", {}).get("failed"), validation  # {}: every test passes
                else:
                    assert "failed" in str(validation.get("value")), validation
                open_assignments(page, url, user)
                page.locator("button", has_text=re.compile(r"^Submit$")).first.click()
                deadline = time.monotonic() + 60
                while not list((HUB_DIR / "exchange" / "nnlab" / "inbound").glob(f"{user}+hw1+*")):
                    assert time.monotonic() < deadline, f"{user}: no submission in the exchange 60 s after Submit"
                    page.wait_for_timeout(500)
                page.wait_for_timeout(1500)
                shot(page, f"{sid}-submitted")
                ctx.close()
            times["students: login .. submit"] = time.time() - t0

            t1 = time.time()
            hub_cli("collect", "hw1")  # = make hub-collect A=hw1
            hub_cli("grade", "hw1")    # = make hub-grade A=hw1: tools.grading, as make grade, in bubblewrap
            with open(HUB_DIR / "course" / "grades" / "hw1" / "grades.csv", newline="") as f:
                rows = {r["student"]: r for r in csv.DictReader(f)}
            assert {s: float(rows[PREFIX + s]["score"]) for s in STUDENTS} == EXPECTED, rows
            assert all(float(rows[PREFIX + s]["max_score"]) == MAX_SCORE for s in STUDENTS), rows
            assert {rows[PREFIX + s]["sandbox"] for s in STUDENTS} == {"bwrap"}, rows
            print("\ngrades.csv:\n" + (HUB_DIR / "course" / "grades" / "hw1" / "grades.csv").read_text())
            hub_cli("return", "hw1")   # = make hub-return A=hw1: nbgrader release_feedback
            times["collect, grade, return"] = time.time() - t1

            t1 = time.time()
            for sid in STUDENTS:
                user = PREFIX + sid
                ctx = browser.new_context(viewport={"width": 1280, "height": 800})
                page = ctx.new_page()
                login(page, url, user)
                fetch_feedback(page, url, user, sid)
                # another student's server: the hub refuses
                other = PREFIX + ("s2" if sid == "s1" else "s1")
                resp = page.goto(f"{url}/user/{other}/lab")
                assert resp.status == 403, (resp.status, page.url)
                shot(page, f"{sid}-other-server-refused")
                if sid == "s3":
                    probe_in_browser(page, url, user, sid)
                ctx.close()
            times["feedback and refusals"] = time.time() - t1
        finally:
            browser.close()

    # The same refusals at the file-system level, as each student's own Unix user.
    for sid in STUDENTS:
        user = PREFIX + sid
        out = subprocess.run(["runuser", "-u", user, "--", str(HUB_DIR / "venv" / "bin" / "python"), "-c",
                              probe_code(user)], capture_output=True, text=True, timeout=60, cwd="/").stdout
        check_probe(out, user)
    print(f"\nhub e2e: {time.time() - t0:.0f} s for 3 students (" +
          ", ".join(f"{k} {v:.0f} s" for k, v in times.items()) + ")")
