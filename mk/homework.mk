# Homework (nbgrader 0.9): `make exercises` regenerates exercises/ from solutions/;
# `make grade SUBMISSIONS=<dir> [OUT=grades]` grades <dir>/<student>/<assignment>/*.ipynb.
# See docs/homework.md.

OUT ?= grades
GRADE_TIMEOUT ?= 60
GRADE_WORKERS ?= 2

.PHONY: exercises grade

exercises: $(VENV)/.dev
	$(BIN)/python tools/grade.py exercises

grade: $(VENV)/.dev
	@if [ -z "$(SUBMISSIONS)" ]; then \
	  echo "usage: make grade SUBMISSIONS=<dir> [OUT=grades]  (<dir>/<student>/<assignment>/*.ipynb)"; exit 2; fi
	$(BIN)/python tools/grade.py grade "$(SUBMISSIONS)" --out "$(OUT)" \
	  --timeout $(GRADE_TIMEOUT) --workers $(GRADE_WORKERS)
