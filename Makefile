# nnlab course: `make lab` to learn, `make test` to check everything.
# Each target sets up .venv first (Python 3.10-3.13), reusing it when it is current.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# JupyterLab refuses to run as root without this flag (CI runs as root).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
NBVAL_ARGS := --nbval --nbval-current-env --nbval-sanitize-with=tests/nbval_sanitize.cfg

.PHONY: help lab test test-fast bench clean venv dev
.DEFAULT_GOAL := help

help:
	@echo "make lab        set up .venv and open the course in JupyterLab (繁體中文: make lab COURSE_LANG=zh_TW)"
	@echo "make test       set up .venv with the test tools and run every check"
	@echo "make bench      run the benchmarks, writing benchmarks/results.json and README.md"
	@echo "make exercises  generate the student homework (exercises/) from solutions/"
	@echo "make grade SUBMISSIONS=dir [OUT=grades]  autograde a folder of submissions (sandboxed)"
	@echo "make student-edition  write what students get (no solutions): _build/student-edition and its zip"
	@echo "make site       build the static course site, English and 繁體中文 (_build/html, _build/html/zh_TW)"
	@echo "make translations  after changing English text: update locales/zh_TW (changed text is marked fuzzy)"
	@echo "sudo make hub HUB_DIR=/srv/nnlab ROSTER=roster.csv  serve the course to a class (docs/server.md)"
	@echo "make clean      remove .venv and build outputs"

$(VENV)/.python-ok:
	@$(PYTHON) -c 'import sys; v = sys.version_info[:2]; ok = (3, 10) <= v <= (3, 13); \
	  print("Using Python %d.%d" % v) if ok else sys.exit("nnlab needs Python 3.10 to 3.13; %s is %d.%d. Run: make PYTHON=python3.11 ..." % (sys.executable, *v))'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@touch $@

# The course itself (what students need), with the course's JupyterLab settings
# (lab/overrides.json: no "get notified about official Jupyter news?" prompt over the figures).
$(VENV)/.course: $(VENV)/.python-ok pyproject.toml lab/overrides.json
	$(BIN)/python -m pip install --quiet -e .
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp lab/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $@

# Test and instructor tools on top.
$(VENV)/.dev: $(VENV)/.course pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test,instructor]"
	@# nbgrader adds instructor menus to every JupyterLab in its environment: keep them out of students' `make lab`.
	$(BIN)/jupyter labextension disable --level=sys_prefix @jupyter/nbgrader
	@touch $@

venv: $(VENV)/.course
dev: $(VENV)/.dev

# The course's language: en, or zh_TW (繁體中文) when your locale is zh_TW (LANG=zh_TW.UTF-8) or you say
# `make lab COURSE_LANG=zh_TW`. In Chinese, `make lab` writes the Chinese notebooks and homework into zh_TW/
# (from locales/zh_TW; a copy you changed is kept) and opens JupyterLab with its menus in Traditional Chinese.
COURSE_LANG ?= $(if $(filter zh_TW% zh_Hant%,$(LANG)),zh_TW,en)
LAB_SETTINGS_zh_TW := $(VENV)/share/nnlab/lab-user-settings-zh_TW

lab: $(VENV)/.course
	@case "$(COURSE_LANG)" in en|zh_TW) ;; *) echo "make lab: COURSE_LANG must be en (English) or zh_TW (繁體中文), got '$(COURSE_LANG)'"; exit 2;; esac
ifeq ($(COURSE_LANG),zh_TW)
	$(BIN)/python -m tools.i18n build --dest zh_TW
	@mkdir -p "$(LAB_SETTINGS_zh_TW)/@jupyterlab/translation-extension"
	@test -f "$(LAB_SETTINGS_zh_TW)/@jupyterlab/translation-extension/plugin.jupyterlab-settings" || \
	  echo '{"locale": "zh_TW"}' > "$(LAB_SETTINGS_zh_TW)/@jupyterlab/translation-extension/plugin.jupyterlab-settings"
	@# The Chinese course (zh_TW/notebooks, zh_TW/exercises) and the English one are both reachable.
	JUPYTERLAB_SETTINGS_DIR="$(abspath $(LAB_SETTINGS_zh_TW))" $(BIN)/jupyter lab $(ROOT_FLAG) \
	  --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/zh_TW/notebooks
else
	@# The whole course (notebooks/ and the homework in exercises/) is reachable; the file browser opens on notebooks/.
	$(BIN)/jupyter lab $(ROOT_FLAG) --ServerApp.root_dir="$(CURDIR)" --LabApp.default_url=/lab/tree/notebooks
endif

# pytest exits 5 when it collects no test: that is a failure here, with a clear message.
test: $(VENV)/.dev
	@$(BIN)/python -m pytest tests notebooks $(NBVAL_ARGS) $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "make test: pytest collected no tests -- something is wrong with the test paths"; exit 1; fi; \
	  exit $$rc

# Unit tests only (no notebooks, no browser): a quick loop while editing nnlab.
test-fast: $(VENV)/.dev
	$(BIN)/python -m pytest tests -m "not browser and not slow" $(PYTEST_ARGS)

bench: $(VENV)/.dev
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) _build build *.egg-info
	@# zh_TW/ (the generated Chinese notebooks) is kept: it may hold your work

# Homework, site and other targets live in mk/*.mk.
-include mk/*.mk
