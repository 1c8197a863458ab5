"""JupyterHub configuration of the nnlab course server (`make hub`; docs/server.md).

Read by `jupyterhub -f hub/jupyterhub_config.py`; everything else comes from the environment
that mk/hub.mk sets: NNLAB_HUB_DIR (the hub folder), NNLAB_HUB_PREFIX (account prefix),
NNLAB_HUB_IP / NNLAB_HUB_PORT (where students connect; 127.0.0.1 unless told),
NNLAB_HUB_API_PORT / NNLAB_HUB_INTERNAL_PORT (the proxy's API and the hub's own port, localhost),
NNLAB_CULL_TIMEOUT (seconds of idleness before a server is stopped).
Every name below is checked against jupyterhub 5/6 and jupyterhub-idle-culler's own source.
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from hub.layout import Layout  # noqa: E402

c = get_config()  # noqa: F821 (traitlets provides it)
layout = Layout.from_env()

# Where students connect, and the internal ports (always localhost).
c.JupyterHub.ip = os.environ.get("NNLAB_HUB_IP", "127.0.0.1")
c.JupyterHub.port = int(os.environ.get("NNLAB_HUB_PORT", "8000"))
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = int(os.environ.get("NNLAB_HUB_INTERNAL_PORT", "8081"))
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{os.environ.get('NNLAB_HUB_API_PORT', '8001')}"
c.ConfigurableHTTPProxy.command = [str(layout.proxy_bin)]
c.ConfigurableHTTPProxy.pid_file = str(layout.state / "proxy.pid")

# The hub's own state, all under HUB_DIR/state (reused by the next `make hub`).
c.JupyterHub.db_url = f"sqlite:///{layout.state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(layout.state / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(layout.state / "jupyterhub.pid")

# Real Unix accounts, checked by PAM; only the students' group may log in.
c.JupyterHub.authenticator_class = "jupyterhub.auth.PAMAuthenticator"
c.PAMAuthenticator.allowed_groups = {layout.group}
c.PAMAuthenticator.open_sessions = False  # no login session (utmp, pam_systemd) for a notebook server

# One server per student, running as that student's Unix user, in their home (mode 0700).
c.JupyterHub.spawner_class = "jupyterhub.spawner.LocalProcessSpawner"
# The students' Python is HUB_DIR/venv (mk/hub.mk), readable by every account.
c.Spawner.cmd = [str(layout.hub_dir / "venv" / "bin" / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab/tree/notebooks"
c.Spawner.notebook_dir = "~"
c.Spawner.http_timeout = 120
c.Spawner.start_timeout = 120
# JUPYTER_CONFIG_PATH: the exchange (nbgrader_config.py), the students' server extensions
# (no formgrader) and lab extensions (the Assignments tab, none of the instructor's menus).
c.Spawner.environment = {"JUPYTER_CONFIG_PATH": str(layout.config_path)}
# Extra arguments for every student server (the e2e test passes --LabApp.expose_app_in_browser).
c.Spawner.args = os.environ.get("NNLAB_SPAWNER_ARGS", "").split()
c.Spawner.mem_limit = os.environ.get("NNLAB_MEM_LIMIT", "1G")  # exported to the server as MEM_LIMIT

# Idle servers are stopped (jupyterhub-idle-culler, run by the hub as a service).
c.JupyterHub.services = [{
    "name": "idle-culler",
    "command": [sys.executable, "-m", "jupyterhub_idle_culler",
                f"--timeout={os.environ.get('NNLAB_CULL_TIMEOUT', '3600')}"],
}]
c.JupyterHub.load_roles = [{
    "name": "idle-culler",
    "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    "services": ["idle-culler"],
}]
