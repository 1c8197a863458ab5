"""Sphinx extension for the nnlab site: keep every page offline, or fail the build.

- Jupyter Book 1 always loads sphinx_thebe, which puts a `const THEBE_JS_URL = "https://unpkg..."`
  script (twice: a SyntaxError in the browser), sphinx-thebe.js and a thebe config block on every
  page. The site has no thebe (launch buttons open JupyterHub/Binder instead), so its event
  handlers are disconnected and its assets dropped.
- Any script or stylesheet that would still come from another host is reported as a warning,
  which `-W` turns into a failed build.
"""

from __future__ import annotations

import re

from sphinx.util import logging

logger = logging.getLogger(__name__)
_REMOTE = re.compile(r"^(https?:)?//", re.I)


def _drop_thebe(app, config):
    for event, listeners in list(app.events.listeners.items()):
        for listener in list(listeners):
            if getattr(listener.handler, "__module__", "").startswith("sphinx_thebe"):
                app.disconnect(listener.id)


def _asset_name(asset) -> str:
    return str(getattr(asset, "filename", asset) or "")


def _check_page(app, pagename, templatename, context, doctree):
    def keep(asset):
        name = _asset_name(asset)
        body = (getattr(asset, "attributes", {}) or {}).get("body", "") or ""
        return "thebe" not in name and "THEBE_JS_URL" not in body

    for key in ("script_files", "css_files"):
        if key in context:
            context[key] = [a for a in context[key] if keep(a)]
            for a in context[key]:
                if _REMOTE.match(_asset_name(a)):
                    logger.warning(f"[nnlab-offline] {pagename}: {key} loads {_asset_name(a)} from another host",
                                   location=pagename)


def setup(app):
    app.connect("config-inited", _drop_thebe, priority=900)
    app.connect("html-page-context", _check_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
