"""The student edition (tools/student_edition.py, `make student-edition`): what students get.

No line of a solution or of a hidden test is in it. One honest exception: nnlab/ and the
lecture notebooks are in the edition, and they teach and implement some of what the homework
asks for, so a solution line that is also a line of nnlab/*.py or of a lecture notebook's code
(e.g. ``Z = A_prev @ W.T + b``, ``return net``) is allowed; the test names those lines and
checks that they are few. Grading scores an answer
that calls nnlab's version 0, and the homework says so.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import student_edition  # noqa: E402

REGION = re.compile(r"### BEGIN (SOLUTION|HIDDEN TESTS)\n(.*?)### END (SOLUTION|HIDDEN TESTS)", re.S)


def meaningful(line: str) -> bool:
    s = line.strip()
    return len(s) >= 8 and not s.startswith("#")


def secret_lines() -> set[str]:
    """Stripped lines of every solution and hidden-test region of solutions/*/*.ipynb."""
    lines = set()
    for p in sorted((ROOT / "solutions").glob("*/*.ipynb")):
        for c in json.loads(p.read_text(encoding="utf-8"))["cells"]:
            for _, body, _ in REGION.findall("".join(c["source"])):
                lines |= {ln.strip() for ln in body.splitlines() if meaningful(ln)}
    return lines


@pytest.fixture(scope="module")
def edition(tmp_path_factory):
    base = tmp_path_factory.mktemp("edition")
    z = student_edition.build(base / "student-edition")
    return base / "student-edition", z


