"""The instructor's side of the course server, run as root: set up the hub folder, and release,
collect, grade and return homework through nbgrader's exchange.

Grading is not nbgrader's autograde: the collected submissions go through `tools.grading`
(the same sandboxed path as `make grade`), and its feedback pages go back through the exchange
(`nbgrader release_feedback`), so each student fetches only their own.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from .layout import COURSE_ID, ROOT, Layout

# What students must not see: the instructor's lab plugins and server extensions.
# (The "Nbgrader" menu plugin stays: with these off it holds only "Assignment List".)
INSTRUCTOR_PLUGINS = ["@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                      "@jupyter/nbgrader:create-assignment"]
STUDENT_SERVER_EXTENSIONS = {
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.validate_assignment": True,
}


def nbgrader_config(layout: Layout) -> str:
    return (f"# Written by `make hub` (hub/course.py): the course's nbgrader exchange.\n"
            f"c = get_config()\n"
            f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
            f"c.Exchange.root = {str(layout.exchange)!r}\n")


def setup(layout: Layout) -> None:
    """Create (or reuse) the hub folder: state, the students' shared config, the exchange, the course folder."""
    h = layout.hub_dir
    h.mkdir(parents=True, exist_ok=True)
    h.chmod(0o711)
    layout.state.mkdir(exist_ok=True)
    layout.state.chmod(0o700)
    layout.homes.mkdir(exist_ok=True)
    layout.homes.chmod(0o711)
    cfg = layout.config_path
    (cfg / "labconfig").mkdir(parents=True, exist_ok=True)
    for d in (h / "etc", cfg, cfg / "labconfig"):
        d.chmod(0o755)
    (cfg / "nbgrader_config.py").write_text(nbgrader_config(layout))
    # The .venv switches nbgrader's lab extension off for `make lab`; here the package is on and
    # only its instructor plugins are off: students keep the Assignments tab and Validate.
    disabled = {"@jupyter/nbgrader": False, **{p: True for p in INSTRUCTOR_PLUGINS}}
    (cfg / "labconfig" / "page_config.json").write_text(json.dumps({"disabledExtensions": disabled}, indent=2))
    (cfg / "jupyter_server_config.json").write_text(json.dumps(
        {"ServerApp": {"jpserver_extensions": STUDENT_SERVER_EXTENSIONS}}, indent=2))
    for f in cfg.rglob("*"):
        if f.is_file():
            f.chmod(0o644)
    # The exchange: nbgrader wants its root world-writable (it sets 0777 itself on release).
    layout.exchange.mkdir(exist_ok=True)
    layout.exchange.chmod(0o777)
    # The instructor's course folder: nbgrader's layout, root only.
    layout.course.mkdir(exist_ok=True)
    layout.course.chmod(0o700)
    (layout.course / "nbgrader_config.py").write_text(
        nbgrader_config(layout) + "c.CourseDirectory.root = " + repr(str(layout.course)) + "\n")


def nbgrader(layout: Layout, *args: str) -> None:
    # nbgrader's gradebook runs `alembic` by name: the venv's bin must be on PATH
    env = dict(os.environ, JUPYTER_CONFIG_PATH=str(layout.config_path),
               PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    cmd = [str(Path(sys.executable).parent / "nbgrader"), *args, "--debug" if os.environ.get("NNLAB_HUB_DEBUG") else ""]
    subprocess.run([c for c in cmd if c], cwd=layout.course, env=env, check=True)


def release(layout: Layout, assignment: str) -> None:
    """Copy the student version (exercises/<a>/) into the course's release folder and release it."""
    src = ROOT / "exercises" / assignment
    if not src.is_dir():
        raise SystemExit(f"no student version at {src}: run `make exercises` first")
    dest = layout.course / "release" / assignment
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    nbgrader(layout, "release_assignment", assignment, "--force")


def collect(layout: Layout, assignment: str) -> Path:
    """The latest submission of every student into course/submitted/<student>/<a>/."""
    nbgrader(layout, "collect", assignment, "--update")
    return layout.course / "submitted"


def grade(layout: Layout, assignment: str, sandbox: bool = True) -> Path:
    """Grade the collected submissions of one assignment with tools.grading (as `make grade`)."""
    staged = layout.course / "to-grade" / assignment
    shutil.rmtree(staged, ignore_errors=True)
    for sub in sorted((layout.course / "submitted").glob(f"*/{assignment}")):
        dest = staged / sub.parent.name / assignment
        dest.mkdir(parents=True)
        for nb in sub.glob("*.ipynb"):
            shutil.copy2(nb, dest / nb.name)
    out = layout.course / "grades" / assignment
    cmd = [sys.executable, "-m", "tools.grading", "grade", str(staged), "--out", str(out)]
    if not sandbox:
        cmd.append("--no-sandbox")
    subprocess.run(cmd, cwd=ROOT, check=True)
    return out


def return_feedback(layout: Layout, assignment: str) -> None:
    """Put each student's feedback page where nbgrader expects it and release it through the exchange."""
    out = layout.course / "grades" / assignment
    for sub in sorted((layout.course / "submitted").glob(f"*/{assignment}")):
        student = sub.parent.name
        page = out / "feedback" / quote(student, safe="") / f"{assignment}.html"
        if not page.exists():
            print(f"no feedback page for {student} ({page}): not returned", file=sys.stderr)
            continue
        fb = layout.course / "feedback" / student / assignment
        shutil.rmtree(fb, ignore_errors=True)
        fb.mkdir(parents=True)
        for nb in sub.glob("*.ipynb"):  # one page per notebook name, as nbgrader matches them
            shutil.copy2(page, fb / f"{nb.stem}.html")
            # release_feedback copies the mode into the exchange, where the student's own server reads
            # it; the grader writes 0600. 0644 in a folder nobody may list (0711): only a student who
            # holds the submission's secret (in their own 0700 home) can name, and so read, the file.
            (fb / f"{nb.stem}.html").chmod(0o644)
        for meta in ("timestamp.txt", "submission_secret.txt"):
            if (sub / meta).exists():
                shutil.copy2(sub / meta, fb / meta)
    nbgrader(layout, "release_feedback", assignment)
