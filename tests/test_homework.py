"""The autograded homework: solutions/ -> exercises/, nbgrader validate, and grading of
made-up submissions, honest and hostile, in the sandbox (tools/grading).

The submissions are generated here from the solution and exercise notebooks into a tmp dir,
then graded once (two workers, the sandbox on); every case below reads that one run.
Hostile cases follow docs/homework.md's promises: a submission cannot touch other
submissions, the grades, the checkout or later kernels, cannot read hidden tests, cannot patch
how its results are judged, and an answer that uses nnlab's own version scores 0.
"""

from __future__ import annotations

import base64
import copy
import csv
import hashlib
import json
import os
import re
import socket
import sys
import time
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

from tools.grading.cli import grade_all  # noqa: E402
from tools.grading.config import Settings  # noqa: E402
from tools.grading.generate import generate_exercises  # noqa: E402

ASSIGNMENTS = ["hw1", "hw2"]
TIMEOUT = 10  # seconds per cell while testing (the default for real grading is 60)
SETTINGS = Settings(cell_timeout=TIMEOUT, notebook_timeout=120, workers=2)
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
    generate_exercises(tmp_path)
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


def _add_cell(nb, source, after=None):
    """A cell the student added (no nbgrader metadata), after the cell named ``after`` or at the end."""
    cell = {"cell_type": "code", "execution_count": None, "id": f"added{len(nb['cells'])}", "metadata": {},
            "outputs": [], "source": source}
    k = len(nb["cells"]) if after is None else nb["cells"].index(cell_by_id(nb, after)) + 1
    nb["cells"].insert(k, cell)
    return nb


WRONG_HW1 = {  # answers of the right shape and type, with wrong values
    "sigmoid_prime": "def sigmoid_prime(Z):\n    return np.zeros_like(np.asarray(Z, dtype=float))\n",
    "relu_prime": "def relu_prime(Z):\n    return np.zeros(np.shape(Z))\n",
    "dense_forward": "def dense_forward(A_prev, W, b):\n    return np.zeros((len(A_prev), len(W))), (A_prev, W)\n",
    "dense_backward": "def dense_backward(dZ, cache):\n    A_prev, W = cache\n"
                      "    return np.zeros_like(A_prev), np.zeros_like(W), np.zeros(W.shape[0])\n",
    "softmax_cross_entropy": "def softmax_cross_entropy(Z, y):\n    return 0.0, np.zeros_like(Z)\n",
}


