"""Generating the student version of each assignment with nbgrader (generate_assignment).

nbgrader does what it does well here: the student version (solutions and hidden tests
removed), and ``nbgrader validate`` for authors. Grading itself is this package's job.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from .assignment import assignment_names as assignments
from .config import SOLUTIONS

# nbgrader runs the `alembic` command of its own environment: make sure that is on PATH
# (make calls .venv/bin/python without activating the environment).
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")


def _config(root: Path, timeout: int):
    from traitlets.config import Config

    c = Config()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.source_directory = "solutions"
    c.CourseDirectory.release_directory = "exercises"
    c.CourseDirectory.submitted_directory = "submitted"
    c.CourseDirectory.autograded_directory = "autograded"
    c.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    c.Execute.timeout = int(timeout)
    c.Execute.interrupt_on_timeout = True
    return c


def _fast_alembic_head():
    """nbgrader asks the `alembic` command for its schema head when it creates a gradebook,
    a new Python process that takes seconds on a busy machine; ask alembic in-process instead."""
    import nbgrader
    import nbgrader.api
    from alembic.config import Config as AlembicConfig
    from alembic.script import ScriptDirectory

    if getattr(nbgrader.api.get_alembic_version, "_nnlab", False):
        return
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(Path(nbgrader.__file__).parent / "alembic"))
    head = ScriptDirectory.from_config(cfg).get_current_head()

    def get_alembic_version():
        return head

    get_alembic_version._nnlab = True
    nbgrader.api.get_alembic_version = get_alembic_version


def _api(root: Path, timeout: int):
    import logging
    import warnings

    warnings.filterwarnings("ignore", module="nbgrader")
    warnings.filterwarnings("ignore", message=".*not in session.*")
    try:
        _fast_alembic_head()
    except Exception:  # fall back to nbgrader's own way
        pass

    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    cfg = _config(root, timeout)
    api = NbGraderAPI(coursedir=CourseDirectory(config=cfg), config=cfg)
    api.log.setLevel(logging.WARNING)
    return api


def make_course(root: Path, names=None, source: Path = SOLUTIONS, timeout: int = 60) -> Path:
    """Copy the solutions into a fresh course dir ``root`` and run generate_assignment there.

    Leaves root/exercises/<a>/ (the student versions) and root/gradebook.db (the
    assignments with their test cells, hidden tests included).
    """
    names = names or assignments(source)
    root.mkdir(parents=True, exist_ok=True)
    for a in names:
        shutil.copytree(source / a, root / "solutions" / a,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    api = _api(root, timeout)
    for a in names:
        res = api.generate_assignment(a, force=True, create=True)
        if not res.get("success"):
            raise RuntimeError(f"nbgrader generate_assignment {a} failed:\n{res.get('log', '')}\n{res.get('error', '')}")
    return root


def generate_exercises(out: Path, names=None, source: Path = SOLUTIONS):
    """Write the student versions of the assignments to out/<a>/ (replacing what is there)."""
    names = names or assignments(source)
    with tempfile.TemporaryDirectory(prefix="nnlab-gen-") as tmp:
        course = make_course(Path(tmp), names, source)
        out.mkdir(parents=True, exist_ok=True)
        for a in names:
            if (out / a).exists():
                shutil.rmtree(out / a)
            shutil.copytree(course / "exercises" / a, out / a)
    return [out / a for a in names]
