"""Grading throughput: submissions graded per minute, per assignment.

Grades 20 copies of each assignment's solution notebook (the slowest kind of submission:
every cell runs, hw2 trains two networks) with ``tools.grading`` as ``make grade`` does:
two worker processes, each submission's kernel in the bubblewrap sandbox (the default), and
divides by the wall time. The goal is at least 40 submissions per minute per assignment.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKERS = int(os.environ.get("GRADE_WORKERS", "2"))
sys.path.insert(0, str(ROOT))


def run(quick: bool = False) -> dict:
    from tools.grading.assignment import assignment_names
    from tools.grading.cli import grade_all
    from tools.grading.config import SOLUTIONS, Settings

    n = 4 if quick else 20
    rates, detail = {}, {}
    for a in assignment_names(SOLUTIONS):
        with tempfile.TemporaryDirectory(prefix=f"nnlab-bench-{a}-") as tmp:
            sub = Path(tmp) / "submissions"
            nb = json.loads((ROOT / "solutions" / a / f"{a}.ipynb").read_text(encoding="utf-8"))
            for i in range(n):
                d = sub / f"student{i:03d}" / a
                d.mkdir(parents=True)
                (d / f"{a}.ipynb").write_text(json.dumps(nb), encoding="utf-8")
            t0 = time.perf_counter()
            ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            results = grade_all(sub, Path(tmp) / "out", Settings(workers=WORKERS, sandbox=True), log=lambda *args: None)
            seconds = time.perf_counter() - t0
            ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            # CPU time of the workers and their kernels: on a busy shared machine the wall time
            # mostly measures the other processes; this is what one submission costs.
            cpu = (ru1.ru_utime - ru0.ru_utime) + (ru1.ru_stime - ru0.ru_stime)
            bad = [r for r in results if r.status != "ok" or r.score != r.max_score]
            if bad:
                raise RuntimeError(f"bench_grading: {len(bad)} solution copies of {a} did not get full marks: {bad[0]}")
            rates[a] = round(n / seconds * 60, 1)
            detail[a] = {"submissions": n, "seconds": round(seconds, 1), "workers": WORKERS, "sandbox": "bwrap",
                         "cpu_seconds_per_submission": round(cpu / n, 2),
                         "load_average_1min": round(os.getloadavg()[0], 1)}
            print(f"   {a}: {n} submissions in {seconds:.1f} s = {rates[a]} per minute "
                  f"({cpu / n:.2f} CPU s each, load average {os.getloadavg()[0]:.1f})", flush=True)
    return {"grading": rates, "grading_detail": detail}


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv))
