"""The autograded homework: solutions/ -> exercises/, nbgrader validate, and grading of
made-up submissions (correct, blank, partial, infinite loop, os._exit, deleted / edited test
cell, stripped metadata, duplicated cell, malformed JSON, empty folder).

The submissions are generated here from the solution and exercise notebooks into a tmp dir,
then graded once by tools/grade.py (two workers); every case below reads that one run.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import json
import os
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

try:  # an instructor extra: `make test` installs it (.[test,instructor]), so these tests run there
    import nbgrader  # noqa: F401
except ImportError:
    if os.environ.get("NNLAB_REQUIRE_NBGRADER") or os.environ.get("CI"):
        raise
    pytest.skip("nbgrader is not installed (pip install -e '.[instructor]'); set NNLAB_REQUIRE_NBGRADER=1 "
                "to make this an error", allow_module_level=True)

from tools import grade  # noqa: E402

ASSIGNMENTS = ["hw1", "hw2"]
TIMEOUT = 10  # seconds per cell while testing (the default for real grading is 60)
HIDDEN_RE = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)

pytestmark = pytest.mark.slow


def load(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def gid(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def cell_by_id(nb, grade_id):
    return next(c for c in nb["cells"] if gid(c) == grade_id)


def hidden_lines(a):
    lines = set()
    for c in load(ROOT / "solutions" / a / f"{a}.ipynb")["cells"]:
        for block in HIDDEN_RE.findall("".join(c["source"])):
            lines |= {ln.strip() for ln in block.splitlines() if len(ln.strip()) >= 8}
    return lines


def test_hidden_tests_exist_and_are_whole_cells():
    for a in ASSIGNMENTS:
        nb = load(ROOT / "solutions" / a / f"{a}.ipynb")
        hidden = [c for c in nb["cells"] if "### BEGIN HIDDEN TESTS" in "".join(c["source"])]
        assert len(hidden) >= 4, f"{a}: expected at least 4 hidden test cells"
        for c in hidden:
            assert gid(c).startswith("hidden"), f"{a}: hidden tests live in cells named hidden_*, not {gid(c)}"
            assert c["metadata"]["nbgrader"]["grade"] and c["metadata"]["nbgrader"]["locked"]


def strip_outputs(nb):
    nb = copy.deepcopy(nb)
    for c in nb["cells"]:
        if c["cell_type"] == "code":
            c["outputs"], c["execution_count"] = [], None
    return nb


def test_exercises_match_what_solutions_generate(tmp_path):
    grade.generate_exercises(tmp_path)
    for a in ASSIGNMENTS:
        committed = ROOT / "exercises" / a / f"{a}.ipynb"
        assert committed.exists(), f"{committed} is missing: run `make exercises` and commit it"
        assert load(committed) == load(tmp_path / a / f"{a}.ipynb"), (
            f"exercises/{a} differs from what solutions/{a} generates: run `make exercises` and commit")
        assert sorted(p.name for p in (ROOT / "exercises" / a).iterdir()) == \
            sorted(p.name for p in (tmp_path / a).iterdir())


def test_no_hidden_test_code_or_solution_in_exercises():
    for a in ASSIGNMENTS:
        text = (ROOT / "exercises" / a / f"{a}.ipynb").read_text(encoding="utf-8")
        assert "BEGIN HIDDEN TESTS" not in text and "BEGIN SOLUTION" not in text
        exercise_lines = {ln.strip() for c in load(ROOT / "exercises" / a / f"{a}.ipynb")["cells"]
                          for ln in "".join(c["source"]).splitlines()}
        leaked = hidden_lines(a) & exercise_lines
        assert not leaked, f"hidden test lines appear in exercises/{a}: {sorted(leaked)[:3]}"


def _validate(path, invert=False):
    from nbgrader.validator import Validator
    from traitlets.config import Config

    c = Config()
    c.Validator.invert = invert
    c.Execute.timeout = 60
    return Validator(config=c).validate(str(path))


@pytest.mark.parametrize("a", ASSIGNMENTS)
def test_nbgrader_validate_solutions_pass_and_exercises_fail(a):
    # what `nbgrader validate solutions/<a>/<a>.ipynb` and `nbgrader validate --invert
    # exercises/<a>/<a>.ipynb` run, called in-process to save two interpreter start-ups
    ok = _validate(ROOT / "solutions" / a / f"{a}.ipynb")
    assert not ok.get("failed") and not ok.get("errored") and not ok.get("changed"), ok
    inv = _validate(ROOT / "exercises" / a / f"{a}.ipynb", invert=True)
    assert not inv.get("passed") and not inv.get("errored") and not inv.get("changed"), (
        f"some test cells of the untouched exercise pass: {inv.get('passed')}")


# ----------------------------------------------------------------------------- made-up submissions

def _set_source(nb, grade_id, src):
    cell_by_id(nb, grade_id)["source"] = src


def _solution_source(a, grade_id):
    return "".join(cell_by_id(load(ROOT / "solutions" / a / f"{a}.ipynb"), grade_id)["source"])


def make_submissions(base: Path) -> dict:
    """Write the made-up submissions; return {(student, assignment): (score, status)} expected."""
    sol = {a: strip_outputs(load(ROOT / "solutions" / a / f"{a}.ipynb")) for a in ASSIGNMENTS}
    ex = {a: load(ROOT / "exercises" / a / f"{a}.ipynb") for a in ASSIGNMENTS}
    expected = {}

    def put(student, a, nb=None, text=None, name=None, score=None, status=None):
        d = base / student / a
        d.mkdir(parents=True, exist_ok=True)
        if text is None and nb is not None:
            text = json.dumps(nb, indent=1)
        if text is not None:
            (d / (name or f"{a}.ipynb")).write_text(text, encoding="utf-8")
        expected[(student, a)] = (score, status)

    put("correct", "hw1", sol["hw1"], score=15, status="ok")
    put("correct", "hw2", sol["hw2"], score=14, status="ok")
    put("blank", "hw1", ex["hw1"], score=0, status="ok")

    nb = copy.deepcopy(ex["hw1"])  # partial: question 1 right (4 points), dense_backward with dW / N
    for g in ("sigmoid_prime", "relu_prime"):
        _set_source(nb, g, _solution_source("hw1", g))
    wrong = _solution_source("hw1", "dense_backward").replace("dW = dZ.T @ A_prev", "dW = dZ.T @ A_prev / len(dZ)")
    assert "/ len(dZ)" in wrong
    _set_source(nb, "dense_backward", wrong)  # db and dA_prev still right: 2 more points
    put("partial", "hw1", nb, name="hw1 (1).ipynb", score=6, status="ok")

    nb = copy.deepcopy(sol["hw1"])  # infinite loop in one answer cell: its 2 points are lost
    _set_source(nb, "relu_prime", "while True:\n    pass\n" + _solution_source("hw1", "relu_prime"))
    put("loop", "hw1", nb, score=13, status="timeout")

    nb = copy.deepcopy(sol["hw1"])  # the kernel dies
    _set_source(nb, "dense_forward", "import os\nos._exit(1)\n")
    put("exit", "hw1", nb, score=0, status="crashed")

    nb = copy.deepcopy(sol["hw1"])  # two test cells deleted: restored and run
    nb["cells"] = [c for c in nb["cells"] if gid(c) not in ("test_dense_backward_db", "hidden_softmax_ce")]
    put("deleted", "hw1", nb, score=15, status="tests_deleted")

    nb = copy.deepcopy(ex["hw1"])  # blank answers, a test edited to pass and its points raised
    c = cell_by_id(nb, "test_sigmoid_prime")
    c["source"] = "pass  # all good\n"
    c["metadata"]["nbgrader"]["points"] = 100
    put("edited", "hw1", nb, score=0, status="tests_edited")

    nb = copy.deepcopy(sol["hw1"])  # every cell's metadata stripped
    for c in nb["cells"]:
        c["metadata"] = {}
    put("stripped", "hw1", nb, score=15, status="metadata_repaired")

    nb = copy.deepcopy(sol["hw1"])  # an answer cell and a test cell duplicated
    i = next(k for k, c in enumerate(nb["cells"]) if gid(c) == "sigmoid_prime")
    stub = copy.deepcopy(cell_by_id(ex["hw1"], "sigmoid_prime"))
    nb["cells"].insert(i, stub)  # the stub first, the real answer after it
    j = next(k for k, c in enumerate(nb["cells"]) if gid(c) == "test_relu_prime")
    nb["cells"].insert(j + 1, copy.deepcopy(nb["cells"][j]))
    for k, c in enumerate(nb["cells"]):
        c["id"] = f"c{k}"
    nb["cells"][j + 1]["id"] = nb["cells"][j]["id"]  # duplicated cell ids too
    put("duplicated", "hw1", nb, score=15, status="duplicate_cells")

    text = json.dumps(sol["hw1"], indent=1)
    put("malformed", "hw1", text=text[: len(text) // 2], score=0, status="invalid")
    put("empty", "hw1", score=0, status="missing")
    return expected


def tree_digest(base: Path) -> dict:
    return {str(p.relative_to(base)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(base.rglob("*")) if p.is_file()} | {"__dirs__": sorted(str(p.relative_to(base))
                                                                  for p in base.rglob("*") if p.is_dir())}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("submissions")
    expected = make_submissions(base)
    before = tree_digest(base)
    out = tmp_path_factory.mktemp("grades")
    results = grade.grade_all(base, out, timeout=TIMEOUT, workers=2, log=lambda *a: None)
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return dict(base=base, out=out, expected=expected, before=before, results=results, rows=rows)


def test_grades_csv_has_one_row_per_student_and_assignment(graded):
    rows = graded["rows"]
    assert list(rows[0])[:5] == ["student", "assignment", "score", "max_score", "status"]
    assert {(r["student"], r["assignment"]) for r in rows} == set(graded["expected"])
    assert len(rows) == len(graded["expected"])
    for r in rows:
        assert r["max_score"] == {"hw1": "15", "hw2": "14"}[r["assignment"]], r


CASES = ["correct/hw1", "correct/hw2", "blank/hw1", "partial/hw1", "loop/hw1", "exit/hw1", "deleted/hw1",
         "edited/hw1", "stripped/hw1", "duplicated/hw1", "malformed/hw1", "empty/hw1"]


@pytest.mark.parametrize("case", CASES)
def test_each_submission_gets_the_right_score_and_status(graded, case):
    student, a = case.split("/")
    score, status = graded["expected"][(student, a)]
    row = next(r for r in graded["rows"] if (r["student"], r["assignment"]) == (student, a))
    assert (float(row["score"]), row["status"]) == (score, status), row


def test_crash_and_timeout_are_never_plain_ok(graded):
    by = {(r["student"], r["assignment"]): r for r in graded["rows"]}
    assert "timeout" in by[("loop", "hw1")]["notes"] and "relu_prime" in by[("loop", "hw1")]["notes"]
    assert by[("exit", "hw1")]["status"] != "ok"


def test_manual_question_is_reported_separately(graded):
    row = next(r for r in graded["rows"] if (r["student"], r["assignment"]) == ("correct", "hw2"))
    assert row["manual_max_score"] == "3"


def test_submissions_are_unchanged(graded):
    assert tree_digest(graded["base"]) == graded["before"]


def test_feedback_names_hidden_tests_but_not_their_code(graded):
    fb = graded["out"] / "feedback"
    hidden = hidden_lines("hw1") | hidden_lines("hw2")
    files = sorted(fb.rglob("*.html"))
    assert len(files) == len(graded["expected"])
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert "BEGIN HIDDEN" not in text and "http" not in text.replace("http-equiv", "")
        leaked = [h for h in hidden if h in text]
        assert not leaked, f"{f}: hidden test code in feedback: {leaked[:2]}"
    text = (fb / "correct" / "hw1.html").read_text(encoding="utf-8")
    assert "hidden_dense_backward" in text and "passed" in text and "15 / 15" in text
    text = (fb / "blank" / "hw1.html").read_text(encoding="utf-8")
    assert "hidden_dense_backward" in text and "failed" in text
    assert "NotImplementedError" in text  # visible tests explain what happened


def test_visible_test_messages_are_actionable(graded):
    # a wrong dW: the feedback quotes the relative error and what to check
    cells = {(r["student"], r["assignment"]): r["cells"] for r in graded["results"]}
    partial = {c["cell"]: c for c in cells[("partial", "hw1")]}
    dW = partial["test_dense_backward_dW"]
    assert dW["result"] == "failed" and dW["points"] == 0
    assert "relative error between your dW and the numerical gradient" in dW["message"]
    assert "Check:" in dW["message"]
    assert partial["test_dense_backward_db"]["result"] == "passed"
    assert partial["hidden_dense_backward"]["result"] == "failed"
    assert all(c["message"] == "" for c in cells[("partial", "hw1")] if c["kind"] == "hidden")
    text = (graded["out"] / "feedback" / "partial" / "hw1.html").read_text(encoding="utf-8")
    assert "relative error between your dW" in text


def test_regrading_gives_the_same_table(graded, tmp_path):
    # grade again a few of the same submissions (a copy of them) and compare rows
    import shutil

    keep = {"blank", "partial", "edited", "malformed"}
    sub = tmp_path / "sub"
    for s in keep:
        shutil.copytree(graded["base"] / s, sub / s)
    out = tmp_path / "out"
    grade.grade_all(sub, out, timeout=TIMEOUT, workers=2, log=lambda *a: None)
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        again = list(csv.DictReader(f))
    first = [r for r in graded["rows"] if r["student"] in keep]
    assert again == first


class _FailingApi:
    """Stands in for nbgrader's API: every autograde fails with the given log."""

    def __init__(self, log):
        self.log, self.calls = log, 0

    def autograde(self, *args, **kwargs):
        self.calls += 1
        return {"success": False, "log": self.log, "error": ""}


@pytest.mark.parametrize("log,calls,status", [
    ("zmq.error.ZMQError: Address already in use (addr='tcp://127.0.0.1:53495')", 3, "error"),
    ("RuntimeError: Kernel died before replying to kernel_info", 3, "error"),
    ("nbclient.exceptions.DeadKernelError: Kernel died", 1, "crashed"),
])
def test_grading_machine_failures_are_retried_and_never_blamed_on_the_student(tmp_path, monkeypatch, log, calls, status):
    api = _FailingApi(log)
    monkeypatch.setattr(grade, "_W", {"root": tmp_path, "template": ROOT, "timeout": 10, "api": api, "releases": {}})
    sub = tmp_path / "in" / "hw1.ipynb"
    sub.parent.mkdir()
    sub.write_text((ROOT / "exercises" / "hw1" / "hw1.ipynb").read_text(encoding="utf-8"), encoding="utf-8")
    r = grade.grade_one({"assignment": "hw1", "sid": "s1", "student": "s1", "file": str(sub)})
    assert api.calls == calls
    assert r["status"] == status and r["score"] == 0.0
    if status == "error":
        assert "grade this submission again" in r["notes"]
