"""Grading throughput: submissions graded per minute, per assignment.

Grades 20 copies of each assignment's solution notebook (the slowest kind of submission:
every cell runs, hw2 trains two networks) with ``tools/grade.py`` as ``make grade`` does
(two worker processes, each with its own temporary nbgrader course directory and gradebook),
and divides by the wall time, which includes setting up the course (generate_assignment).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def run(quick: bool = False) -> dict:
    from tools import grade

    n = 4 if quick else 20
    rates, detail = {}, {}
    for a in grade.assignments():
        with tempfile.TemporaryDirectory(prefix=f"nnlab-bench-{a}-") as tmp:
            sub = Path(tmp) / "submissions"
            nb = json.loads((ROOT / "solutions" / a / f"{a}.ipynb").read_text(encoding="utf-8"))
            for i in range(n):
                d = sub / f"student{i:03d}" / a
                d.mkdir(parents=True)
                (d / f"{a}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
            t0 = time.perf_counter()
            results = grade.grade_all(sub, Path(tmp) / "out", workers=2, log=lambda *args: None)
            seconds = time.perf_counter() - t0
            bad = [r for r in results if r["status"] != "ok" or r["score"] != r["max_score"]]
            if bad:
                raise RuntimeError(f"bench_grading: {len(bad)} solution copies of {a} did not get full marks: {bad[0]}")
            rates[a] = round(n / seconds * 60, 1)
            detail[a] = {"submissions": n, "seconds": round(seconds, 1), "workers": 2}
            print(f"   {a}: {n} submissions in {seconds:.1f} s = {rates[a]} per minute", flush=True)
    return {"grading": rates, "grading_detail": detail}


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv))
