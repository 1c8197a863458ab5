"""Sphinx extension for the nnlab site: keep every page offline, or fail the build.

- Jupyter Book 1 always loads sphinx_thebe, which puts a `const THEBE_JS_URL = "https://unpkg..."`
  script (twice: a SyntaxError in the browser), sphinx-thebe.js and a thebe config block on every
  page. The site has no thebe (launch buttons open JupyterHub/Binder instead), so its event
  handlers are disconnected and its assets dropped.
- Any script or stylesheet that would still come from another host is reported as a warning,
  which `-W` turns into a failed build.
- Language links: the site is built once per language (book/build.py), English at the top and each
  other language in its own folder (zh_TW/). Every page gets a link to the same page in the other
  language(s) at the top of its article, and <link rel="alternate" hreflang> tags.
"""

from __future__ import annotations

import html
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


def _language_links(app, pagename, templatename, context, doctree):
    current = app.config.nnlab_language
    languages = app.config.nnlab_languages or []
    if not languages or current not in [lang[0] for lang in languages]:
        return
    here = next(folder for code, folder, _, _ in languages if code == current)
    up = "../" * (pagename.count("/") + (1 if here else 0))
    links, tags = [], []
    for code, folder, html_lang, name in languages:
        href = up + (folder + "/" if folder else "") + pagename + ".html"
        tags.append(f'<link rel="alternate" hreflang="{html_lang}" href="{html.escape(href)}" />')
        if code != current:
            links.append(f'<a class="nnlab-lang-link" href="{html.escape(href)}" hreflang="{html_lang}" '
                         f'lang="{html_lang}">{html.escape(name)}</a>')
    context["metatags"] = context.get("metatags", "") + "\n".join(tags)
    if "body" in context and links:
        context["body"] = f'<p class="nnlab-lang-switch">{" · ".join(links)}</p>\n' + context["body"]


def setup(app):
    app.add_config_value("nnlab_language", "en", "html")
    app.add_config_value("nnlab_languages", [], "html")
    app.connect("html-page-context", _language_links)
    app.connect("config-inited", _drop_thebe, priority=900)
    app.connect("html-page-context", _check_page, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
