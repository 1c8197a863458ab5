"""Write benchmarks/README.md from results.json."""

from __future__ import annotations


def _us(s):
    return f"{s * 1e6:,.0f} µs" if s < 0.01 else f"{s * 1e3:,.1f} ms"


def _ok(flag):
    return {True: "met", False: "**not met**", None: "not measured"}[flag]


def write_readme(r: dict, path):
    m = r.get("machine", {})
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`python benchmarks/run.py`); the numbers are in `results.json`.",
        "Speed goals live here, never in timed tests.",
        "",
        "## Machine",
        "",
        f"- CPU: {m.get('cpu', m.get('processor', '?'))}, {m.get('cores', '?')} cores, {m.get('memory_gib', '?')} GiB",
        f"- {m.get('platform', '?')}; Python {m.get('python', '?')}, numpy {m.get('numpy', '?')}, torch {m.get('torch') or 'not installed'}",
        f"- BLAS: {', '.join(m.get('blas', [])) or '?'}",
        f"- measured on {m.get('date', '?')}",
        "",
    ]
    st = r.get("step_time")
    if st:
        lines += ["## One training step (forward, cost, backward, SGD update), float64", "",
                  "Median time per step. `numpy` is a minimal hand-written loop doing the same arithmetic "
                  "(the limit for numpy code); `torch` is PyTorch on the CPU with the same layers in float64.", "",
                  "| sizes, batch | nnlab | numpy | torch | nnlab / numpy | torch / nnlab |", "|---|---|---|---|---|---|"]
        for k, v in st.items():
            t = v.get("torch")
            lines.append(f"| {k} | {_us(v['nnlab'])} | {_us(v['numpy'])} | {_us(t) if t else '—'} | "
                         f"{v['nnlab'] / v['numpy']:.2f} | {t / v['nnlab']:.1f}× |" if t else
                         f"| {k} | {_us(v['nnlab'])} | {_us(v['numpy'])} | — | {v['nnlab'] / v['numpy']:.2f} | — |")
        lines.append("")
    d = r.get("digits_97")
    if d:
        lines += ["## Seconds of training to reach 97 % test accuracy on the digits", "",
                  "| | seconds | epochs |", "|---|---|---|",
                  f"| nnlab MLP 64-256-10, SGD with momentum, batch 32 | {d['nnlab']:.2f} | {d.get('nnlab_epochs', '?')} |",
                  f"| scikit-learn MLPClassifier (256,), its defaults (Adam, batch 200), its own `fit` | {d['sklearn']:.2f} | {d.get('sklearn_epochs', '?')} |",
                  ""]
    g = r.get("goals_nnlab")
    if g:
        lines += ["Goals: nnlab within 1.25× of the hand-written loop at every size: "
                  f"{_ok(g.get('nnlab_within_1.25x_numpy'))}; faster than PyTorch CPU at the three course sizes: "
                  f"{_ok(g.get('nnlab_faster_than_torch_course_sizes'))}; faster than MLPClassifier to 97 %: "
                  f"{_ok(g.get('nnlab_faster_than_sklearn_to_97'))}.", ""]
    s = r.get("sliders")
    if s:
        lines += ["## Slider latency (median of one move: callback + figure as PNG; goal ≤ 100 ms)", "",
                  "| notebook:slider | median |", "|---|---|"]
        pre = set(r.get("sliders_precomputed", []))
        lines += [f"| `{k}` | {v * 1000:.1f} ms{' (precomputed frames)' if k in pre else ''} |" for k, v in sorted(s.items())]
        lines += ["", "Precomputed sliders draw every position once when the notebook runs "
                  "(`slider_plot(..., precompute=True)`); a move then shows a stored picture.", ""]
    lab = r.get("lab_slider_ms")
    if lab:
        lines += ["## Slider latency in JupyterLab (headless Chromium: key press on the slider to the new figure "
                  "decoded, median of 9 moves; goal ≤ 100 ms)", "", "| notebook:slider | median |", "|---|---|"]
        lines += [f"| `{k}` | {v:.1f} ms{'' if v <= 100 else ' (over the goal)'} |" for k, v in sorted(lab.items())]
        lines.append("")
    n = r.get("notebook_run_s")
    if n:
        goals = r.get("goals_sliders", {}).get("notebook_run_goals_s", {})
        lines += ["## Notebook run time (goal ≤ 20 s each, ≤ 300 s together; 06 and 07, whose fair multi-seed "
                  "comparisons train many networks, ≤ 90 s)", "", "| notebook | seconds | goal |", "|---|---|---|"]
        lines += [f"| {k} | {v:.1f} | {goals.get(k, 20)} |" for k, v in sorted(n.items())]
        lines += [f"| **all** | {sum(n.values()):.1f} | 300 |", ""]
    gr = r.get("grading")
    if gr:
        lines += ["## Autograding throughput (goal ≥ 20 submissions per minute)", "", "| assignment | submissions / minute |", "|---|---|"]
        lines += [f"| {k} | {v:.1f} |" for k, v in sorted(gr.items())]
        lines.append("")
    h = r.get("hub")
    if h:
        lines += ["## Course server: students logging in at once (goals: all ready within 60 s, notebook 01 "
                  "without error for all)", ""]
        if "skipped" in h:
            lines += [f"Not measured: {h['skipped']}.", ""]
        else:
            rss = h["rss_per_student_mb"]
            lines += ["| students | all servers ready | all ran notebook 01 | memory per student (min / median / max) | errors in 01 |",
                      "|---|---|---|---|---|",
                      f"| {h['students']} | {h['all_servers_ready_s']:.1f} s | {h['all_ran_notebook01_s']:.1f} s | "
                      f"{rss['min']} / {rss['median']} / {rss['max']} MB | {len(h['notebook01_errors']) or 'none'} |", "",
                      f"Goals: all ready within 60 s: {_ok(h.get('goal_ready_within_60s'))}; notebook 01 without "
                      f"error for all: {_ok(h.get('goal_01_without_error'))}. {h.get('note', '')}", ""]
            pm = r.get("partial_runs", {}).get("hub")
            if pm:
                lines += [f"Measured on {pm.get('date', '?')} by `python benchmarks/run.py --only hub` "
                          f"({pm.get('cores', '?')} cores, Python {pm.get('python', '?')}).", ""]
    if "site_build_s" in r:
        lines += ["## Site", "", f"Full rebuild of the static site: {r['site_build_s']:.1f} s (goal < 60 s).", ""]
    path.write_text("\n".join(lines))
