"""The course in Chinese in JupyterLab, as `make lab COURSE_LANG=zh_TW` gives it: the Chinese notebooks
(written by tools/i18n.py from locales/zh_TW) open with JupyterLab's commands in Traditional Chinese
(jupyterlab-language-pack-zh-TW, which leaves the menu bar's titles in English), and a lecture runs
from the Run menu's Chinese "run all cells" item without an error.
Screenshot: build/screenshots/lab_zh_01_neuron.png."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from browserlib import ROOT, is_local, launch, require_browser, screenshot_path
from labdriver import LabError, load_lab_page, open_and_run_all, running_jupyterlab

sys.path.insert(0, str(ROOT))
from tools import i18n  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOCALE = {"@jupyterlab/translation-extension/plugin.jupyterlab-settings": {"locale": "zh_TW"}}


def test_make_lab_in_chinese_writes_the_notebooks_and_sets_the_interface_language():
    """What `make lab COURSE_LANG=zh_TW` runs (make -n): the Chinese notebooks, JupyterLab's locale
    setting in its own settings folder, JupyterLab opening on zh_TW/notebooks; a wrong language is refused."""
    dry = subprocess.run(["make", "-n", "lab", "COURSE_LANG=zh_TW"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "tools.i18n build --dest zh_TW" in dry
    assert '{"locale": "zh_TW"}' in dry and "translation-extension/plugin.jupyterlab-settings" in dry
    assert "JUPYTERLAB_SETTINGS_DIR=" in dry and "--LabApp.default_url=/lab/tree/zh_TW/notebooks" in dry
    en = subprocess.run(["make", "-n", "lab", "COURSE_LANG=en"], cwd=ROOT, capture_output=True, text=True).stdout
    assert "i18n" not in en and "--LabApp.default_url=/lab/tree/notebooks" in en
    bad = subprocess.run(["make", "lab", "COURSE_LANG=fr"], cwd=ROOT, capture_output=True, text=True,
                         env={"PATH": "/usr/bin:/bin", "HOME": str(ROOT)})
    assert bad.returncode != 0 and "COURSE_LANG must be en (English) or zh_TW" in bad.stdout + bad.stderr


def test_chinese_notebook_runs_in_chinese_jupyterlab(tmp_path):
    sync_playwright, chromium = require_browser()
    course = tmp_path / "course"
    assert i18n.build(course / "zh_TW") == 0  # what make lab COURSE_LANG=zh_TW writes
    notebook = course / "zh_TW" / "notebooks" / "01_neuron.ipynb"
    try:
        with running_jupyterlab(tmp_path / "lab", root=course, settings=LOCALE) as (base, token):
            with sync_playwright() as p:
                browser = launch(p, chromium)
                page = browser.new_context(viewport={"width": 1280, "height": 1000}).new_page()
                blocked = []
                page.on("request", lambda r: None if is_local(r.url) else blocked.append(r.url))
                load_lab_page(page, base, token, tree="zh_TW/notebooks")  # where make lab opens
                # The zh-TW pack (PyPI 4.5.post3) translates JupyterLab's commands, not the menu bar's titles
                # (those come from settings schemas it does not cover): the Run menu is "Run", its items Chinese.
                page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).click()
                items = page.locator(".lm-Menu-itemLabel").all_inner_texts()
                page.keyboard.press("Escape")
                chinese = [t for t in items if re.search(r"[\u3400-\u9fff]", t)]
                labels = [t for t in items if t]
                assert len(chinese) >= 0.6 * len(labels), f"JupyterLab's Run menu is not in Chinese: {items}"
                # (the pack's own word for a cell is 編輯單元 here, 儲存格 elsewhere: not the course's to change)
                errors = open_and_run_all(page, notebook, 300, root=course, menu=("Run", "執行所有(儲存格|編輯單元)"))
                assert not errors, errors[0]
                title = page.locator(".jp-MarkdownOutput h1").first.inner_text()
                assert re.search(r"[\u3400-\u9fff]", title), f"the notebook's title is not Chinese: {title!r}"
                prompts = page.locator(".jp-CodeCell .jp-InputArea-prompt").all_inner_texts()
                code_cells = [c for c in json.loads(notebook.read_text(encoding="utf-8"))["cells"]
                              if c["cell_type"] == "code"]
                assert len(prompts) == len(code_cells) and all(re.search(r"\[\d+\]", t) for t in prompts)
                page.screenshot(path=str(screenshot_path("lab_zh_01_neuron")))
                assert not blocked, blocked[:5]
                browser.close()
    except LabError as e:
        pytest.fail(str(e))
