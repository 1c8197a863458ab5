"""Generate the homework exercises and grade submissions with nbgrader 0.9.

    python tools/grade.py exercises [--out exercises]
    python tools/grade.py grade SUBMISSIONS [--out grades] [--timeout 60] [--workers 2]

``exercises`` runs nbgrader's generate_assignment on every solutions/<a>/<a>.ipynb in a
temporary course directory and copies the student versions to ``--out``/<a>/.

``grade`` grades every ``SUBMISSIONS/<student>/<assignment>/*.ipynb``. Each submission is
first read (never written: it is copied), then *repaired* against the released notebook:
cells whose nbgrader metadata was stripped are matched to the original cells by content and
position, duplicated graded cells are made unique, and deleted test cells are put back. The
repaired copy is autograded by nbgrader in a temporary course directory with its own
gradebook (one per worker process), where nbgrader restores every test cell from the source,
hidden tests included, and runs the notebook with a per-cell time limit. Results go to
``OUT/grades.csv`` (one row per student and assignment), ``OUT/cells.csv`` (one row per
graded cell) and ``OUT/feedback/<student>/<assignment>.html`` (no code of hidden tests).

status (in grades.csv) is ``ok`` when the notebook ran as submitted; otherwise one or more of
(joined by ``+``): ``invalid`` (not a readable notebook), ``missing`` (no notebook in the
folder), ``crashed`` (the kernel died, e.g. ``os._exit``; nothing could be graded),
``timeout`` (a cell hit the time limit and was interrupted; the rest of the notebook still
ran), ``tests_deleted`` / ``tests_edited`` (read-only cells were deleted or changed; they were
restored from the source and run), ``duplicate_cells`` (a graded cell appears twice),
``metadata_repaired`` (nbgrader cell metadata was missing and was restored by matching cells),
``error`` (nbgrader itself failed on this submission; see ``notes``).
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import copy
import csv
import difflib
import html
import json
import multiprocessing
import os
import re
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS = ROOT / "solutions"
# nbgrader runs the `alembic` command of its own environment: make sure that is on PATH
# (make calls .venv/bin/python without activating the environment).
os.environ["PATH"] = str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")
HIDDEN_RE = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
STATUS_ORDER = ["invalid", "missing", "error", "crashed", "timeout", "tests_deleted", "tests_edited",
                "duplicate_cells", "metadata_repaired"]
HINTS = {
    "NotImplementedError": " (the answer cell still has raise NotImplementedError(): write your code there)",
    "NameError": " (a name the test needs is not defined: did its answer cell run without an error?)",
    "CellTimeoutError": " (this cell ran longer than the time limit and was interrupted)",
}
TIMEOUT_ENAMES = {"CellTimeoutError", "KeyboardInterrupt", "TimeoutError"}


# --------------------------------------------------------------------------- nbgrader setup

def assignments(source: Path = SOLUTIONS) -> list[str]:
    """Assignment names: every solutions/<a>/<a>.ipynb."""
    return sorted(p.name for p in source.iterdir() if (p / f"{p.name}.ipynb").is_file())


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


# --------------------------------------------------------------------------- repair

def _src(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else str(s)


def _norm(s: str) -> str:
    return "\n".join(line.rstrip() for line in s.strip().splitlines())


def _nbg(cell):
    m = cell.get("metadata")
    n = m.get("nbgrader") if isinstance(m, dict) else None
    return n if isinstance(n, dict) else None


def _kind(nbg) -> str:
    if nbg.get("solution") and nbg.get("grade"):
        return "manual"
    if nbg.get("solution"):
        return "solution"
    if nbg.get("grade"):
        return "test"
    return "locked"


def repair(sub, release, source_text=None):
    """Return (notebook, notes): the submission made gradable against the released notebook.

    sub, release: nbformat v4 NotebookNodes. source_text: grade_id -> source of the cell in
    the solutions notebook (a read-only cell equal to it is not "edited"). notes is a set of
    status words and details.
    """
    source_text = source_text or {}
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

    notes: set[str] = set()
    rel = release.cells
    rel_id = {}
    for i, c in enumerate(rel):
        n = _nbg(c)
        if n and n.get("grade_id"):
            rel_id[n["grade_id"]] = i
    cells = [c for c in sub.cells if isinstance(c, dict) and c.get("cell_type") in ("code", "markdown", "raw")]

    # grade ids the submission carries (only ids of the release, with the right cell type)
    gid = []
    for c in cells:
        n = _nbg(c)
        g = n.get("grade_id") if n else None
        ok = isinstance(g, str) and g in rel_id and rel[rel_id[g]].cell_type == c["cell_type"]
        gid.append(g if ok else None)

    # duplicates: keep the last copy of an answer cell, the first copy of anything else
    for g in {g for g in gid if g is not None and gid.count(g) > 1}:
        idx = [i for i, x in enumerate(gid) if x == g]
        keep = idx[-1] if _kind(_nbg(rel[rel_id[g]])) in ("solution", "manual") else idx[0]
        for i in idx:
            if i != keep:
                gid[i] = None
        notes.add("duplicate_cells")
        notes.add(f"duplicate:{g}")

    # match cells without (valid) metadata by content and position
    present = set(g for g in gid if g is not None)

    def rel_key(i, c):
        n = _nbg(c)
        g = n.get("grade_id") if n else None
        if g is None:
            return f"SRC:{c.cell_type}:{_norm(_src(c))}"
        if g in present or _kind(n) in ("solution", "manual"):
            return f"ID:{g}"
        return f"SRC:{c.cell_type}:{_norm(_src(c))}"

    # a read-only cell may come as released or as in the solutions (hidden tests included)
    alias = {}
    for c in rel:
        n = _nbg(c)
        if n and _kind(n) in ("test", "locked") and n["grade_id"] in source_text:
            alias[_norm(source_text[n["grade_id"]])] = _norm(_src(c))

    def sub_key(g, c):
        if g:
            return f"ID:{g}"
        s = _norm(_src(c))
        return f"SRC:{c['cell_type']}:{alias.get(s, s)}"

    sub_keys = [sub_key(g, c) for g, c in zip(gid, cells)]
    rel_keys = [rel_key(i, c) for i, c in enumerate(rel)]
    match = {}  # submission index -> release index
    for i, g in enumerate(gid):
        if g is not None:
            match[i] = rel_id[g]
    sm = difflib.SequenceMatcher(None, sub_keys, rel_keys, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2)):
                if i not in match and _nbg(rel[j]):
                    match[i] = j
                    notes.add("metadata_repaired")
        elif op == "replace":
            free = [i for i in range(i1, i2) if i not in match]
            for j in range(j1, j2):
                n = _nbg(rel[j])
                if not n or _kind(n) not in ("solution", "manual") or n["grade_id"] in present:
                    continue
                for i in free:
                    if cells[i]["cell_type"] == rel[j].cell_type:
                        match[i] = j
                        free.remove(i)
                        present.add(n["grade_id"])
                        notes.add("metadata_repaired")
                        break

    # rebuild a clean notebook: matched cells get the release metadata, locked ones its source
    out = []  # (cell, release index or None)
    for i, c in enumerate(cells):
        src = _src(c)
        j = match.get(i)
        meta = {}
        if j is not None:
            r = rel[j]
            meta = copy.deepcopy(dict(r.metadata))
            kind = _kind(_nbg(r))
            if kind in ("test", "locked"):
                gid_r = _nbg(r)["grade_id"]
                if _norm(src) not in (_norm(_src(r)), _norm(source_text.get(gid_r, _src(r)))):
                    if r.cell_type == "code":
                        notes.add("tests_edited")
                    notes.add(f"edited:{_nbg(r)['grade_id']}")
                src = _src(r)
        make = {"code": new_code_cell, "markdown": new_markdown_cell, "raw": new_raw_cell}[c["cell_type"]]
        out.append((make(source=src, metadata=meta), j))
    matched = {j for _, j in out if j is not None}
    for j, r in enumerate(rel):
        n = _nbg(r)
        if j in matched or not n:
            continue
        kind = _kind(n)
        if kind == "solution":
            notes.add(f"missing:{n['grade_id']}")
            continue
        if kind == "test":
            notes.add("tests_deleted")
        notes.add(f"missing:{n['grade_id']}")
        pos = 0
        for k, (_, jj) in enumerate(out):
            if jj is not None and jj < j:
                pos = k + 1
        make = {"code": new_code_cell, "markdown": new_markdown_cell, "raw": new_raw_cell}[r.cell_type]
        out.insert(pos, (make(source=_src(r), metadata=copy.deepcopy(dict(r.metadata))), j))

    nb = new_notebook(metadata=copy.deepcopy(dict(release.metadata)))
    for k, (c, _) in enumerate(out):
        c["id"] = f"cell-{k}"
        nb.cells.append(c)
    nbformat.validate(nb)
    return nb, notes


# --------------------------------------------------------------------------- one worker

_W: dict = {}


def _worker_init(template: str, timeout: int):
    # the workers already use both cores: one BLAS thread per kernel avoids oversubscription
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    root = Path(tempfile.mkdtemp(prefix="nnlab-grade-"))
    shutil.copytree(Path(template) / "solutions", root / "solutions")
    shutil.copy2(Path(template) / "gradebook.db", root / "gradebook.db")
    _W.update(root=root, template=Path(template), timeout=timeout, api=_api(root, timeout), releases={})
    import atexit

    atexit.register(shutil.rmtree, root, True)


def _release(a):
    import nbformat

    if a not in _W["releases"]:
        _W["releases"][a] = nbformat.read(str(_W["template"] / "exercises" / a / f"{a}.ipynb"), as_version=4)
    return _W["releases"][a]


def _source_text(a) -> dict:
    key = ("source", a)
    if key not in _W:
        nb = json.loads((_W["template"] / "solutions" / a / f"{a}.ipynb").read_text(encoding="utf-8"))
        _W[key] = {(_nbg(c) or {}).get("grade_id"): _src(c) for c in nb["cells"] if _nbg(c)}
    return _W[key]


def _hidden_lines(a) -> set[str]:
    key = ("hidden", a)
    if key not in _W:
        text = (_W["template"] / "solutions" / a / f"{a}.ipynb").read_text(encoding="utf-8")
        nb = json.loads(text)
        lines = set()
        for c in nb["cells"]:
            for block in HIDDEN_RE.findall(_src(c)):
                lines |= {ln.strip() for ln in block.splitlines() if len(ln.strip()) >= 8}
        _W[key] = lines
    return _W[key]


def _result(job, status, score=0.0, max_score=None, manual=0.0, notes=(), cells=()):
    return dict(student=job["student"], assignment=job["assignment"], score=score,
                max_score=max_score, manual_max_score=manual, status=status,
                notes=";".join(sorted(notes)), cells=list(cells), file=job.get("file", ""))


def _first_line(err) -> str:
    text = (str(err).strip().splitlines() or [""])[0]
    return text[:120].replace(";", ",")


def _status(words) -> str:
    ws = [w for w in STATUS_ORDER if w in words]
    return "+".join(ws) if ws else "ok"


# Failures of the grading machine, not of the submission: the submission is graded again.
KERNEL_START_ERRORS = ("Address already in use", "ZMQError", "Kernel didn't respond", "before replying to kernel_info")
# Failures caused by the submission itself: retrying would give the same result.
STUDENT_FAILURES = ("DeadKernelError", "Kernel died", "kernel died", "Timeout", "timed out")


def grade_one(job) -> dict:
    """Grade one submission in this worker's course directory. Never raises."""
    import nbformat

    a, sid = job["assignment"], job["sid"]
    root = _W["root"]
    rel = _release(a)
    max_auto = sum(float(_nbg(c).get("points", 0)) for c in rel.cells
                   if _nbg(c) and _kind(_nbg(c)) == "test")
    max_manual = sum(float(_nbg(c).get("points", 0)) for c in rel.cells
                     if _nbg(c) and _kind(_nbg(c)) == "manual")
    if not job.get("file"):
        return _result(job, "missing", 0.0, max_auto, max_manual, ["no .ipynb file in the folder"])
    try:
        raw = Path(job["file"]).read_bytes()
        sub = nbformat.reads(raw.decode("utf-8"), as_version=4)
        if not isinstance(sub.get("cells"), list):
            raise ValueError("no list of cells")
        nb, notes = repair(sub, rel, _source_text(a))
    except Exception as err:  # not JSON, not a notebook, ...
        return _result(job, "invalid", 0.0, max_auto, max_manual,
                       [f"not a readable notebook: {type(err).__name__}: {_first_line(err)}"])
    if job.get("extra_notes"):
        notes |= set(job["extra_notes"])
    sub_dir = root / "submitted" / sid / a
    auto_dir = root / "autograded" / sid / a
    for d in (sub_dir, auto_dir):
        if d.exists():
            shutil.rmtree(d)
    sub_dir.mkdir(parents=True)
    nbformat.write(nb, str(sub_dir / f"{a}.ipynb"))
    for attempt in range(3):
        try:
            res = _W["api"].autograde(a, sid, force=True, create=True)
        except Exception as err:  # nbgrader itself failed
            res = {"success": False, "log": "", "error": f"{type(err).__name__}: {err}"}
        text = (res.get("log") or "") + "\n" + (res.get("error") or "")
        if res.get("success"):
            break
        startup = any(s in text for s in KERNEL_START_ERRORS)
        student = not startup and any(s in text for s in STUDENT_FAILURES)
        if student or attempt == 2:
            break
        # A failure of the grading machine (two workers' kernels picking the same port, a slow
        # kernel start), not of the submission: grade it again rather than lose the grade.
        notes.add(f"grading failed on attempt {attempt + 1} and was repeated")
    if not res.get("success"):
        if startup:
            notes.add("error")
            notes.add("the grading machine could not start a kernel (3 attempts): grade this submission again")
        elif "DeadKernelError" in text or "Kernel died" in text or "kernel died" in text:
            notes.add("crashed")
            notes.add("the kernel died while running the notebook; nothing could be graded")
        elif "Timeout" in text or "timed out" in text:
            notes.add("timeout")
            notes.add("the kernel stopped answering after a time limit; nothing could be graded")
        else:
            notes.add("error")
            last = [ln for ln in text.strip().splitlines() if ln.strip()][-1:] or ["unknown error"]
            notes.add("nbgrader failed: " + last[0][:200].replace(";", ","))
        return _result(job, _status(notes), 0.0, max_auto, max_manual,
                       [n for n in notes if n not in STATUS_ORDER])
    from nbgrader.api import Gradebook

    graded = nbformat.read(str(auto_dir / f"{a}.ipynb"), as_version=4)
    outputs = {}
    for k, c in enumerate(graded.cells):
        n = _nbg(c)
        errs = [o for o in c.get("outputs", []) if o.get("output_type") == "error"]
        if any(o.get("ename") in TIMEOUT_ENAMES for o in errs):
            notes.add("timeout")
            notes.add(f"timeout:{n['grade_id'] if n else f'cell {k + 1}'}")
        if n and n.get("grade_id"):
            outputs[n["grade_id"]] = errs
    hidden = _hidden_lines(a)
    cells = []
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gb:
        subnb = gb.find_submission_notebook(a, a, sid)
        grades = {g.name: g for g in subnb.grades}
        score = 0.0
        for c in rel.cells:
            n = _nbg(c)
            if not n or _kind(n) not in ("test", "manual"):
                continue
            g = grades.get(n["grade_id"])
            is_hidden = n["grade_id"].startswith("hidden")
            if _kind(n) == "manual":
                cells.append(dict(cell=n["grade_id"], kind="manual", points="", max_points=float(n["points"]),
                                  result="graded by hand", message=""))
                continue
            pts = float(g.auto_score) if g is not None and g.auto_score is not None else 0.0
            score += pts
            errs = outputs.get(n["grade_id"], [])
            passed = g is not None and g.auto_score is not None and pts >= float(g.max_score)
            msg = ""
            if not passed and errs and not is_hidden:
                e = errs[-1]
                msg = f"{e.get('ename', '')}: {e.get('evalue', '')}"[:600]
                msg += HINTS.get(e.get("ename", ""), "")
                if any(h in msg for h in hidden):
                    msg = "(message withheld)"
            cells.append(dict(cell=n["grade_id"], kind="hidden" if is_hidden else "visible",
                              points=pts, max_points=float(n["points"]),
                              result="passed" if passed else "failed", message=msg))
    return _result(job, _status(notes), round(score, 2), max_auto, max_manual,
                   [n for n in notes if n not in STATUS_ORDER], cells)


