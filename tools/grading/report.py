"""Writing the results: OUT/grades.csv, OUT/cells.csv and one feedback page per submission."""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from pathlib import Path

import jinja2

from .model import SubmissionResult
from .submission import feedback_name

STATUS_TEXT = {
    "ok": "Your notebook ran from top to bottom.",
    "invalid": "The file is not a readable Jupyter notebook, so nothing could be graded.",
    "missing": "No notebook was found in your submission folder.",
    "crashed": "The Python kernel died while your notebook ran (for example os._exit); the cell that "
               "killed it was skipped and the rest was graded.",
    "timeout": "A cell or a test ran longer than the time limit and was interrupted (an infinite loop?).",
    "own_code": "Some answers use nnlab's own implementation of what the homework asks you to write; "
                "the tests of those functions score 0.",
    "tests_deleted": "Some test cells were missing; the tests always come from the original.",
    "tests_edited": "Some read-only cells (tests or set-up) had been changed; the original versions were used.",
    "duplicate_cells": "A graded cell appeared more than once; the last copy of an answer cell was graded.",
    "metadata_repaired": "The grading information of some cells was missing; the cells were matched to the "
                         "original by their content.",
    "error": "The grader failed on this notebook; your instructor will look at it.",
}

_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                          autoescape=True, undefined=jinja2.StrictUndefined)


def fmt(x) -> str:
    if x is None or x == "":
        return ""
    x = float(x)
    return str(int(x)) if x == int(x) else f"{x:.2f}"


def feedback_html(r: SubmissionResult) -> str:
    return _ENV.get_template("feedback.html").render(
        r=r, fmt=fmt, status_text=[STATUS_TEXT.get(w, w) for w in r.status.split("+")])


def _atomic_write(path: Path, text: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        f.write(text)
    os.replace(tmp, path)


def write(results: list, out: Path) -> None:
    """grades.csv (one row per submission), cells.csv (one row per test) and feedback pages."""
    import io

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["student", "assignment", "score", "max_score", "status", "manual_max_score", "sandbox", "notes"])
    for r in results:
        w.writerow([r.student, r.assignment, fmt(r.score), fmt(r.max_score), r.status, fmt(r.manual_max_score),
                    r.sandbox, "; ".join(n.replace(";", ",") for n in r.notes)])
    _atomic_write(out / "grades.csv", buf.getvalue())
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["student", "assignment", "cell", "kind", "points", "max_points", "result"])
    for r in results:
        for t in r.tests:
            w.writerow([r.student, r.assignment, t.grade_id, t.kind, fmt(t.points), fmt(t.max_points), t.result])
    _atomic_write(out / "cells.csv", buf.getvalue())
    fb = out / "feedback"
    if fb.exists():
        shutil.rmtree(fb)
    for r in results:
        _atomic_write(fb / feedback_name(r.student) / f"{r.assignment}.html", feedback_html(r))
