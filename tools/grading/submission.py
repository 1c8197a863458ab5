"""Finding submissions, reading them safely, and making a notebook gradable.

Submissions are only read, never written. A submission's notebook is matched against the
released notebook: cells whose nbgrader metadata was stripped are matched by content and
position, duplicated graded cells are made unique, deleted read-only cells are put back. What
the kernel then runs is the student's answer cells and added cells, with read-only code from
the source; test cells never run there.
"""

from __future__ import annotations

import difflib
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from .assignment import cell_kind, cell_source, nbgrader_meta

MAX_NOTEBOOK_BYTES = 20 * 2**20


@dataclass
class Job:
    """One student's folder for one assignment."""

    student: str
    assignment: str
    file: Path | None
    notes: list = field(default_factory=list)


class Unreadable(ValueError):
    """The file is not a notebook the grader can read; the message says why."""


def find_jobs(submissions: Path, names) -> tuple[list[Job], list[str]]:
    """One job per SUBMISSIONS/<student>/<assignment>/ of a known assignment, and warnings."""
    jobs, warnings = [], []
    for sdir in sorted(submissions.iterdir()):
        if sdir.is_symlink():
            warnings.append(f"skipped {sdir}: a symbolic link (copy the folder itself)")
            continue
        if not sdir.is_dir():
            continue
        if sdir.name.startswith("."):
            warnings.append(f"skipped {sdir}: a hidden folder (its name starts with '.'); rename it to grade it")
            continue
        for adir in sorted(sdir.iterdir()):
            if adir.is_symlink() or not adir.is_dir() or adir.name.startswith("."):
                if adir.is_dir() or adir.is_symlink():
                    warnings.append(f"skipped {adir}: a link or hidden folder")
                continue
            if adir.name not in names:
                warnings.append(f"skipped {adir}: unknown assignment (known: {', '.join(names)})")
                continue
            nbs = sorted(p for p in adir.iterdir() if p.name.endswith(".ipynb") and not p.name.startswith("."))
            job = Job(sdir.name, adir.name, None)
            if nbs:
                pick = next((p for p in nbs if p.name == f"{adir.name}.ipynb"), nbs[0])
                job.file = pick
                if len(nbs) > 1:
                    job.notes.append(f"{len(nbs)} notebooks in the folder; graded {pick.name}")
            jobs.append(job)
    return jobs, warnings


def feedback_name(student: str) -> str:
    """A file name for a student that no other student's name maps to ("r space" != "r_space")."""
    return quote(student, safe="@-_.") or "%00"


