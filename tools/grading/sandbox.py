"""The sandbox a student's kernel runs in: bubblewrap (Debian's ``bwrap``) and prlimit.

The kernel sees its own job folder (writable: the notebook copy, the kernel's sockets, HOME),
Python and the course's code read-only (the interpreter, the virtual environment, nnlab/),
``/usr`` read-only, a private ``/tmp`` (a tmpfs of 256 MB) and nothing else: not solutions/,
the gradebook, other submissions, OUT, the checkout or any home folder. It has no network
(its own empty network namespace), its own process and IPC namespaces (``--die-with-parent``:
no process outlives it), runs as user ``nobody`` (65534), and has limits on memory (address
space), file size, open files and processes.

When the grader runs as root, bwrap sets up the mounts as root and ``setpriv`` then drops to
uid/gid 65534 with no capabilities before Python starts; otherwise bwrap maps the grader's
user to 65534 inside an unprivileged user namespace.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .config import Limits

NOBODY = 65534


class SandboxUnavailable(RuntimeError):
    """No sandbox can be set up on this machine; the message says why and what to do."""


@dataclass(frozen=True)
class Sandbox:
    """How to start a command inside the sandbox for one job folder."""

    readonly: tuple[str, ...]     # absolute paths bound read-only at the same place
    limits: Limits
    as_root: bool

    @classmethod
    def for_course(cls, course_code: Path, limits: Limits) -> "Sandbox":
        """Python (base install and virtual environment) and the course package, read-only."""
        paths = {os.path.realpath(sys.base_prefix), os.path.realpath(sys.prefix),
                 os.path.realpath(course_code)}
        exe = os.path.realpath(sys.executable)
        if not any(exe.startswith(p + os.sep) for p in paths):
            paths.add(os.path.dirname(exe))
        # sys.prefix's bin/python may be a link into the base install: both are bound.
        paths = {p for p in paths if not p.startswith("/usr/")}
        return cls(tuple(sorted(paths)), limits, os.geteuid() == 0)

    def command(self, job: Path, argv: list[str], env: dict[str, str]) -> list[str]:
        """The full command line: bwrap [mounts] -- [drop privileges] prlimit ... argv."""
        job = Path(os.path.realpath(job))
        cmd = ["bwrap", "--die-with-parent", "--new-session",
               "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
        if not self.as_root:
            cmd += ["--unshare-user", "--uid", str(NOBODY), "--gid", str(NOBODY)]
        cmd += ["--ro-bind", "/usr", "/usr"]
        for name in ("lib", "lib64", "bin", "sbin"):
            target = f"/usr/{name}"
            if os.path.islink(f"/{name}"):
                cmd += ["--symlink", os.readlink(f"/{name}"), f"/{name}"]
            elif os.path.isdir(f"/{name}") and os.path.isdir(target):
                cmd += ["--ro-bind", f"/{name}", f"/{name}"]
        for f in ("/etc/ld.so.cache", "/etc/localtime"):
            if os.path.exists(f):
                cmd += ["--ro-bind", f, f]
        cmd += ["--proc", "/proc", "--dev", "/dev",
                "--size", str(256 * 2**20), "--tmpfs", "/tmp"]
        made = {"/", "/tmp"}
        for p in [*self.readonly, str(job)]:
            for parent in reversed(Path(p).parents):
                if str(parent) not in made:
                    cmd += ["--perms", "0755", "--dir", str(parent)]
                    made.add(str(parent))
        for p in self.readonly:
            cmd += ["--ro-bind", p, p]
        cmd += ["--bind", str(job), str(job), "--chdir", str(job), "--clearenv"]
        for k, v in sorted(env.items()):
            cmd += ["--setenv", k, v]
        if self.as_root:
            cmd += ["--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID", "--cap-add", "CAP_SETPCAP", "--",
                    "setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups",
                    "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs"]
        else:
            cmd += ["--"]
        lim = self.limits
        cmd += ["prlimit", f"--as={lim.memory_bytes}", f"--fsize={lim.file_bytes}",
                f"--nofile={lim.open_files}", f"--nproc={lim.processes}", "--core=0", "--"]
        return cmd + argv

    def prepare(self, job: Path) -> None:
        """Make the job folder writable for the sandbox's user (and nobody else)."""
        job.mkdir(parents=True, exist_ok=True)
        if self.as_root:
            for p in [job, *job.rglob("*")]:
                os.chown(p, NOBODY, NOBODY, follow_symlinks=False)
        os.chmod(job, 0o700)


def check_available(sandbox: Sandbox, scratch: Path) -> None:
    """Run a trivial command in the sandbox; raise SandboxUnavailable with what to do."""
    if sys.platform != "linux":
        raise SandboxUnavailable(
            f"grading needs Linux user namespaces (bubblewrap); this is {sys.platform}. Grade on a Linux "
            "machine (or the course server), or run `make grade SANDBOX=off` to grade WITHOUT a sandbox: "
            "students' code then runs with your rights, and grades.csv says so.")
    for tool, package in (("bwrap", "bubblewrap"), ("prlimit", "util-linux"), ("setpriv", "util-linux")):
        if shutil.which(tool) is None:
            raise SandboxUnavailable(
                f"`{tool}` is not installed: `sudo apt-get install {package}` (Debian/Ubuntu) or your "
                f"distribution's {package} package, then grade again. `make grade SANDBOX=off` grades "
                "without a sandbox (not safe with students' code; grades.csv says so).")
    job = scratch / "probe"
    sandbox.prepare(job)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(job)}
    cmd = sandbox.command(job, [sys.executable, "-c", "import numpy, nnlab; print('ok')"], env)
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        raise SandboxUnavailable("a trivial command in the sandbox did not finish within 60 s") from None
    if r.returncode != 0 or r.stdout.strip() != "ok":
        why = (r.stderr.strip().splitlines() or ["no message"])[-1]
        hint = ""
        if "namespace" in why.lower() or "permission" in why.lower() or "operation not permitted" in why.lower():
            hint = (" This kernel does not let unprivileged programs create user namespaces (Ubuntu 24.04 "
                    "restricts them with AppArmor: add an AppArmor profile for bwrap, or set "
                    "kernel.apparmor_restrict_unprivileged_userns=0), or grade as root.")
        raise SandboxUnavailable(f"the sandbox could not run Python: {why}.{hint} `make grade SANDBOX=off` "
                                 "grades without a sandbox (not safe with students' code; grades.csv says so).")
