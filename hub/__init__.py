"""The course server: JupyterHub + nbgrader's exchange for a whole class (see docs/server.md).

==================  ==========================================================
layout              where everything lives under the hub folder (HUB_DIR)
accounts            one Unix account per student, from a roster (add, remove, sync)
course              the instructor's side: release, collect, grade (tools.grading), return
jupyterhub_config   JupyterHub's configuration (read by `jupyterhub -f`)
==================  ==========================================================

`make hub HUB_DIR=/srv/nnlab ROSTER=roster.csv` runs it; `python -m hub --help` lists the
commands behind the make targets.
"""
