"""A Jupyter kernel in the sandbox, driven over ipc sockets with jupyter_client.

Only the shell and control channels are connected: the kernel's output (stdout, stderr,
figures) is never read, so a flood of output costs the student time, not the grader memory.
A cell that runs past its time limit is interrupted with an ``interrupt_request`` (a
sandboxed kernel cannot be signalled from outside); if it does not stop, the kernel is killed.
"""

from __future__ import annotations

import os
import queue
import secrets
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from .sandbox import NOBODY, Sandbox

MAX_RESPONSE = 64 * 2**20


@dataclass
class Reply:
    """How one execution ended: ``ok``, ``error`` (with the exception's type name),
    ``timeout`` (the grader interrupted it) or ``died`` (the kernel is gone)."""

    status: str
    ename: str = ""
    seconds: float = 0.0


class KernelStartError(RuntimeError):
    """The kernel did not start (a fault of the grading machine, not of the submission)."""


class SandboxedKernel:
    """One ipykernel process in the sandbox (or, with ``sandbox=None``, unsandboxed)."""

    def __init__(self, job: Path, sandbox: Sandbox | None):
        self.job = Path(os.path.realpath(job))
        self.sandbox = sandbox
        self.proc: subprocess.Popen | None = None
        self.kc: BlockingKernelClient | None = None
        self.conn: Path | None = None

    # -- life cycle ---------------------------------------------------------------------
    def start(self, timeout: float = 60.0) -> None:
        """Start the kernel and wait until it answers."""
        self.launch()
        self.connect(timeout)

    def launch(self) -> None:
        """Start the kernel's process without waiting for it (the next submission's kernel can
        boot while this one is graded)."""
        conn = self.job / f"kernel-{secrets.token_hex(4)}.json"
        write_connection_file(str(conn), transport="ipc", ip=str(self.job / f"k{secrets.token_hex(3)}"),
                              key=secrets.token_hex(16).encode())
        home = self.job / "home"
        home.mkdir(exist_ok=True)
        env = {"HOME": str(home), "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
               "MPLBACKEND": "agg", "MPLCONFIGDIR": str(home / ".mpl"), "IPYTHONDIR": str(home / ".ipython"),
               "JUPYTER_RUNTIME_DIR": str(home / ".runtime"), "PYTHONDONTWRITEBYTECODE": "1",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "LANG": "C.UTF-8"}
        for var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # this machine's BLAS settings
            if var in os.environ:
                env[var] = os.environ[var]
        argv = [sys.executable, "-m", "ipykernel_launcher", "-f", str(conn)]
        if self.sandbox is not None:
            if self.sandbox.as_root:
                for p in (conn, home):
                    os.chown(p, NOBODY, NOBODY)
            cmd = self.sandbox.command(self.job, argv, env)
            run_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        else:
            cmd, run_env = argv, {**os.environ, **env}
        self.proc = subprocess.Popen(cmd, cwd=self.job, env=run_env, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.conn = conn

    def connect(self, timeout: float = 60.0) -> None:
        """Connect to the launched kernel and wait until it answers; KernelStartError otherwise."""
        kc = BlockingKernelClient()
        kc.load_connection_file(str(self.conn))
        kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=True)
        self.kc = kc
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise KernelStartError(f"the sandboxed kernel exited at start (code {self.proc.returncode})")
            msg_id = kc.kernel_info()
            if self._reply(msg_id, 1.0, kc.get_shell_msg) is not None:
                return
        raise KernelStartError(f"the sandboxed kernel did not answer within {timeout:.0f} s")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        if self.kc is not None:
            try:
                self.kc.stop_channels()
            except Exception:
                pass
            self.kc = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        self.proc = None

    # -- running code ---------------------------------------------------------------------
    def _reply(self, msg_id: str, timeout: float, get):
        """The reply to ``msg_id`` within ``timeout`` seconds, or None."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self.alive():
                return None
            try:
                msg = get(timeout=min(left, 0.5))
            except queue.Empty:
                continue
            if msg.get("parent_header", {}).get("msg_id") == msg_id:
                return msg

    def execute(self, code: str, timeout: float) -> Reply:
        """Run ``code``; interrupt it after ``timeout`` seconds."""
        if not self.alive():
            return Reply("died")
        t0 = time.monotonic()
        msg_id = self.kc.execute(code, silent=False, store_history=True, allow_stdin=False, stop_on_error=False)
        msg = self._reply(msg_id, max(timeout, 0.0), self.kc.get_shell_msg)
        if msg is None:
            if not self.alive():
                return Reply("died", seconds=time.monotonic() - t0)
            # Past the limit: ask the kernel to interrupt the cell; kill it if it does not stop.
            req = self.kc.session.msg("interrupt_request", {})
            self.kc.control_channel.send(req)
            msg = self._reply(msg_id, 5.0, self.kc.get_shell_msg)
            if msg is None:
                self.stop()
            return Reply("timeout", seconds=time.monotonic() - t0)
        content = msg.get("content", {})
        if content.get("status") == "ok":
            return Reply("ok", seconds=time.monotonic() - t0)
        ename = str(content.get("ename", "Error"))
        return Reply("error", ename=ename if ename.isidentifier() and len(ename) <= 40 else "Error",
                     seconds=time.monotonic() - t0)


def read_response(path: Path) -> str | None:
    """A file the kernel wrote, read safely: no links, no FIFOs, at most MAX_RESPONSE bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_RESPONSE:
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_RESPONSE + 1)
    finally:
        os.close(fd)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None
