"""The project's own files agree with each other."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _norm(req: str) -> str:
    req = req.strip().strip('"').strip("'")
    name, spec = re.match(r"([A-Za-z0-9_.\-]+)\s*(.*)", req).groups()
    return name.lower().replace("_", "-") + spec.replace(" ", "")


def pyproject_requirements():
    try:
        import tomllib
    except ImportError:  # Python 3.10
        tomli = pytest.importorskip("tomli")
        tomllib = tomli
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    reqs = set(map(_norm, data["dependencies"]))
    for extra in data["optional-dependencies"].values():
        reqs |= set(map(_norm, extra))
    return reqs, data["requires-python"]


def environment_requirements():
    reqs, python = set(), None
    text = (ROOT / "environment.yml").read_text()
    for line in text[text.index("dependencies:"):].splitlines():
        m = re.match(r"\s*-\s+([^#\s][^#]*?)\s*$", line)
        if not m or m.group(1).startswith(("pip:", "-e")) or m.group(1) in ("pip",):
            continue
        item = m.group(1)
        if item.startswith("python"):
            python = item
            continue
        reqs.add(_norm(item))
    return reqs, python


def test_environment_yml_matches_pyproject():
    py, requires_python = pyproject_requirements()
    env, python = environment_requirements()
    assert env == py, f"only in pyproject: {sorted(py - env)}; only in environment.yml: {sorted(env - py)}"
    assert python.startswith("python" + requires_python)


def test_readme_states_the_two_commands_and_the_test_command_ci_runs():
    readme = (ROOT / "README.md").read_text()
    assert "make lab" in readme and "make test" in readme
    assert "conda env create -f environment.yml" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()