def _grade_safely(job):
    try:
        return grade_one(job)
    except Exception as err:  # never let one submission stop the others
        return _result(job, "error", 0.0, None, 0.0, [f"grader error: {type(err).__name__}: {err}"[:300]])


# --------------------------------------------------------------------------- driver

def find_jobs(submissions: Path, names) -> tuple[list[dict], list[str]]:
    """One job per SUBMISSIONS/<student>/<assignment>/ folder of a known assignment."""
    jobs, warnings = [], []
    for sdir in sorted(p for p in submissions.iterdir() if p.is_dir() and not p.name.startswith(".")):
        for adir in sorted(p for p in sdir.iterdir() if p.is_dir() and not p.name.startswith(".")):
            if adir.name not in names:
                warnings.append(f"skipped {adir}: unknown assignment (known: {', '.join(names)})")
                continue
            nbs = sorted(p for p in adir.glob("*.ipynb") if p.is_file())
            job = dict(student=sdir.name, assignment=adir.name, sid=f"s{len(jobs):05d}", file="", extra_notes=[])
            if nbs:
                pick = next((p for p in nbs if p.name == f"{adir.name}.ipynb"), nbs[0])
                job["file"] = str(pick)
                if len(nbs) > 1:
                    job["extra_notes"] = [f"{len(nbs)} notebooks in the folder; graded {pick.name}"]
            jobs.append(job)
    return jobs, warnings


