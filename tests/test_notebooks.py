"""Structure checks for every lecture notebook (the numbers themselves are checked by nbval;
the key-terms table by test_site_build.py, with the parser the glossary uses)."""

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
NAMES = sorted(p.name for p in NOTEBOOKS.glob("*.ipynb"))
CJK = re.compile(r"[\u4e00-\u9fff]")


def load(name):
    return json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))


def source(cell):
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


@pytest.mark.parametrize("name", NAMES)
def test_title_summary_exercises(name):
    cells = load(name)["cells"]
    first = source(cells[0])
    assert cells[0]["cell_type"] == "markdown" and first.startswith("# ") and CJK.search(first.splitlines()[0])
    md = [source(c) for c in cells if c["cell_type"] == "markdown"]
    assert any(s.startswith("## Summary") for s in md) and any("## Exercises" in s for s in md)


@pytest.mark.parametrize("name", NAMES)
def test_saved_state(name):
    nb = load(name)
    assert nb["metadata"]["kernelspec"] == {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                            "language": "python"}
    assert "widgets" not in nb["metadata"]
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    for c in code:
        for out in c["outputs"]:
            assert out["output_type"] != "error"
            assert out.get("name") != "stderr", source(c)[:80]
            if out["output_type"] == "execute_result":      # a figure or artist repr left by a trailing expression
                assert not re.search(r"<Figure size|<matplotlib", json.dumps(out["data"].get("text/plain", "")))


@pytest.mark.parametrize("name", NAMES)
def test_sliders_are_tagged_and_first_control_numeric(name):
    code = [c for c in load(name)["cells"] if c["cell_type"] == "code"]
    sliders = [c for c in code if re.search(r"^slider_plot\(", source(c), re.M)]
    assert sliders, "every notebook needs at least one slider"
    for c in sliders:
        assert "nbval-ignore-output" in c["metadata"].get("tags", [])
    first = re.search(r"^slider_plot\((.*?)\)\s*$", source(sliders[0]), re.M | re.S).group(1)
    controls = [m for m in re.finditer(r"(\w+)=(\(|\[)", first) if m.group(1) not in ("name", "static", "static_values")]
    assert controls and controls[0].group(2) == "(", "the first control of the first slider must be a numeric slider"
    for c in code:
        if c not in sliders and not re.search(r"perf_counter|timeit", source(c)):
            assert "nbval-ignore-output" not in c["metadata"].get("tags", []), \
                "only slider cells and timing cells skip nbval"
