"""`make bench`: run every benchmarks/bench_*.py and merge what each returns.

Each module defines ``run(quick: bool) -> dict`` whose top-level keys
("step_time", "digits_97", "sliders", "grading", "site_build_s", ...) are
merged into benchmarks/results.json; benchmarks/README.md is rewritten with
a readable table and a description of the machine. Run one part with
``python benchmarks/run.py --only step_time``.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def machine() -> dict:
    import numpy as np

    info = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "date": time.strftime("%Y-%m-%d"),
    }
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            info["memory_gib"] = round(int(f.readline().split()[1]) / 2**20, 1)
    except OSError:
        pass
    try:
        from threadpoolctl import threadpool_info

        info["blas"] = [f"{p.get('internal_api')} {p.get('version')} ({p.get('num_threads')} threads)"
                        for p in threadpool_info()]
    except Exception:  # threadpoolctl is optional
        pass
    try:
        import torch

        info["torch"] = torch.__version__
    except ImportError:
        info["torch"] = None
    return info


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--only", action="append", help="run only bench_<NAME>.py (repeatable)")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke test, not a measurement)")
    args = ap.parse_args(argv)
    out = HERE / "results.json"
    results = json.loads(out.read_text()) if out.exists() else {}
    for path in sorted(HERE.glob("bench_*.py")):
        name = path.stem[len("bench_"):]
        if args.only and name not in args.only:
            continue
        print(f"== {name}", flush=True)
        t0 = time.perf_counter()
        results.update(load(path).run(quick=args.quick))
        print(f"   done in {time.perf_counter() - t0:.1f} s", flush=True)
    # The machine block describes the full run; a partial run (--only) keeps it (its own date and
    # machine go under "partial_runs"), so the other benches' figures keep their description.
    if args.only and "machine" in results:
        for name in args.only:
            results.setdefault("partial_runs", {})[name] = machine()
    else:
        results["machine"] = machine()
        results.pop("partial_runs", None)
    out.write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    from report import write_readme

    write_readme(results, HERE / "README.md")
    print(f"wrote {out} and {HERE / 'README.md'}")


if __name__ == "__main__":
    main()
