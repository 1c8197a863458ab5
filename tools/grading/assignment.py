"""An assignment as the grader sees it, read from the instructor's solution notebook.

Kinds of nbgrader cell: ``solution`` (the student's answer, code), ``test`` (autograded, with
points; runs in the grader's own process, never in the student's kernel), ``locked`` (read-only
instructions and set-up code, restored from the source), ``manual`` (a written answer graded by
hand). Hidden tests are test cells named ``hidden_*``.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path

HIDDEN_RE = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
MARKER_RE = re.compile(r"^\s*### (BEGIN|END) HIDDEN TESTS\s*$", re.M)


def cell_source(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else str(s)


def nbgrader_meta(cell) -> dict | None:
    m = cell.get("metadata")
    n = m.get("nbgrader") if isinstance(m, dict) else None
    return n if isinstance(n, dict) else None


def cell_kind(meta: dict) -> str:
    if meta.get("solution") and meta.get("grade"):
        return "manual"
    if meta.get("solution"):
        return "solution"
    if meta.get("grade"):
        return "test"
    return "locked"


@dataclass(frozen=True)
class TestCell:
    """One autograded test cell: its code (hidden tests included) and what feedback says of it."""

    grade_id: str
    points: float
    hidden: bool
    source: str
    description: str      # the instructor's first comment line: the fixed feedback text


@dataclass(frozen=True)
class Assignment:
    name: str
    source_text: dict          # grade_id -> source in the solutions (hidden tests included)
    setup: tuple               # read-only code cells before the first answer (grade_id, source)
    tests: tuple               # TestCell, in notebook order
    functions: tuple           # names the answer cells define: the graded functions
    own_code: dict             # graded function -> nnlab names its answer may not use
    manual: tuple              # written answers graded by hand: (grade_id, points)

    @property
    def manual_points(self) -> float:
        return sum(p for _, p in self.manual)

    @property
    def max_score(self) -> float:
        return sum(t.points for t in self.tests)


def _description(source: str) -> str:
    for line in source.splitlines():
        s = line.strip()
        if s.startswith("#") and not s.startswith("###"):
            return s.lstrip("# ").strip()
    return ""


def _defined_functions(source: str) -> list[str]:
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]


def load(path: Path) -> Assignment:
    """Read solutions/<a>/<a>.ipynb."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    name = Path(path).stem
    source_text, setup, tests, functions, manual = {}, [], [], [], []
    answered = False
    for c in nb["cells"]:
        meta = nbgrader_meta(c)
        if not meta or not meta.get("grade_id"):
            continue
        gid, src, kind = meta["grade_id"], cell_source(c), cell_kind(meta)
        source_text[gid] = src
        if kind == "test":
            tests.append(TestCell(gid, float(meta.get("points", 0)), gid.startswith("hidden"),
                                  MARKER_RE.sub("", src), _description(src)))
        elif kind == "locked" and c["cell_type"] == "code" and not answered:
            setup.append((gid, src))
        elif kind == "solution" and c["cell_type"] == "code":
            functions += _defined_functions(src)
            answered = True
        elif kind == "manual":
            manual.append((gid, float(meta.get("points", 0))))
    own = nb.get("metadata", {}).get("nnlab_grading", {}).get("own_code", {})
    return Assignment(name, source_text, tuple(setup), tuple(tests), tuple(functions),
                      {k: tuple(v) for k, v in own.items()}, tuple(manual))


def assignment_names(solutions: Path) -> list[str]:
    """Every solutions/<a>/<a>.ipynb."""
    return sorted(p.name for p in solutions.iterdir() if (p / f"{p.name}.ipynb").is_file())


def hidden_lines(path: Path) -> set[str]:
    """The lines of the hidden tests (at least 8 characters), to check that none leaks."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    lines = set()
    for c in nb["cells"]:
        for block in HIDDEN_RE.findall(cell_source(c)):
            lines |= {ln.strip() for ln in block.splitlines() if len(ln.strip()) >= 8}
    return lines
