"""One Unix account per student, from a roster (a CSV whose first column is the student id).

`<prefix><id>` (e.g. `nnlab-b11200001`), in the group `<prefix>students`, home
`HUB_DIR/home/<prefix><id>` with mode 0700 (no student can read another's files), no login shell
(the hub starts their server; nobody logs in over ssh). The lecture notebooks are copied into
the home once, when the account is created; the homework comes through nbgrader's exchange.
"""

from __future__ import annotations

import csv
import grp
import pwd
import re
import secrets
import shutil
import subprocess
import time
from pathlib import Path

from .layout import ROOT, Layout

ID_RE = re.compile(r"^[a-z0-9][a-z0-9_]{0,23}$")


def read_roster(path: Path) -> list[str]:
    """Student ids from a CSV roster: the first column; a header row (`id`, `student_id`) is skipped."""
    ids = []
    with open(path, newline="", encoding="utf-8-sig") as f:
        for row in csv.reader(f):
            if not row or not row[0].strip() or row[0].strip().startswith("#"):
                continue
            sid = row[0].strip().lower()
            if sid in ("id", "student_id", "student"):
                continue
            ids.append(check_id(sid))
    return ids


def check_id(sid: str) -> str:
    if not ID_RE.match(sid):
        raise SystemExit(f"student id {sid!r}: use lower-case letters, digits and _ (at most 24), e.g. b11200001")
    return sid


def exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


def students(layout: Layout) -> list[str]:
    """The accounts now in the students' group, as Unix names."""
    try:
        gid = grp.getgrnam(layout.group).gr_gid
    except KeyError:
        return []
    return sorted(p.pw_name for p in pwd.getpwall() if p.pw_gid == gid and p.pw_name.startswith(layout.prefix))


def ensure_group(layout: Layout) -> None:
    try:
        grp.getgrnam(layout.group)
    except KeyError:
        subprocess.run(["groupadd", layout.group], check=True)


def add(layout: Layout, sid: str, password: str | None = None) -> str:
    """Create the student's account and home (idempotent); returns the Unix name."""
    ensure_group(layout)
    name = layout.user(check_id(sid))
    home = layout.homes / name
    layout.homes.mkdir(parents=True, exist_ok=True)
    layout.homes.chmod(0o711)
    if not exists(name):
        subprocess.run(["useradd", "--create-home", "--home-dir", str(home), "--shell", "/usr/sbin/nologin",
                        "--gid", layout.group, "--comment", f"nnlab student {sid}", name], check=True)
        if password is None:
            password = secrets.token_urlsafe(9)
            passwords = layout.state / "initial-passwords.csv"
            layout.state.mkdir(parents=True, exist_ok=True)
            new = not passwords.exists()
            with open(passwords, "a", encoding="utf-8") as f:
                if new:
                    f.write("student_id,username,password\n")
                f.write(f"{sid},{name},{password}\n")
            passwords.chmod(0o600)
        set_password(name, password)
        nb = home / "notebooks"
        if not nb.exists():
            shutil.copytree(ROOT / "notebooks", nb, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        subprocess.run(["chown", "-R", f"{name}:{layout.group}", str(home)], check=True)
    elif password is not None:
        set_password(name, password)
    home.chmod(0o700)
    return name


def set_password(name: str, password: str) -> None:
    subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)


def remove(layout: Layout, sid: str, keep_home: bool = False) -> None:
    """Delete the student's account (and home, unless keep_home). Submissions in the course folder stay."""
    name = layout.user(check_id(sid)) if not sid.startswith(layout.prefix) else sid
    if exists(name):
        delete_account(name)
    if not keep_home:
        shutil.rmtree(layout.homes / name, ignore_errors=True)


def delete_account(name: str, wait: float = 20.0, check: bool = True) -> None:
    """End the user's processes (their server and kernels), then delete the account.
    userdel refuses while a process of the user still runs, and pkill does not wait for them to end."""
    deadline = time.monotonic() + wait
    while subprocess.run(["pkill", "-KILL", "-u", name], check=False).returncode == 0 and time.monotonic() < deadline:
        time.sleep(0.2)  # pkill found some: again until none is left
    subprocess.run(["userdel", name], check=check)


def sync(layout: Layout, roster: Path) -> tuple[list[str], list[str]]:
    """Add every student on the roster; return (added, not on the roster any more: left alone)."""
    ids = read_roster(roster)
    before = set(students(layout))
    added = [add(layout, sid) for sid in ids if layout.user(sid) not in before]
    extra = sorted(before - {layout.user(s) for s in ids})
    return added, extra
