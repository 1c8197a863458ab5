"""Every number a lecture notebook's prose states is shown by that notebook.

A number in a markdown cell with a decimal point or a % sign ("0.0334", "56.7%", "4%") must appear,
after rounding to the digits the prose gives, in an output of the same notebook or in its code (a
parameter such as eta = 0.05). A percentage may also be shown as a fraction (0.567 for 56.7%).
Facts quoted from elsewhere (the slides' table of word error rates, a paper's numbers) go in
markdown cells tagged `quoted`, which this test skips. nbval checks that the outputs are current,
so together the two keep prose, code and outputs in agreement.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))

# 0.0334, .5, 56.7%, 4 %, 1,079.5, 3.3e-01 ; not a part of a word, a version (1.0.4) or a file name (05_x)
PROSE_NUMBER = re.compile(r"(?<![\w.,])(\d{1,3}(?:,\d{3})+|\d+)?(\.\d+)?([eE][-+]?\d+)?(\s?%)?(?![\w.]\d|_)")
EVIDENCE_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
LINK_TARGET = re.compile(r"\]\([^)]*\)")


def _source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def prose_numbers(text: str) -> list[tuple[str, float, float]]:
    """(as written, value, rounding step) for each number with a decimal point or a % sign.

    The rounding step is one unit in the last digit written: 0.01 for "0.25", 0.001 for "3.3e-02".
    """
    text = LINK_TARGET.sub("]", text)
    found = []
    for m in PROSE_NUMBER.finditer(text):
        whole, frac, exp, pct = m.groups()
        if not (frac or pct) or not (whole or frac):
            continue
        digits = (whole or "0").replace(",", "") + (frac or "")
        scale = 10.0 ** int(exp[1:]) if exp else 1.0
        step = (10.0 ** -(len(frac) - 1) if frac else 1.0) * scale
        found.append((m.group(0).strip(), float(digits) * scale, step))
    return found


def evidence(nb) -> list[float]:
    """Every number in the notebook's code and outputs."""
    parts = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        parts.append(_source(cell))
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append("".join(out["text"]))
            for key in ("text/plain", "text/html", "text/markdown"):
                if key in out.get("data", {}):
                    parts.append("".join(out["data"][key]))
    return [float(x) for x in EVIDENCE_NUMBER.findall("\n".join(parts))]


def backed(value: float, step: float, percent: bool, numbers: list[float]) -> bool:
    half = 0.5 * step * (1 + 1e-9)
    scales = (1.0, 100.0) if percent else (1.0,)
    return any(abs(x * s - value) <= half for x in numbers for s in scales)


def unbacked(nb) -> list[str]:
    numbers = evidence(nb)
    missing = []
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown" or "quoted" in cell.get("metadata", {}).get("tags", []):
            continue
        for written, value, step in prose_numbers(_source(cell)):
            if not backed(value, step, written.endswith("%"), numbers):
                missing.append(f"cell {i}: {written!r}")
    return missing


def test_the_number_finder():
    got = [w for w, _, _ in prose_numbers(
        "error 0.0334 and 56.7% (4 %), 1,079.5 images, .5, not 1.0.4, [05](05_minibatch_sgd.ipynb), "
        "C = 1/2, 2011, e.g. 3 x 20, ratio 3.3e-01")]
    assert got == ["0.0334", "56.7%", "4 %", "1,079.5", ".5", "3.3e-01"]
    assert prose_numbers("3.3e-01")[0][1:] == pytest.approx((0.33, 0.01))
    assert backed(56.7, 0.1, True, [0.5671]) and backed(0.02, 0.01, False, [0.0197])
    assert backed(0.33, 0.01, False, [0.3314]) and not backed(0.33, 0.01, False, [3.3])
    assert not backed(56.7, 0.1, True, [0.58, 5.67]) and not backed(0.02, 0.01, False, [0.026])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_number_in_the_prose_is_shown_by_the_notebook(path):
    missing = unbacked(json.loads(path.read_text(encoding="utf-8")))
    assert not missing, (
        f"{path.name}: these numbers in the prose appear in no output or code of the notebook (after "
        f"rounding): {', '.join(missing)}. Print them, correct the prose, or tag a cell that quotes "
        "another source `quoted`.")