def grade_all(submissions: Path, out: Path, timeout: int = 60, workers: int = 2, source: Path = SOLUTIONS,
              log=print) -> list[dict]:
    """Grade a folder of submissions; write out/grades.csv, out/cells.csv and out/feedback/."""
    submissions, out = Path(submissions).resolve(), Path(out).resolve()
    if not submissions.is_dir():
        raise SystemExit(f"SUBMISSIONS={submissions} is not a directory")
    if out == submissions or submissions in out.parents:
        raise SystemExit("OUT must not be inside SUBMISSIONS: grading never writes next to submissions")
    names = assignments(source)
    jobs, warnings = find_jobs(submissions, names)
    for w in warnings:
        log(w)
    results = []
    with tempfile.TemporaryDirectory(prefix="nnlab-course-") as tmp:
        if jobs:
            make_course(Path(tmp), sorted({j["assignment"] for j in jobs}), source, timeout)
            n = max(1, min(workers, len(jobs)))
            ctx = multiprocessing.get_context("spawn")
            with cf.ProcessPoolExecutor(n, mp_context=ctx, initializer=_worker_init,
                                        initargs=(tmp, timeout)) as pool:
                futures = {pool.submit(_grade_safely, j): j for j in jobs}
                for f in cf.as_completed(futures):
                    j = futures[f]
                    try:
                        r = f.result()
                    except Exception as err:  # a worker process died
                        r = _result(j, "error", 0.0, None, 0.0, [f"grading worker failed: {type(err).__name__}"])
                    log(f"{r['student']}/{r['assignment']}: {r['score']}/{r['max_score']} {r['status']}")
                    results.append(r)
    results.sort(key=lambda r: (r["student"], r["assignment"]))
    write_outputs(results, out)
    return results