def test_no_solution_or_hidden_test_line_is_in_the_edition(edition):
    tree, _ = edition
    secrets = secret_lines()
    assert len(secrets) > 50, "the solutions should have solution and hidden-test lines to look for"
    public = {ln.strip() for p in (ROOT / "nnlab").glob("*.py") for ln in p.read_text(encoding="utf-8").splitlines()}
    for p in (ROOT / "notebooks").glob("*.ipynb"):
        public |= {ln.strip() for c in json.loads(p.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"
                   for ln in "".join(c["source"]).splitlines()}
    found, allowed = {}, set()
    for p in sorted(tree.rglob("*")):
        if not p.is_file():
            continue
        text = p.read_text(encoding="utf-8")
        if p.suffix == ".ipynb":   # compare the cells' source lines, not the JSON
            text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"])
        for ln in {ln.strip() for ln in text.splitlines()} & secrets:
            if ln in public:
                allowed.add(ln)
            else:
                found.setdefault(str(p.relative_to(tree)), []).append(ln)
    assert not found, f"solution or hidden-test lines in the student edition: {found}"
    # the known overlap with the course's public code (nnlab implements what hw1 asks for): small
    assert len(allowed) <= 12, sorted(allowed)


def test_the_edition_holds_what_students_need_and_nothing_else(edition):
    tree, _ = edition
    names = {str(p.relative_to(tree)) for p in tree.rglob("*") if p.is_file()}
    for need in ("README.md", "Makefile", "pyproject.toml", "environment.yml", "LICENSE", "nnlab/__init__.py",
                 "nnlab/homework.py", "lab/overrides.json", "exercises/hw1/hw1.ipynb", "exercises/hw2/hw2.ipynb",
                 "notebooks/01_neuron.ipynb"):
        assert need in names, need
    assert len([n for n in names if n.startswith("notebooks/")]) == len(list((ROOT / "notebooks").glob("*.ipynb")))
    # the same in Traditional Chinese, generated from locales/zh_TW, and `make lab COURSE_LANG=zh_TW` to open it
    assert sorted(n[len("zh_TW/"):] for n in names if n.startswith("zh_TW/")) == \
        sorted(n for n in names if n.startswith(("notebooks/", "exercises/")))
    for p in sorted(tree.glob("zh_TW/*/*.ipynb")) + sorted(tree.glob("zh_TW/*/*/*.ipynb")):
        en = json.loads((tree / p.relative_to(tree / "zh_TW")).read_text(encoding="utf-8"))
        zh = json.loads(p.read_text(encoding="utf-8"))
        assert [c for c in en["cells"] if c["cell_type"] == "code"] == [c for c in zh["cells"] if c["cell_type"] == "code"]
        assert zh["metadata"]["nnlab_translation"]["language"] == "zh_TW"
    assert "COURSE_LANG=zh_TW" in (tree / "README.md").read_text(encoding="utf-8")
    assert "/lab/tree/zh_TW/notebooks" in (tree / "Makefile").read_text(encoding="utf-8")
    for n in names:
        assert not n.startswith(("tools/", "tests/", "book/", "benchmarks/", ".ci/", "docs/", ".git")), n
        assert "solutions" not in Path(n).parts and not Path(n).stem.startswith("solution"), n
        assert not n.endswith((".db", "nbgrader_config.py")), n
        text = (tree / n).read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text, n
    # an nbgrader answer cell (solution: true) holds the placeholder, never a solution
    for nb_path in sorted(tree.glob("exercises/*/*.ipynb")):
        for c in json.loads(nb_path.read_text(encoding="utf-8"))["cells"]:
            if c["metadata"].get("nbgrader", {}).get("solution"):
                assert "YOUR CODE HERE" in "".join(c["source"]) or "YOUR ANSWER HERE" in "".join(c["source"]), \
                    (nb_path.name, c["metadata"]["nbgrader"].get("grade_id"))
    makefile = (tree / "Makefile").read_text(encoding="utf-8")
    assert "make grade" not in makefile and "exercises:" not in makefile and "nbgrader" not in (tree / "pyproject.toml").read_text(encoding="utf-8")


def test_the_editions_dependencies_are_the_courses():
    tomllib = pytest.importorskip("tomllib")
    main = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    ed = tomllib.loads((student_edition.TEMPLATE / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert ed["dependencies"] == main["dependencies"]
    assert set(ed["optional-dependencies"]["test"]) <= set(main["optional-dependencies"]["test"])
    env = (student_edition.TEMPLATE / "environment.yml").read_text(encoding="utf-8")
    for dep in ed["dependencies"] + ed["optional-dependencies"]["test"]:
        assert f"- {dep}" in env, dep


def test_the_zip_is_the_same_on_every_build(edition, tmp_path):
    _, z = edition
    again = student_edition.write_zip(tmp_path / "again.zip")
    assert again.read_bytes() == z.read_bytes()


def _run_notebook(venv: Path, nb_path: Path, out: Path) -> list:
    subprocess.run([str(venv / "bin" / "jupyter"), "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
                    "--ExecutePreprocessor.timeout=120", "--output", str(out), str(nb_path)],
                   check=True, capture_output=True, cwd=nb_path.parent)
    return json.loads(out.read_text(encoding="utf-8"))["cells"]


def _errors(cell) -> list:
    return [o.get("ename") for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def _name_errors(cell) -> set[str]:
    """The names in the cell's NameErrors ("name 'net' is not defined" -> net)."""
    return {m.group(1) for o in cell.get("outputs", []) if o.get("ename") == "NameError"
            for m in [re.search(r"name '(\w+)'", o.get("evalue", ""))] if m}


def _defined_names(cells: list) -> set[str]:
    """Names the notebook's own code cells define or assign (at the start of a line)."""
    src = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "code")
    return set(re.findall(r"^(?:def |class )?(\w+)\b", src, flags=re.M))


@pytest.mark.slow
def test_make_venv_and_the_visible_tests_work_in_the_edition(edition, tmp_path):
    tree, _ = edition
    work = tmp_path / "nnlab-student"
    shutil.copytree(tree, work)
    python = shutil.which("python3") or sys.executable
    r = subprocess.run(["make", "venv", f"PYTHON={python}"], cwd=work, capture_output=True, text=True, timeout=1200)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    venv = work / ".venv"
    r = subprocess.run([str(venv / "bin" / "python"), "-c", "import nnlab, jupyterlab, nbval; print(nnlab.__file__)"],
                       capture_output=True, text=True, cwd=tmp_path)
    assert r.returncode == 0 and str(work) in r.stdout, r.stderr
    for nb_path in sorted((work / "exercises").glob("*/*.ipynb")):
        a = nb_path.parent.name
        # untouched: the visible tests fail, with NotImplementedError or AssertionError, never a missing import
        cells = _run_notebook(venv, nb_path, tmp_path / f"{a}-blank.ipynb")
        tests = [c for c in cells if c["metadata"].get("nbgrader", {}).get("grade")
                 and not c["metadata"]["nbgrader"].get("solution") and c["cell_type"] == "code"]
        assert tests
        for c in tests:
            assert set(_errors(c)) <= {"NotImplementedError", "AssertionError", "NameError"}, (a, c["source"][:2], _errors(c))
            # a NameError only for what an earlier failing cell of the notebook left undefined,
            # never for something the edition lacks
            assert _name_errors(c) <= _defined_names(cells), (a, c["source"][:2], _name_errors(c))
        # with the solutions' answers pasted in: every visible test and the own-code check pass
        sol = json.loads((ROOT / "solutions" / a / f"{a}.ipynb").read_text(encoding="utf-8"))
        answers = {c["metadata"]["nbgrader"]["grade_id"]: "".join(c["source"]) for c in sol["cells"]
                   if c["metadata"].get("nbgrader", {}).get("solution")}
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        for c in nb["cells"]:
            g = c["metadata"].get("nbgrader", {}).get("grade_id")
            if g in answers:
                c["source"] = re.sub(r"^\s*### (BEGIN|END) SOLUTION\s*\n", "", answers[g], flags=re.M)
        filled = tmp_path / f"{a}-filled-in.ipynb"
        filled.write_text(json.dumps(nb), encoding="utf-8")
        shutil.copy(filled, nb_path.parent / filled.name)
        cells = _run_notebook(venv, nb_path.parent / filled.name, tmp_path / f"{a}-filled-out.ipynb")
        bad = [("".join(c["source"])[:60], _errors(c)) for c in cells if c["cell_type"] == "code" and _errors(c)]
        assert not bad, (a, bad)
        assert any("own-code check OK" in "".join(o.get("text", "")) for c in cells for o in c.get("outputs", []))


def test_the_site_offers_the_edition_zip(edition, tmp_path):
    """book/build.py stages nnlab-student.zip and links it from the Homework page and docs/students.md."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("nnlab_site_build", ROOT / "book" / "build.py")
    site = sys.modules.setdefault(spec.name, importlib.util.module_from_spec(spec))  # dataclasses look it up there
    spec.loader.exec_module(site)
    dest = site.stage(ROOT, tmp_path / "site-src")["dest"]
    assert (dest / "_dl" / "nnlab-student.zip").read_bytes() == edition[1].read_bytes()
    assert "{download}`nnlab-student.zip <../_dl/nnlab-student.zip>`" in (dest / "exercises" / "index.md").read_text(encoding="utf-8")
    assert "<../_dl/nnlab-student.zip>`" in (dest / "docs" / "students.md").read_text(encoding="utf-8")
