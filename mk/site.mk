# The course site: a static Jupyter Book 1 in _build/html (see book/build.py, docs/instructors.md).
# Launch-button overrides (optional): make site JUPYTERHUB_URL=https://hub.example.edu
#   BINDERHUB_URL=https://mybinder.org REPO_URL=https://github.com/you/nnlab REPO_BRANCH=main
.PHONY: site

SITE_ENV := $(if $(filter undefined,$(origin JUPYTERHUB_URL)),,NNLAB_JUPYTERHUB_URL="$(JUPYTERHUB_URL)") \
            $(if $(filter undefined,$(origin BINDERHUB_URL)),,NNLAB_BINDERHUB_URL="$(BINDERHUB_URL)") \
            $(if $(REPO_URL),NNLAB_REPO_URL="$(REPO_URL)") \
            $(if $(REPO_BRANCH),NNLAB_REPO_BRANCH="$(REPO_BRANCH)")

site: $(VENV)/.dev
	$(SITE_ENV) $(BIN)/python book/build.py
