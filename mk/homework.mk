# Homework: `make exercises` regenerates exercises/ from solutions/ (nbgrader);
# `make grade SUBMISSIONS=<dir> [OUT=grades]` grades <dir>/<student>/<assignment>/*.ipynb,
# each submission in a bubblewrap sandbox (SANDBOX=off grades without one, and grades.csv says so).
# See docs/homework.md.

OUT ?= grades
GRADE_TIMEOUT ?= 60
GRADE_NOTEBOOK_TIMEOUT ?= 300
GRADE_WORKERS ?= 2
SANDBOX ?= on

.PHONY: exercises grade

exercises: $(VENV)/.dev
	$(BIN)/python -m tools.grading exercises

grade: $(VENV)/.dev
	@if [ -z "$(SUBMISSIONS)" ]; then \
	  echo "usage: make grade SUBMISSIONS=<dir> [OUT=grades]  (<dir>/<student>/<assignment>/*.ipynb)"; exit 2; fi
	@case "$(SANDBOX)" in on|off) ;; *) echo "make grade: SANDBOX must be on or off, got '$(SANDBOX)'"; exit 2;; esac
	$(BIN)/python -m tools.grading grade "$(SUBMISSIONS)" --out "$(OUT)" \
	  --timeout $(GRADE_TIMEOUT) --notebook-timeout $(GRADE_NOTEBOOK_TIMEOUT) --workers $(GRADE_WORKERS) \
	  $(if $(filter off,$(SANDBOX)),--no-sandbox,)
