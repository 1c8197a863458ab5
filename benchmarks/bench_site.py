"""Site build time: a full rebuild of the course site (book/build.py: stage + jupyter-book
build --all -n -W --keep-going), into a temporary folder so _build/html is left alone.
Goal: under 60 s."""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def build_once() -> float:
    with tempfile.TemporaryDirectory(prefix="nnlab-site-") as tmp:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, str(ROOT / "book" / "build.py"), "--stage", f"{tmp}/src", "--out", tmp],
                              cwd=ROOT, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
    if proc.returncode:
        raise RuntimeError(f"site build failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return elapsed


def run(quick: bool) -> dict:
    times = [build_once() for _ in range(1 if quick else 2)]
    return {"site_build_s": round(min(times), 1)}


if __name__ == "__main__":
    print(run(quick="--quick" in sys.argv))