def make_submissions(base: Path, out: Path, port: int) -> dict:
    """Write the made-up submissions; return {(student, assignment): (score, status)} expected."""
    sol = {a: strip_outputs(load(ROOT / "solutions" / a / f"{a}.ipynb")) for a in ASSIGNMENTS}
    ex = {a: load(ROOT / "exercises" / a / f"{a}.ipynb") for a in ASSIGNMENTS}
    expected = {}

    def put(student, a, nb=None, text=None, name=None, score=None, status=None, raw=None):
        d = base / student / a
        d.mkdir(parents=True, exist_ok=True)
        if text is None and nb is not None:
            text = json.dumps(nb, indent=1)
        if raw is not None:
            (d / (name or f"{a}.ipynb")).write_bytes(raw)
        elif text is not None:
            (d / (name or f"{a}.ipynb")).write_text(text, encoding="utf-8")
        expected[(student, a)] = (score, status)

    # -- honest cases
    put("correct", "hw1", sol["hw1"], score=15, status="ok")
    put("correct", "hw2", sol["hw2"], score=14, status="ok")
    put("blank", "hw1", ex["hw1"], score=0, status="ok")

    # -- the Chinese student edition (zh_TW/exercises, from locales/zh_TW): graded the same way
    from tools import i18n

    zh = {a: i18n.generated(ROOT)[f"exercises/{a}/{a}.ipynb"][0] for a in ASSIGNMENTS}
    for a in ASSIGNMENTS:
        assert zh[a]["cells"] != ex[a]["cells"], "the Chinese homework should differ in its markdown"
        nb = copy.deepcopy(zh[a])
        for c in nb["cells"]:
            meta = c.get("metadata", {}).get("nbgrader", {})
            if meta.get("solution") and c["cell_type"] == "code":
                c["source"] = _solution_source(a, meta["grade_id"])
        put("chinese", a, nb, score={"hw1": 15, "hw2": 14}[a], status="ok")
    put("chineseblank", "hw1", zh["hw1"], score=0, status="ok")

    nb = copy.deepcopy(ex["hw1"])  # partial: question 1 right (4 points), dense_backward with dW / N
    for g in ("sigmoid_prime", "relu_prime"):
        _set_source(nb, g, _solution_source("hw1", g))
    wrong = _solution_source("hw1", "dense_backward").replace("dW = dZ.T @ A_prev", "dW = dZ.T @ A_prev / len(dZ)")
    assert "/ len(dZ)" in wrong
    _set_source(nb, "dense_backward", wrong)  # db and dA_prev still right: 2 more points
    put("partial", "hw1", nb, name="hw1 (1).ipynb", score=6, status="ok")

    nb = copy.deepcopy(sol["hw1"])  # infinite loop before relu_prime's def: its 2 points are lost
    _set_source(nb, "relu_prime", "while True:\n    pass\n" + _solution_source("hw1", "relu_prime"))
    put("loop", "hw1", nb, score=13, status="timeout")

    nb = copy.deepcopy(sol["hw1"])  # the kernel dies in one cell: that cell is skipped, the rest graded
    _set_source(nb, "dense_forward", "import os\nos._exit(1)\n")
    put("exit", "hw1", nb, score=13, status="crashed")

    nb = copy.deepcopy(sol["hw1"])  # two test cells deleted: the tests come from the source anyway
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
    nb["cells"].insert(i, copy.deepcopy(cell_by_id(ex["hw1"], "sigmoid_prime")))  # the stub first
    j = next(k for k, c in enumerate(nb["cells"]) if gid(c) == "test_relu_prime")
    nb["cells"].insert(j + 1, copy.deepcopy(nb["cells"][j]))
    for k, c in enumerate(nb["cells"]):
        c["id"] = f"c{k}"
    nb["cells"][j + 1]["id"] = nb["cells"][j]["id"]  # duplicated cell ids too
    put("duplicated", "hw1", nb, score=15, status="duplicate_cells")

    text = json.dumps(sol["hw1"], indent=1)
    put("malformed", "hw1", text=text[: len(text) // 2], score=0, status="invalid")
    put("empty", "hw1", score=0, status="missing")

    # -- small holes of the old grader
    nb = copy.deepcopy(sol["hw1"])  # correct answers that write to stderr (a warning, a print, tqdm)
    _set_source(nb, "sigmoid_prime", "import sys, warnings\nfrom tqdm import tqdm\n"
                "warnings.warn('a warning')\nprint('debug', file=sys.stderr)\nfor _ in tqdm(range(3)):\n    pass\n"
                + _solution_source("hw1", "sigmoid_prime"))
    put("stderr", "hw1", nb, score=15, status="ok")
    nb = copy.deepcopy(sol["hw1"])  # exit() in the first answer cell
    _set_source(nb, "sigmoid_prime", _solution_source("hw1", "sigmoid_prime") + "\nexit()\n")
    put("callsexit", "hw1", nb, score=15, status="ok")
    nb = _add_cell(copy.deepcopy(sol["hw1"]), "raise KeyboardInterrupt('mine')\n", after="relu_prime")
    put("ownkbint", "hw1", nb, score=15, status="ok")   # the student's own KeyboardInterrupt is not a timeout
    put("bom", "hw1", raw=b"\xef\xbb\xbf" + json.dumps(sol["hw1"]).encode(), score=15, status="ok")
    put("r space", "hw1", ex["hw1"], score=0, status="ok")
    put("r_space", "hw1", sol["hw1"], score=15, status="ok")
    (base / "linked" / "hw1").mkdir(parents=True)
    (base / "linked" / "hw1" / "hw1.ipynb").symlink_to(ROOT / "solutions" / "hw1" / "hw1.ipynb")
    expected[("linked", "hw1")] = (0, "invalid")
    (base / ".hidden" / "hw1").mkdir(parents=True)
    (base / ".hidden" / "hw1" / "hw1.ipynb").write_text(json.dumps(sol["hw1"]), encoding="utf-8")

    # -- hostile cases
    others = [str(base / s / "hw1" / "hw1.ipynb") for s in ("correct", "blank", "partial")]
    nb = _add_cell(copy.deepcopy(sol["hw1"]),  # overwrite other students' submissions while they wait
                   f"for _p in {others!r}:\n    try:\n        open(_p, 'w').write('{{}}')\n    except OSError:\n"
                   "        pass\n")
    put("overwrite", "hw1", nb, score=15, status="ok")
    nb = _add_cell(copy.deepcopy(sol["hw1"]),  # a detached process that edits grades.csv later
                   "import os\nos.system(\"setsid sh -c 'sleep 4; echo correct,hw1,99 >> "
                   f"{out / 'grades.csv'}; echo pwned > {out / 'pwned.txt'}' >/dev/null 2>&1 &\")\n")
    put("detached", "hw1", nb, score=15, status="ok")
    targets = [ROOT / "nnlab" / "evil.py", ROOT / "solutions" / "evil.txt", ROOT / "grades.csv",
               Path(sys.prefix) / "lib" / "evil.pth", Path.home() / ".ipython" / "profile_default" / "startup" / "0.py",
               Path(os.path.expanduser("~")) / ".bashrc_nnlab_evil"]
    nb = _add_cell(copy.deepcopy(sol["hw1"]),  # writes into the checkout, the venv, a start-up file
                   "import os\n_evil = \"import numpy\\nnumpy.allclose = lambda *a, **k: True\\n\"\n"
                   f"for _p in {[str(t) for t in targets]!r} + [os.path.expanduser('~/.ipython/profile_default/startup/0.py')]:\n"
                   "    try:\n        os.makedirs(os.path.dirname(_p), exist_ok=True)\n"
                   "        open(_p, 'w').write(_evil)\n    except OSError:\n        pass\n")
    put("writer", "hw1", nb, score=15, status="ok")
    nb = copy.deepcopy(ex["hw1"])  # patched comparisons with wrong answers
    for g, s in WRONG_HW1.items():
        _set_source(nb, g, s)
    _add_cell(nb, "import numpy\nimport nnlab.gradcheck\nnumpy.allclose = lambda *a, **k: True\n"
                  "numpy.array_equal = lambda *a, **k: True\nnumpy.isclose = lambda *a, **k: True\n"
                  "nnlab.gradcheck.relative_error = lambda *a, **k: 0.0\n")
    put("patcher", "hw1", nb, score=0, status="ok")
    nb = _add_cell(copy.deepcopy(ex["hw1"]),  # an input transformer that blanks every later cell
                   "def _blank(lines):\n    return ['pass\\n']\nget_ipython().input_transformers_post.append(_blank)\n",
                   after="setup")
    put("transformer", "hw1", nb, score=0, status="own_code")
    nb = copy.deepcopy(ex["hw1"])  # nnlab's own answers
    _set_source(nb, "sigmoid_prime", "from nnlab.activations import sigmoid_prime\n")
    _set_source(nb, "relu_prime", "relu_prime = nnlab.activations.relu_prime\n")
    _set_source(nb, "dense_forward", "from nnlab import layers as L\ndense_forward = L.dense_forward\n")
    _set_source(nb, "dense_backward", "def dense_backward(dZ, cache):\n    return nnlab.dense_backward(dZ, cache)\n")
    _set_source(nb, "softmax_cross_entropy", "softmax_cross_entropy = getattr(nnlab, 'losses').softmax_cross_entropy\n")
    put("imports", "hw1", nb, score=0, status="own_code")
    nb = copy.deepcopy(sol["hw2"])  # hw2 with nnlab's minibatches: those tests and train's score 0
    _set_source(nb, "minibatches", "from nnlab.data import minibatches\n")
    put("imports", "hw2", nb, score=6, status="own_code")
    leak = (f"import base64, glob\n_found = []\nfor _p in glob.glob({str(ROOT.parent) + '/**/*.ipynb'!r}, recursive=True) + "
            f"glob.glob('/tmp/**/*.ipynb', recursive=True) + [{str(ROOT / 'solutions' / 'hw1' / 'hw1.ipynb')!r}]:\n"
            "    try:\n        _found.append(open(_p).read())\n    except OSError:\n        pass\n"
            "_blob = '\\n'.join(_found)\n_enc = base64.b64encode(_blob.encode()).decode()\n")
    nb = _add_cell(copy.deepcopy(ex["hw1"]), leak)  # exfiltration: raw, base64 and reversed, into every channel
    _set_source(nb, "sigmoid_prime", "def sigmoid_prime(Z):\n    raise ValueError(_blob + _enc + _blob[::-1])\n")
    _set_source(nb, "relu_prime", "def relu_prime(Z):\n    return _blob + _enc\n")
    _set_source(nb, "dense_forward", "def dense_forward(A_prev, W, b):\n    return [_blob[::-1]], (A_prev, W)\n")
    put("leaker", "hw1", nb, score=0, status="ok")
    nb = _add_cell(copy.deepcopy(sol["hw1"]),  # a network connection to the grading machine
                   f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2).sendall(b'x')\n"
                   "except OSError:\n    pass\n")
    put("network", "hw1", nb, score=15, status="ok")
    nb = _add_cell(copy.deepcopy(sol["hw1"]), "print('x' * 50_000_000)\n")  # 50 MB of output
    put("flood", "hw1", nb, score=15, status="ok")
    nb = _add_cell(copy.deepcopy(sol["hw1"]), "import time\ntime.sleep(1000)\n", after="sigmoid_prime")
    put("sleeper", "hw1", nb, score=15, status="timeout")   # a sleeping cell costs only itself
    return expected, targets


def tree_digest(base: Path) -> dict:
    return {str(p.relative_to(base)): (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in sorted(base.rglob("*")) if p.is_file() and not p.is_symlink()} | {
        "__dirs__": sorted(str(p.relative_to(base)) for p in base.rglob("*") if p.is_dir())}


def checkout_digest() -> dict:
    return {d: tree_digest(ROOT / d) for d in ("nnlab", "solutions", "exercises", "tools", "notebooks")}


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    base = tmp_path_factory.mktemp("submissions")
    out = tmp_path_factory.mktemp("grades")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.1)
    expected, targets = make_submissions(base, out, listener.getsockname()[1])
    before, checkout = tree_digest(base), checkout_digest()
    log = []
    results = grade_all(base, out, SETTINGS, log=log.append)
    time.sleep(6)   # longer than the detached process of "detached" would wait
    try:
        connected = listener.accept() is not None
    except OSError:
        connected = False
    listener.close()
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return dict(base=base, out=out, expected=expected, before=before, checkout=checkout, results=results,
                rows=rows, log=log, targets=targets, connected=connected)


def row(graded, student, a="hw1"):
    return next(r for r in graded["rows"] if (r["student"], r["assignment"]) == (student, a))


def result(graded, student, a="hw1"):
    return next(r for r in graded["results"] if (r.student, r.assignment) == (student, a))


def test_grades_csv_has_one_row_per_student_and_assignment(graded):
    rows = graded["rows"]
    assert list(rows[0]) == ["student", "assignment", "score", "max_score", "status", "manual_max_score",
                             "sandbox", "notes"]
    assert {(r["student"], r["assignment"]) for r in rows} == set(graded["expected"])
    assert len(rows) == len(graded["expected"])
    for r in rows:
        assert r["max_score"] == {"hw1": "15", "hw2": "14"}[r["assignment"]], r
        assert r["sandbox"] == "bwrap", r


@pytest.mark.parametrize("case", [
    "correct/hw1", "correct/hw2", "blank/hw1", "chinese/hw1", "chinese/hw2", "chineseblank/hw1", "partial/hw1", "loop/hw1", "exit/hw1", "deleted/hw1",
    "edited/hw1", "stripped/hw1", "duplicated/hw1", "malformed/hw1", "empty/hw1",
    "stderr/hw1", "callsexit/hw1", "ownkbint/hw1", "bom/hw1", "r space/hw1", "r_space/hw1", "linked/hw1",
    "overwrite/hw1", "detached/hw1", "writer/hw1", "patcher/hw1", "transformer/hw1", "imports/hw1",
    "imports/hw2", "leaker/hw1", "network/hw1", "flood/hw1", "sleeper/hw1"])
def test_each_submission_gets_the_right_score_and_status(graded, case):
    student, a = case.split("/")
    score, status = graded["expected"][(student, a)]
    r = row(graded, student, a)
    assert (float(r["score"]), r["status"]) == (score, status), r


def test_statuses_say_what_happened(graded):
    assert "relu_prime" in row(graded, "loop")["notes"] and "time limit" in row(graded, "loop")["notes"]
    assert "dense_forward" in row(graded, "exit")["notes"] and "skipped" in row(graded, "exit")["notes"]
    assert "symbolic link" in row(graded, "linked")["notes"]
    assert any(".hidden" in w and "hidden folder" in w for w in graded["log"]), graded["log"]
    assert "sigmoid_prime" not in row(graded, "sleeper")["notes"] or "cell" in row(graded, "sleeper")["notes"]
    assert row(graded, "ownkbint")["status"] == "ok"   # not labelled timeout
    assert "nnlab's" in row(graded, "imports")["notes"]


def test_answers_using_nnlab_score_zero_with_a_reason(graded):
    fb = (graded["out"] / "feedback" / "imports" / "hw1.html").read_text(encoding="utf-8")
    assert "must be your own code" in fb
    tests = {t.grade_id: t for t in result(graded, "imports", "hw2").tests}
    assert tests["test_sgd_step"].result == "passed" and tests["test_minibatch_sizes"].points == 0
    assert tests["test_train"].points == 0 and "own code" in tests["test_train"].message


def test_manual_question_is_reported_separately(graded):
    assert row(graded, "correct", "hw2")["manual_max_score"] == "3"


def test_no_file_outside_the_private_copy_changes(graded):
    assert tree_digest(graded["base"]) == graded["before"]
    assert checkout_digest() == graded["checkout"]
    for t in graded["targets"]:
        assert not t.exists(), f"a submission wrote {t}"
    assert not (graded["out"] / "pwned.txt").exists()
    assert "99" not in (graded["out"] / "grades.csv").read_text(encoding="utf-8")
    assert sorted(p.name for p in graded["out"].iterdir()) == ["cells.csv", "feedback", "grades.csv"]


def test_no_network_connection_left_the_sandbox(graded):
    assert not graded["connected"]


def test_feedback_names_hidden_tests_but_never_their_code(graded):
    fb = graded["out"] / "feedback"
    hidden = hidden_lines("hw1") | hidden_lines("hw2")
    sol_text = (ROOT / "solutions" / "hw1" / "hw1.ipynb").read_text(encoding="utf-8")
    encoded = base64.b64encode(sol_text.encode()).decode()
    files = sorted(fb.rglob("*.html"))
    assert len(files) == len(graded["expected"])
    everything = (graded["out"] / "grades.csv").read_text(encoding="utf-8") + \
        (graded["out"] / "cells.csv").read_text(encoding="utf-8")
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert "BEGIN HIDDEN" not in text and "http" not in text.replace("http-equiv", "")
        everything += text
    for h in hidden:
        assert h not in everything and h[::-1] not in everything, f"hidden test code leaked: {h}"
    assert encoded[:40] not in everything and "BEGIN SOLUTION" not in everything
    text = (fb / "correct" / "hw1.html").read_text(encoding="utf-8")
    assert "hidden_dense_backward" in text and "passed" in text and "15 / 15" in text
    text = (fb / "blank" / "hw1.html").read_text(encoding="utf-8")
    assert "hidden_dense_backward" in text and "failed" in text and "NotImplementedError" in text


def test_hidden_tests_show_only_the_instructors_description(graded):
    for r in graded["results"]:
        for t in r.tests:
            if t.kind == "hidden" and "own code" not in t.message:
                desc = next(x for x in re.findall(r"# (Hidden test.*)", "".join(
                    cell_by_id(load(ROOT / "solutions" / r.assignment / f"{r.assignment}.ipynb"), t.grade_id)["source"])))
                assert t.message == desc, (r.student, t)


def test_visible_test_messages_are_actionable(graded):
    partial = {t.grade_id: t for t in result(graded, "partial").tests}
    dW = partial["test_dense_backward_dW"]
    assert dW.result == "failed" and dW.points == 0
    assert "relative error between your dW and the numerical gradient" in dW.message and "Check:" in dW.message
    assert partial["test_dense_backward_db"].result == "passed"
    assert partial["hidden_dense_backward"].result == "failed"
    text = (graded["out"] / "feedback" / "partial" / "hw1.html").read_text(encoding="utf-8")
    assert "relative error between your dW" in text


def test_feedback_folders_are_distinct_for_similar_names(graded):
    fb = graded["out"] / "feedback"
    a = (fb / "r%20space" / "hw1.html").read_text(encoding="utf-8")
    b = (fb / "r_space" / "hw1.html").read_text(encoding="utf-8")
    assert "0 / 15" in a and "15 / 15" in b


def test_regrading_gives_the_same_table(graded, tmp_path):
    import shutil

    keep = {"blank", "partial", "edited", "malformed", "patcher", "imports"}
    sub = tmp_path / "sub"
    for s in keep:
        shutil.copytree(graded["base"] / s, sub / s)
    out = tmp_path / "out"
    grade_all(sub, out, SETTINGS, log=lambda *a: None)
    with open(out / "grades.csv", newline="", encoding="utf-8") as f:
        again = list(csv.DictReader(f))
    assert again == [r for r in graded["rows"] if r["student"] in keep]


def test_grading_without_a_sandbox_is_explicit_and_marked(tmp_path):
    from dataclasses import replace

    sub = tmp_path / "sub" / "s1" / "hw1"
    sub.mkdir(parents=True)
    (sub / "hw1.ipynb").write_text(json.dumps(strip_outputs(load(ROOT / "solutions" / "hw1" / "hw1.ipynb"))),
                                   encoding="utf-8")
    log = []
    grade_all(tmp_path / "sub", tmp_path / "out", replace(SETTINGS, sandbox=False), log=log.append)
    rows = list(csv.DictReader(open(tmp_path / "out" / "grades.csv", encoding="utf-8")))
    assert rows[0]["sandbox"] == "off" and rows[0]["score"] == "15"
    assert any("WITHOUT a sandbox" in w for w in log)


def test_without_bubblewrap_grading_stops_and_says_what_to_do(tmp_path, monkeypatch):
    import shutil

    from tools.grading import sandbox

    real = shutil.which
    monkeypatch.setattr(sandbox.shutil, "which", lambda t: None if t == "bwrap" else real(t))
    (tmp_path / "sub").mkdir()
    with pytest.raises(SystemExit) as err:
        grade_all(tmp_path / "sub", tmp_path / "out", SETTINGS, log=lambda *a: None)
    assert "apt-get install bubblewrap" in str(err.value) and "SANDBOX=off" in str(err.value)
    assert not (tmp_path / "out").exists()
