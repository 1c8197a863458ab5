# The course server (docs/server.md): JupyterHub + nbgrader's exchange, run as root on Linux.
#   make hub HUB_DIR=/srv/nnlab ROSTER=roster.csv [HUB_IP=127.0.0.1] [HUB_PORT=8000]
#   make hub-add STUDENT=b11200001 / make hub-remove STUDENT=b11200001
#   make hub-release A=hw1 / hub-collect A=hw1 / hub-grade A=hw1 / hub-return A=hw1
# Everything the hub creates lives under HUB_DIR; running `make hub` again reuses it.
HUB_DIR  ?= /srv/nnlab-hub
HUB_IP   ?= 127.0.0.1
HUB_PORT ?= 8000
HUB_PREFIX ?= nnlab-
CHP_VERSION ?= 5
HUB := $(BIN)/python -m hub --hub-dir "$(HUB_DIR)" --prefix "$(HUB_PREFIX)"

.PHONY: hub hub-deps hub-proxy hub-root hub-add hub-remove hub-list hub-release hub-collect hub-grade hub-return

# The hub's side (JupyterHub, PAM, the idle culler) into .venv, where the hub runs as root.
$(VENV)/.hub: $(VENV)/.dev pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test,instructor,hub]"
	@touch $@

# configurable-http-proxy from npm into HUB_DIR/proxy (not -g: nothing outside HUB_DIR changes).
hub-proxy:
	@command -v npm >/dev/null || { echo "make hub: npm is missing (apt-get install npm)"; exit 1; }
	@if [ ! -x "$(HUB_DIR)/proxy/node_modules/.bin/configurable-http-proxy" ]; then \
	  mkdir -p "$(HUB_DIR)/proxy" && chmod 711 "$(HUB_DIR)" && \
	  npm install --silent --no-audit --no-fund --prefix "$(HUB_DIR)/proxy" configurable-http-proxy@$(CHP_VERSION); fi

# The students' servers run as their own Unix users, so they need a Python every user can read
# (not one under /root, e.g. pyenv's): HUB_DIR/venv, from HUB_PYTHON, with the course and the hub extra.
# nnlab is installed as a copy, not in editable mode: students need no access to this checkout
# (only to HUB_DIR), and a change to nnlab/ reinstalls it at the next `make hub`.
HUB_PYTHON ?= /usr/bin/python3
$(HUB_DIR)/venv/.nnlab-hub: pyproject.toml lab/overrides.json $(wildcard nnlab/*.py)
	@$(HUB_PYTHON) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if (3, 10) <= v <= (3, 13) else "HUB_PYTHON=$(HUB_PYTHON) is %d.%d; the course needs 3.10 to 3.13" % v)'
	mkdir -p "$(HUB_DIR)" && chmod 711 "$(HUB_DIR)"
	test -x "$(HUB_DIR)/venv/bin/python" || $(HUB_PYTHON) -m venv "$(HUB_DIR)/venv"
	"$(HUB_DIR)/venv/bin/python" -m pip install --quiet --upgrade pip
	"$(HUB_DIR)/venv/bin/python" -m pip install --quiet "$(CURDIR)[hub]"
	"$(HUB_DIR)/venv/bin/python" -m pip install --quiet --no-deps --force-reinstall "$(CURDIR)"
	mkdir -p "$(HUB_DIR)/venv/share/jupyter/lab/settings"
	cp lab/overrides.json "$(HUB_DIR)/venv/share/jupyter/lab/settings/overrides.json"
	chmod -R a+rX "$(HUB_DIR)/venv"
	@touch $@

hub-deps: $(VENV)/.hub hub-proxy $(HUB_DIR)/venv/.nnlab-hub

hub-root:
	@if [ "$$(id -u)" != 0 ]; then echo "make hub: run as root (sudo make hub ...): each student is a Unix account and JupyterHub's LocalProcessSpawner starts their server as that user, which needs root."; exit 1; fi

hub: hub-root hub-deps
	@if [ -z "$(ROSTER)" ] && [ ! -d "$(HUB_DIR)/home" ]; then echo "usage: make hub HUB_DIR=/srv/nnlab ROSTER=roster.csv [HUB_IP=127.0.0.1] [HUB_PORT=8000]"; exit 2; fi
	$(HUB) setup
	$(if $(ROSTER),$(HUB) sync "$(ROSTER)")
	@echo "make hub: serving http://$(HUB_IP):$(HUB_PORT)/ (initial passwords: $(HUB_DIR)/state/initial-passwords.csv)"
	$(HUB) start --ip "$(HUB_IP)" --port "$(HUB_PORT)"

hub-add: hub-root hub-deps
	@if [ -z "$(STUDENT)" ]; then echo "usage: make hub-add STUDENT=<id> [HUB_DIR=...]"; exit 2; fi
	$(HUB) setup
	$(HUB) add "$(STUDENT)"

hub-remove: hub-root hub-deps
	@if [ -z "$(STUDENT)" ]; then echo "usage: make hub-remove STUDENT=<id> [HUB_DIR=...]"; exit 2; fi
	$(HUB) remove "$(STUDENT)"

hub-list: hub-root hub-deps
	$(HUB) list

hub-release hub-collect hub-grade hub-return: hub-root hub-deps
	@if [ -z "$(A)" ]; then echo "usage: make $@ A=hw1 [HUB_DIR=...]"; exit 2; fi
	$(HUB) $(patsubst hub-%,%,$@) "$(A)" $(if $(filter hub-grade,$@),$(if $(filter off,$(SANDBOX)),--no-sandbox,),)
