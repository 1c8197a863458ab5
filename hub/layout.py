"""Where the course server keeps everything: one folder the instructor names (HUB_DIR).

    HUB_DIR/                 0711 root   (students may pass through, not list)
      proxy/                 configurable-http-proxy from npm
      state/                 0700 root   jupyterhub.sqlite, cookie secret, logs
      etc/jupyter/           0755 root   config every student server reads (JUPYTER_CONFIG_PATH)
      home/<prefix><id>/     0700 each student's home (the lecture notebooks are copied here)
      exchange/              0755 root   nbgrader's exchange (inbound 0733, outbound, feedback)
      course/                0700 root   the instructor's nbgrader course folder (release/, submitted/, grades/)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COURSE_ID = "nnlab"
DEFAULT_PREFIX = "nnlab-"


@dataclass(frozen=True)
class Layout:
    hub_dir: Path
    prefix: str = DEFAULT_PREFIX

    @classmethod
    def from_env(cls) -> "Layout":
        hub_dir = os.environ.get("NNLAB_HUB_DIR")
        if not hub_dir:
            raise SystemExit("NNLAB_HUB_DIR is not set (make hub HUB_DIR=/srv/nnlab ...)")
        return cls(Path(hub_dir).resolve(), os.environ.get("NNLAB_HUB_PREFIX", DEFAULT_PREFIX))

    @property
    def group(self) -> str:
        return f"{self.prefix}students"

    @property
    def proxy_bin(self) -> Path:
        return self.hub_dir / "proxy" / "node_modules" / ".bin" / "configurable-http-proxy"

    @property
    def state(self) -> Path:
        return self.hub_dir / "state"

    @property
    def config_path(self) -> Path:
        return self.hub_dir / "etc" / "jupyter"

    @property
    def homes(self) -> Path:
        return self.hub_dir / "home"

    @property
    def exchange(self) -> Path:
        return self.hub_dir / "exchange"

    @property
    def course(self) -> Path:
        return self.hub_dir / "course"

    def user(self, student_id: str) -> str:
        return f"{self.prefix}{student_id}"
