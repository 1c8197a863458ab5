"""The course server under a class-sized burst: 10 students log in at once (docs/server.md).

On this machine, as root: the hub of tests/test_hub_e2e.py (hub/, build/hub-e2e, accounts
`nnlabbench-01..10`, removed afterwards). All ten log in through the hub's login form (PAM) at
the same moment; recorded: the time until every server is ready, then the time until each has run
every code cell of notebook 01 in a kernel of its own server (over the kernel websocket, as
JupyterLab does), errors per student, and the memory (RSS) of each student's processes (server +
kernel). Goals on the 2-core machine: all ready within 60 s, 01 without error for all ten.
Returns {"hub": {...}} for benchmarks/results.json; {"hub": {"skipped": why}} where it cannot run.
"""

from __future__ import annotations

import asyncio
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HUB_DIR = ROOT / "build" / "hub-e2e"
PREFIX = "nnlabbench-"
PASSWORD = "nnlab-bench-Pw1"
N = 10


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _cli(*args: str) -> str:
    return subprocess.run([sys.executable, "-m", "hub", "--hub-dir", str(HUB_DIR), "--prefix", PREFIX, *args],
                          cwd=ROOT, check=True, capture_output=True, text=True, timeout=600).stdout


def _cleanup() -> None:
    sys.path.insert(0, str(ROOT))
    from hub import accounts

    for p in pwd.getpwall():
        if p.pw_name.startswith(PREFIX):
            accounts.delete_account(p.pw_name, check=False)
    subprocess.run(["groupdel", f"{PREFIX}students"], check=False, capture_output=True)
    for sub in ("home", "exchange", "course", "state"):
        shutil.rmtree(HUB_DIR / sub, ignore_errors=True)


def _login_and_wait(url: str, user: str, t0: float) -> tuple[object, float]:
    """Log in through the form; return (session, seconds from t0 until the server answers)."""
    import requests

    s = requests.Session()
    s.get(url + "/hub/login", timeout=60)
    s.post(url + "/hub/login", data={"username": user, "password": PASSWORD, "_xsrf": s.cookies.get("_xsrf")},
           timeout=180)
    deadline = time.time() + 180
    while time.time() < deadline:
        r = s.get(f"{url}/user/{user}/lab", timeout=60, allow_redirects=True)
        if r.status_code == 200 and "/user/" in r.url and "jupyter-config-data" in r.text:
            return s, time.perf_counter() - t0
        time.sleep(0.5)
    raise RuntimeError(f"{user}: server not ready after 180 s")


async def _run_notebook(url: str, user: str, session) -> list[str]:
    """Every code cell of notebook 01 in a new kernel of the student's server; returns error names."""
    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    xsrf = session.cookies.get("_xsrf", path=f"/user/{user}/") or session.cookies.get("_xsrf")
    headers = {"X-XSRFToken": xsrf or "", "Cookie": "; ".join(f"{c.name}={c.value}" for c in session.cookies)}
    loop = asyncio.get_running_loop()
    r = await loop.run_in_executor(None, lambda: session.post(f"{url}/user/{user}/api/kernels",
                                                              json={"name": "python3", "path": "notebooks"}, headers={"X-XSRFToken": xsrf or ""}, timeout=120))
    r.raise_for_status()
    kid = r.json()["id"]
    ws = await websocket_connect(HTTPRequest(f"{url.replace('http', 'ws')}/user/{user}/api/kernels/{kid}/channels",
                                             headers=headers), max_message_size=64 * 2**20)
    nb = json.loads((ROOT / "notebooks" / "01_neuron.ipynb").read_text())
    errors = []
    try:
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            msg_id = uuid.uuid4().hex
            await ws.write_message(json.dumps({
                "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": user, "session": kid,
                           "version": "5.3", "date": ""},
                "parent_header": {}, "metadata": {}, "channel": "shell",
                "content": {"code": "".join(cell["source"]), "silent": False, "store_history": True,
                            "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}}))
            while True:
                raw = await asyncio.wait_for(ws.read_message(), timeout=120)
                if raw is None:
                    raise RuntimeError(f"{user}: kernel websocket closed")
                if isinstance(raw, bytes):  # a message with binary buffers (the widgets' comms): never a reply
                    continue
                m = json.loads(raw)
                if m.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if m["msg_type"] == "error":
                    errors.append(m["content"]["ename"])
                if m["msg_type"] == "execute_reply":
                    break
    finally:
        ws.close()
    return errors


def _rss_mb(user: str) -> float:
    import psutil

    total = 0
    for p in psutil.process_iter(["username", "memory_info"]):
        if p.info["username"] == user and p.info["memory_info"]:
            total += p.info["memory_info"].rss
    return total / 2**20


def run(quick: bool = False) -> dict:
    if sys.platform != "linux" or os.geteuid() != 0:
        return {"hub": {"skipped": "needs Linux and root (one Unix account per student)"}}
    subprocess.run(["make", "-s", "hub-deps", f"HUB_DIR={HUB_DIR}"], cwd=ROOT, check=True, stdin=subprocess.DEVNULL)
    n = 3 if quick else N
    _cleanup()
    roster = HUB_DIR / "bench-roster.csv"
    roster.write_text("id\n" + "".join(f"{i:02d}\n" for i in range(1, n + 1)))
    _cli("setup")
    _cli("sync", str(roster))
    users = [PREFIX + f"{i:02d}" for i in range(1, n + 1)]
    for i in range(1, n + 1):
        _cli("add", f"{i:02d}", "--password", PASSWORD)
    port = _free_port()
    env = dict(os.environ, NNLAB_HUB_API_PORT=str(_free_port()), NNLAB_HUB_INTERNAL_PORT=str(_free_port()))
    log = open(HUB_DIR / "hub-bench.log", "w")
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
                if time.time() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"hub did not start: {HUB_DIR / 'hub-bench.log'}")
                time.sleep(0.5)
        t0 = time.perf_counter()
        with ThreadPoolExecutor(n) as pool:
            ready = list(pool.map(lambda u: _login_and_wait(url, u, t0), users))
        all_ready = max(t for _, t in ready)

        async def run_all():
            return await asyncio.gather(*(_run_notebook(url, u, s) for u, (s, _) in zip(users, ready)),
                                        return_exceptions=True)

        errors = [[f"{type(e).__name__}: {e}"] if isinstance(e, BaseException) else e for e in asyncio.run(run_all())]
        all_ran = time.perf_counter() - t0
        rss = [_rss_mb(u) for u in users]
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            pass
        try:  # whatever the hub left in its session (the idle culler, a server)
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            os.kill(int((HUB_DIR / "state" / "proxy.pid").read_text()), signal.SIGTERM)
        except (OSError, ValueError):
            pass
        log.close()
        _cleanup()
    failed = {u: e for u, e in zip(users, errors) if e}
    return {"hub": {
        "students": n,
        "all_servers_ready_s": round(all_ready, 1),
        "server_ready_s": sorted(round(t, 1) for _, t in ready),
        "all_ran_notebook01_s": round(all_ran, 1),
        "notebook01_errors": failed,
        "rss_per_student_mb": {"min": round(min(rss)), "median": round(sorted(rss)[n // 2]), "max": round(max(rss))},
        "goal_ready_within_60s": all_ready <= 60,
        "goal_01_without_error": not failed,
        "note": "PAM login, LocalProcessSpawner, 2 cores shared; RSS = the student's server + one kernel after 01",
    }}


if __name__ == "__main__":
    print(json.dumps(run(quick="--quick" in sys.argv), indent=2))
