"""The command line: ``python -m tools.grading exercises`` and ``python -m tools.grading grade``.

    python -m tools.grading exercises [--out exercises]
    python -m tools.grading grade SUBMISSIONS [--out grades] [--timeout 60] [--notebook-timeout 300]
                                  [--workers 2] [--no-sandbox]

``grade`` grades every SUBMISSIONS/<student>/<assignment>/*.ipynb in a sandbox (see
docs/homework.md) and writes OUT/grades.csv, OUT/cells.csv and OUT/feedback/<student>/<a>.html.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import multiprocessing
import multiprocessing.util
import os
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from . import assignment as assignment_mod
from .config import COURSE_CODE, EXERCISES, SOLUTIONS, Settings
from .model import SubmissionResult
from .sandbox import Sandbox, SandboxUnavailable, check_available
from .submission import find_jobs

_W: dict = {}


def _worker_init(settings: Settings, solutions: str, exercises: str, workdir: str):
    import nbformat

    _W.update(settings=settings, workdir=Path(workdir), assignments={}, releases={},
              solutions=Path(solutions), exercises=Path(exercises))
    _W["sandbox"] = Sandbox.for_course(COURSE_CODE, settings.limits) if settings.sandbox else None
    _W["nbformat"] = nbformat
    # the kernel launched for a next submission that never came is stopped when the worker exits
    multiprocessing.util.Finalize(None, _stop_next_kernel, exitpriority=10)


def _stop_next_kernel():
    kernel = _W.pop("next_kernel", None)
    if kernel is not None:
        kernel.stop()


def _grade(job) -> SubmissionResult:
    from .runner import grade, launch_kernel

    a_name = job.assignment
    if a_name not in _W["assignments"]:
        _W["assignments"][a_name] = assignment_mod.load(_W["solutions"] / a_name / f"{a_name}.ipynb")
        _W["releases"][a_name] = _W["nbformat"].read(str(_W["exercises"] / a_name / f"{a_name}.ipynb"), as_version=4)
    a = _W["assignments"][a_name]
    try:
        # this job's kernel was launched while the previous job was graded; launch the next one now
        launched = _W.pop("next_kernel", None) or launch_kernel(_W["workdir"], _W["sandbox"])
        _W["next_kernel"] = launch_kernel(_W["workdir"], _W["sandbox"])
        return grade(job, a, _W["releases"][a_name], _W["settings"], _W["sandbox"], _W["workdir"], launched)
    except Exception as err:  # a fault of the grader: say so in the row, never lose the others
        r = SubmissionResult(job.student, job.assignment, a.max_score, a.manual_points,
                             "bwrap" if _W["sandbox"] else "off")
        r.words.add("error")
        r.notes.append(f"grader error: {type(err).__name__}: {err}"[:300])
        return r


def grade_all(submissions: Path, out: Path, settings: Settings, solutions: Path = SOLUTIONS,
              exercises: Path = EXERCISES, log=print) -> list:
    """Grade a folder of submissions and write the results to ``out``."""
    from . import report

    submissions, out = Path(submissions).resolve(), Path(out).resolve()
    if not submissions.is_dir():
        raise SystemExit(f"SUBMISSIONS={submissions} is not a folder: give the folder that holds "
                         "<student>/<assignment>/<notebook>.ipynb")
    if out == submissions or submissions in out.parents:
        raise SystemExit("OUT must not be inside SUBMISSIONS: grading never writes next to submissions")
    names = assignment_mod.assignment_names(solutions)
    jobs, warnings = find_jobs(submissions, names)
    for w in warnings:
        log(f"warning: {w}")
    workdir = Path(tempfile.mkdtemp(prefix="nnlab-grade-"))
    os.chmod(workdir, 0o711)
    try:
        if settings.sandbox:
            try:
                check_available(Sandbox.for_course(COURSE_CODE, settings.limits), workdir)
            except SandboxUnavailable as err:
                raise SystemExit(f"make grade: no sandbox: {err}") from None
        else:
            log("warning: grading WITHOUT a sandbox (--no-sandbox): students' code runs with your rights; "
                "grades.csv says sandbox=off for every row")
        results = []
        if jobs:
            n = max(1, min(settings.workers, len(jobs)))
            ctx = multiprocessing.get_context("spawn")
            with cf.ProcessPoolExecutor(n, mp_context=ctx, initializer=_worker_init,
                                        initargs=(settings, str(solutions), str(exercises), str(workdir))) as pool:
                futures = {pool.submit(_grade, j): j for j in jobs}
                for f in cf.as_completed(futures):
                    j = futures[f]
                    try:
                        r = f.result()
                    except Exception as err:  # a worker process died
                        r = SubmissionResult(j.student, j.assignment, 0.0, 0.0, "bwrap" if settings.sandbox else "off")
                        r.words.add("error")
                        r.notes.append(f"grading worker failed: {type(err).__name__}; grade it again")
                    log(f"{r.student}/{r.assignment}: {r.score:g}/{r.max_score:g} {r.status}")
                    results.append(r)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results.sort(key=lambda r: (r.student, r.assignment))
    report.write(results, out)
    return results


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.grading", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sp = ap.add_subparsers(dest="cmd", required=True)
    g = sp.add_parser("exercises", help="generate exercises/ from solutions/ (nbgrader)")
    g.add_argument("--out", default=str(EXERCISES))
    r = sp.add_parser("grade", help="grade a folder of submissions in a sandbox")
    r.add_argument("submissions")
    r.add_argument("--out", default="grades")
    r.add_argument("--timeout", type=float, default=60, help="seconds per cell and per test (default 60)")
    r.add_argument("--notebook-timeout", type=float, default=300, help="seconds per submission (default 300)")
    r.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    r.add_argument("--no-sandbox", action="store_true",
                   help="grade WITHOUT a sandbox (unsafe with students' code; grades.csv says so)")
    args = ap.parse_args(argv)
    if args.cmd == "exercises":
        from .generate import generate_exercises

        for p in generate_exercises(Path(args.out)):
            print(f"wrote {p}")
        return 0
    for name, value in (("--timeout", args.timeout), ("--notebook-timeout", args.notebook_timeout),
                        ("--workers", args.workers)):
        if value <= 0:
            ap.error(f"{name} must be positive, got {value}")
    settings = replace(Settings(), cell_timeout=args.timeout, notebook_timeout=args.notebook_timeout,
                       workers=args.workers, sandbox=not args.no_sandbox)
    results = grade_all(Path(args.submissions), Path(args.out), settings)
    print(f"graded {len(results)} submission(s): {Path(args.out) / 'grades.csv'}, "
          f"feedback in {Path(args.out) / 'feedback'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