def write_outputs(results, out: Path):
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "grades.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "assignment", "score", "max_score", "status", "manual_max_score", "notes"])
        for r in results:
            w.writerow([r["student"], r["assignment"], _fmt(r["score"]), _fmt(r["max_score"]), r["status"],
                        _fmt(r["manual_max_score"]), r["notes"]])
    with open(out / "cells.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["student", "assignment", "cell", "kind", "points", "max_points", "result"])
        for r in results:
            for c in r["cells"]:
                w.writerow([r["student"], r["assignment"], c["cell"], c["kind"], _fmt(c["points"]),
                            _fmt(c["max_points"]), c["result"]])
    fb = out / "feedback"
    if fb.exists():
        shutil.rmtree(fb)
    for r in results:
        d = fb / _safe(r["student"])
        d.mkdir(parents=True, exist_ok=True)
        (d / f"{r['assignment']}.html").write_text(feedback_html(r), encoding="utf-8")


def _fmt(x):
    if x is None or x == "":
        return ""
    x = float(x)
    return str(int(x)) if x == int(x) else f"{x:.2f}"


def _safe(name: str) -> str:
    return re.sub(r"[^\w.@-]+", "_", name) or "_"


STATUS_TEXT = {
    "ok": "Your notebook ran from top to bottom.",
    "invalid": "The file is not a readable Jupyter notebook (for example it was cut off or edited as text), so nothing could be graded.",
    "missing": "No notebook was found in your submission folder.",
    "crashed": "The Python kernel died while your notebook ran (for example os._exit or a crash in native code), so nothing could be graded.",
    "timeout": "A cell ran longer than the time limit and was interrupted (an infinite loop?); the rest of the notebook still ran.",
    "tests_deleted": "Some test cells were missing; they were put back from the original and run.",
    "tests_edited": "Some read-only cells (tests or setup) had been changed; the original versions were run instead.",
    "duplicate_cells": "A graded cell appeared more than once; the last copy of an answer cell was graded.",
    "metadata_repaired": "The grading information of some cells was missing; the cells were matched to the original by their content.",
    "error": "The grader failed on this notebook; your instructor will look at it.",
}


def feedback_html(r) -> str:
    e = html.escape
    rows = []
    for c in r["cells"]:
        pts = "" if c["points"] == "" else _fmt(c["points"])
        rows.append(
            f"<tr class='{e(c['result'].split()[0])}'><td><code>{e(c['cell'])}</code></td><td>{e(c['kind'])}</td>"
            f"<td>{e(c['result'])}</td><td>{e(pts)} / {e(_fmt(c['max_points']))}</td>"
            f"<td>{e(c['message'])}</td></tr>")
    status = [STATUS_TEXT.get(w, w) for w in r["status"].split("+")]
    notes = "".join(f"<li>{e(n)}</li>" for n in r["notes"].split(";") if n)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(r['assignment'])}: feedback for {e(r['student'])}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:.3em .6em;vertical-align:top}}tr.passed td:nth-child(3){{color:#060}}
tr.failed td:nth-child(3){{color:#a00}}</style></head><body>
<h1>{e(r['assignment'])}: {e(_fmt(r['score']))} / {e(_fmt(r['max_score']))} points</h1>
<p>Student: <b>{e(r['student'])}</b>. Status: <code>{e(r['status'])}</code>. {' '.join(e(s) for s in status)}</p>
{f"<p>Written answers worth {e(_fmt(r['manual_max_score']))} more points are graded by hand; they are not included above.</p>" if r['manual_max_score'] else ''}
{f'<ul>{notes}</ul>' if notes else ''}
<table><tr><th>test</th><th>kind</th><th>result</th><th>points</th><th>message</th></tr>
{''.join(rows)}
</table>
<p>Visible tests are the test cells you saw in your notebook; hidden tests call your functions on
other shapes and seeds, and only their result is shown here.</p>
</body></html>
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sp = ap.add_subparsers(dest="cmd", required=True)
    g = sp.add_parser("exercises", help="generate exercises/ from solutions/")
    g.add_argument("--out", default=str(ROOT / "exercises"))
    r = sp.add_parser("grade", help="grade a folder of submissions")
    r.add_argument("submissions")
    r.add_argument("--out", default="grades")
    r.add_argument("--timeout", type=int, default=60, help="seconds per cell (default 60)")
    r.add_argument("--workers", type=int, default=min(2, os.cpu_count() or 1))
    args = ap.parse_args(argv)
    if args.cmd == "exercises":
        for p in generate_exercises(Path(args.out)):
            print(f"wrote {p}")
        return 0
    results = grade_all(Path(args.submissions), Path(args.out), args.timeout, args.workers)
    print(f"graded {len(results)} submission(s): {Path(args.out) / 'grades.csv'}, feedback in {Path(args.out) / 'feedback'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