def read_notebook(path: Path):
    """The notebook at ``path`` (nbformat v4), never following a link; Unreadable otherwise."""
    import nbformat

    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as err:
        if Path(path).is_symlink():
            raise Unreadable("the notebook is a symbolic link, not a file: submit the notebook itself") from None
        raise Unreadable(f"cannot open it ({err.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise Unreadable("not a regular file")
        if st.st_size > MAX_NOTEBOOK_BYTES:
            raise Unreadable(f"{st.st_size / 2**20:.0f} MB, larger than {MAX_NOTEBOOK_BYTES // 2**20} MB "
                             "(clear the outputs and submit again)")
        with os.fdopen(fd, "rb", closefd=False) as f:
            raw = f.read(MAX_NOTEBOOK_BYTES + 1)
    finally:
        os.close(fd)
    try:
        text = raw.decode("utf-8-sig")   # a byte-order mark is fine
    except UnicodeDecodeError:
        raise Unreadable("not UTF-8 text") from None
    try:
        nb = nbformat.reads(text, as_version=4)
    except Exception as err:
        raise Unreadable(f"not a readable notebook ({type(err).__name__})") from None
    if not isinstance(nb.get("cells"), list):
        raise Unreadable("a notebook without a list of cells")
    return nb


def _norm(s: str) -> str:
    return "\n".join(line.rstrip() for line in s.strip().splitlines())


@dataclass
class Prepared:
    """What to run in the kernel, and what the repair noticed."""

    code: list            # (label, source): the cells the kernel runs, in order
    student_code: list    # sources of the cells the student wrote (answers and added cells)
    notes: set


def prepare(sub, release, source_text: dict) -> Prepared:
    """Match the submission's cells to the released notebook (see the module docstring)."""
    notes: set[str] = set()
    rel = release.cells
    rel_id = {}
    for i, c in enumerate(rel):
        n = nbgrader_meta(c)
        if n and n.get("grade_id"):
            rel_id[n["grade_id"]] = i
    cells = [c for c in sub.cells if isinstance(c, dict) and c.get("cell_type") in ("code", "markdown", "raw")]

    gid = []
    for c in cells:
        n = nbgrader_meta(c)
        g = n.get("grade_id") if n else None
        ok = isinstance(g, str) and g in rel_id and rel[rel_id[g]].cell_type == c["cell_type"]
        gid.append(g if ok else None)

    # duplicates: keep the last copy of an answer cell, the first copy of anything else
    for g in {g for g in gid if g is not None and gid.count(g) > 1}:
        idx = [i for i, x in enumerate(gid) if x == g]
        keep = idx[-1] if cell_kind(nbgrader_meta(rel[rel_id[g]])) in ("solution", "manual") else idx[0]
        for i in idx:
            if i != keep:
                gid[i] = "__duplicate__"
        notes.add("duplicate_cells")

    present = {g for g in gid if g}

    def rel_key(c):
        n = nbgrader_meta(c)
        g = n.get("grade_id") if n else None
        if g is None or (g not in present and cell_kind(n) not in ("solution", "manual")):
            return f"SRC:{c.cell_type}:{_norm(cell_source(c))}"
        return f"ID:{g}"

    alias = {}
    for c in rel:
        n = nbgrader_meta(c)
        if n and cell_kind(n) in ("test", "locked") and n["grade_id"] in source_text:
            alias[_norm(source_text[n["grade_id"]])] = _norm(cell_source(c))

    def sub_key(g, c):
        if g and g != "__duplicate__":
            return f"ID:{g}"
        s = _norm(cell_source(c))
        return f"SRC:{c['cell_type']}:{alias.get(s, s)}"

    match = {i: rel_id[g] for i, g in enumerate(gid) if g and g != "__duplicate__"}
    sm = difflib.SequenceMatcher(None, [sub_key(g, c) for g, c in zip(gid, cells)],
                                 [rel_key(c) for c in rel], autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            for i, j in zip(range(i1, i2), range(j1, j2)):
                if i not in match and gid[i] != "__duplicate__" and nbgrader_meta(rel[j]):
                    match[i] = j
                    notes.add("metadata_repaired")
        elif op == "replace":
            free = [i for i in range(i1, i2) if i not in match and gid[i] != "__duplicate__"]
            for j in range(j1, j2):
                n = nbgrader_meta(rel[j])
                if not n or cell_kind(n) not in ("solution", "manual") or n["grade_id"] in present:
                    continue
                for i in free:
                    if cells[i]["cell_type"] == rel[j].cell_type:
                        match[i] = j
                        free.remove(i)
                        present.add(n["grade_id"])
                        notes.add("metadata_repaired")
                        break

    # cells in order: matched ones as the release says, unmatched ones are the student's own
    out = []   # (release index or None, kind, label, source)
    for i, c in enumerate(cells):
        if gid[i] == "__duplicate__":
            continue
        j = match.get(i)
        if j is None:
            out.append((None, "added", f"cell {i + 1}", cell_source(c), c["cell_type"]))
            continue
        n = nbgrader_meta(rel[j])
        kind = cell_kind(n)
        src = cell_source(c)
        if kind in ("test", "locked"):
            if _norm(src) not in (_norm(cell_source(rel[j])), _norm(source_text.get(n["grade_id"], ""))):
                notes.add("tests_edited" if rel[j].cell_type == "code" else "readonly_edited")
            src = source_text.get(n["grade_id"], cell_source(rel[j]))
        out.append((j, kind, n["grade_id"], src, rel[j].cell_type))
    matched = {o[0] for o in out if o[0] is not None}
    for j, r in enumerate(rel):
        n = nbgrader_meta(r)
        if j in matched or not n or cell_kind(n) in ("solution", "manual"):
            continue
        if cell_kind(n) == "test":
            notes.add("tests_deleted")
        pos = 0
        for k, o in enumerate(out):
            if o[0] is not None and o[0] < j:
                pos = k + 1
        out.insert(pos, (j, cell_kind(n), n["grade_id"], source_text.get(n["grade_id"], cell_source(r)), r.cell_type))

    code, student = [], []
    for _, kind, label, src, ctype in out:
        if ctype != "code" or kind == "test":
            continue
        code.append((label, src))
        if kind in ("solution", "added"):
            student.append(src)
    notes.discard("readonly_edited")
    return Prepared(code, student, notes)
