"""The Traditional Chinese edition (tools/i18n.py, locales/zh_TW): complete, current, faithful to the markup,
Traditional characters only, and code and outputs identical to the English notebooks.

When one of these fails after you changed English text: `make translations`, translate what
`python -m tools.i18n check` lists, and see docs/translating.md."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tools import i18n  # noqa: E402

_spec = importlib.util.spec_from_file_location("nnlab_site_build_i18n", ROOT / "book" / "build.py")
site = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = site
_spec.loader.exec_module(site)

ENGLISH = {rel: json.loads((ROOT / rel).read_text(encoding="utf-8"))
           for rel in [f"notebooks/{p.name}" for p in sorted((ROOT / "notebooks").glob("*.ipynb"))]
           + [f"exercises/{p.parent.name}/{p.name}" for p in sorted((ROOT / "exercises").glob("*/*.ipynb"))]}


@pytest.fixture(scope="module")
def chinese():
    return i18n.generated(ROOT)


def test_every_source_has_a_catalogue():
    domains = set(i18n.sources(ROOT))
    assert {f"notebooks/{Path(r).stem}" for r in ENGLISH if r.startswith("notebooks/")} <= domains
    assert {"homework/hw1", "homework/hw2", "docs/index", "docs/students", "docs/instructors", "docs/homework",
            "site"} <= domains
    for d in domains:
        assert i18n.po_path(d, ROOT / "locales").is_file(), f"{d}: no catalogue; run `make translations`"


def test_catalogues_are_complete_current_and_keep_the_markup():
    """Nothing untranslated, fuzzy, stale or missing; math, code, links, roles, headings, lists and tables
    kept; Traditional characters only. The message says what to do."""
    problems = i18n.check(ROOT, quiet=True)
    assert not problems, (f"{len(problems)} translation problem(s); run `make translations`, translate, and see "
                          "docs/translating.md:\n" + "\n".join(map(str, problems[:40])))


def test_messages_are_whole_markdown_blocks():
    for domain, path in i18n.sources(ROOT).items():
        if path.suffix == ".ipynb":
            texts = [i18n._src(c) for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
        elif path.suffix == ".md":
            texts = [path.read_text(encoding="utf-8")]
        else:
            continue
        for t in texts:
            assert "".join(b + s for b, s in i18n.split_blocks(t)) == t, (domain, t[:80])
    blocks = [b for b, _ in i18n.split_blocks("# T\n\nA para\nline two.\n\n$$\nx\n\ny\n$$\n\n```python\na = 1\n\nb = 2\n```\n"
                                               ":::{note}\nText\n\nmore\n:::\n")]
    # a fence keeps its blank lines; a fence straight after another (no blank line) is the same block
    assert blocks == ["# T", "A para\nline two.", "$$\nx\n\ny\n$$", "```python\na = 1\n\nb = 2\n```\n:::{note}\nText\n\nmore\n:::"]
    assert not i18n.translatable("$$\\text{threshold: } z$$")
    assert not i18n.translatable("```bash\nmake lab\n```")
    assert i18n.translatable(":::{note}\nRead this.\n:::")


@pytest.mark.parametrize("msgid,msgstr,complaint", [
    ("The cost $C(\\theta)$ falls.", "成本會下降。", "math"),
    ("Run `fit(net)` now.", "現在執行 `fit(model)`。", "inline code"),
    ("See [01](01_neuron.ipynb).", "見 [01](02_activation_functions.ipynb)。", "link targets"),
    ("See {doc}`Students </docs/students>`.", "見 {doc}`學生 </docs/student>`。", "role targets"),
    ("## Summary", "# 總結", "heading level"),
    ("* one\n* two", "* 一與二", "list items"),
    ("| a | b |\n|---|---|\n| 1 | 2 |", "| a | b |\n|---|---|", "table shape"),
    ("Slider {count} pictures", "滑桿 {n} 張圖", "placeholders"),
    ("accuracy 0.916 (47.4% of them)", "準確率 0.91（其中 47.4%）", "numbers"),
    (":::{admonition} Note\n:class: tip\nText\n:::", "注意：文字", "fence"),
])
def test_markup_check_catches(msgid, msgstr, complaint):
    problems = i18n.markup_problems(msgid, msgstr, site=True)
    assert any(complaint in p for p in problems), problems


def test_markup_check_accepts_a_faithful_translation():
    msgid = ("See {doc}`Students </docs/students>` and [01](01_neuron.ipynb): the cost $C(\\theta)$ of `fit` "
             "falls.\n* one\n* two")
    msgstr = "見 {doc}`學生 </docs/students>` 與 [01](01_neuron.ipynb)：`fit` 的成本 $C(\\theta)$ 會下降。\n* 一\n* 二"
    assert i18n.markup_problems(msgid, msgstr) == []


def test_simplified_characters_are_found_and_taiwan_forms_pass():
    # 据 is also a Traditional character (拮据); 數據 itself is caught as a TERMS.md "avoid" form
    assert i18n.simplified_chars("这个网络的数据") == sorted(set("这个网络数"))
    assert i18n.simplified_chars("這個網路的資料，離群值，峰值，裡面，顯著") == []


@pytest.mark.parametrize("rel", list(ENGLISH))
def test_chinese_notebook_has_the_english_code_and_outputs(rel, chinese):
    en = ENGLISH[rel]
    zh, missing = chinese[rel]
    assert not missing, f"{rel}: {len(missing)} block(s) have no translation: {missing[0][:80]!r}"
    assert len(zh["cells"]) == len(en["cells"])
    translated = 0
    for i, (a, b) in enumerate(zip(en["cells"], zh["cells"])):
        assert a["cell_type"] == b["cell_type"] and a.get("metadata") == b.get("metadata"), (rel, i)
        if a["cell_type"] == "code":
            assert a == b, f"{rel} cell {i}: a Chinese code cell or its outputs differ from the English"
        elif i18n.notebook_messages({"cells": [a]}):
            assert b["source"] != a["source"], f"{rel} cell {i} is still English"
            translated += 1
    assert translated >= 3
    assert {k: v for k, v in zh["metadata"].items() if k != "nnlab_translation"} == en["metadata"]


@pytest.mark.parametrize("rel", [r for r in ENGLISH if r.startswith("notebooks/")])
def test_chinese_key_terms_keep_the_english_and_chinese_cells(rel, chinese):
    def terms(nb):
        return [(en, zh) for c in nb["cells"] if c["cell_type"] == "markdown"
                for en, zh, _ in site.key_terms(i18n._src(c))]

    english, translated = terms(ENGLISH[rel]), terms(chinese[rel][0])
    assert english, rel
    assert translated == english, f"{rel}: the Chinese key-terms table must keep the English and 繁體中文 cells"
    meanings = [m for c in chinese[rel][0]["cells"] if c["cell_type"] == "markdown"
                for _, _, m in site.key_terms(i18n._src(c))]
    # a meaning with English words must be in Chinese (one that is only a formula stays as it is)
    assert all(i18n._CJK.search(m) for m in meanings if i18n.translatable(m)), f"{rel}: a meaning is not translated"


def _mini_repo(tmp_path: Path) -> Path:
    """A course with one notebook, its catalogue and the tools: for the author's workflow."""
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / "notebooks" / "03_gradient_descent.ipynb", repo / "notebooks")
    po = "locales/zh_TW/LC_MESSAGES/notebooks/03_gradient_descent.po"
    (repo / po).parent.mkdir(parents=True)
    shutil.copy(ROOT / po, repo / po)
    shutil.copytree(ROOT / "tools", repo / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    return repo


def test_changing_english_marks_the_translation_fuzzy_until_it_is_redone(tmp_path):
    """The authors' workflow: edit English, `make translations` (tools.i18n update), the changed text is
    fuzzy (old translation kept as a draft), new text untranslated, check fails; translate, check passes."""
    repo = _mini_repo(tmp_path)
    assert i18n.check(repo, quiet=True) == []
    nb_path = repo / "notebooks" / "03_gradient_descent.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    cell = next(c for c in nb["cells"] if c["cell_type"] == "markdown" and "Taylor series" in i18n._src(c)
                and len(i18n.split_blocks(i18n._src(c))) > 1)
    blocks = i18n.split_blocks(i18n._src(cell))
    k = next(j for j, (b, _) in enumerate(blocks) if i18n.translatable(b) and len(b) > 80)
    old = blocks[k][0]
    changed = old.replace(". ", ", clearly. ", 1) if ". " in old else old + " Clearly."
    new_para = "A brand-new paragraph about learning rates that nobody has translated."
    blocks[k] = (changed, blocks[k][1] + new_para + "\n\n")
    cell["source"] = "".join(b + s for b, s in blocks)
    nb_path.write_text(json.dumps(nb, indent=1, ensure_ascii=False), encoding="utf-8")

    stale = i18n.check(repo, quiet=True)
    assert {p.kind for p in stale} >= {"not in the catalogue", "stale message"}

    proc = subprocess.run([sys.executable, "-m", "tools.i18n", "update"], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    po = polib.pofile(str(repo / "locales/zh_TW/LC_MESSAGES/notebooks/03_gradient_descent.po"))
    by_id = {e.msgid: e for e in po if not e.obsolete}
    assert "fuzzy" in by_id[changed].flags and by_id[changed].msgstr, "changed text keeps its old translation, fuzzy"
    assert by_id[new_para].msgstr == ""
    kinds = sorted(p.kind for p in i18n.check(repo, quiet=True))
    assert kinds == ["fuzzy", "untranslated"], kinds
    proc = subprocess.run([sys.executable, "-m", "tools.i18n", "check"], cwd=repo, capture_output=True, text=True)
    assert proc.returncode == 1 and "fuzzy" in proc.stdout and "untranslated" in proc.stdout

    by_id[changed].flags.remove("fuzzy")
    by_id[new_para].msgstr = "一段全新、還沒有人翻譯過的學習率段落。"
    po.save()
    assert i18n.check(repo, quiet=True) == []


def test_build_writes_chinese_notebooks_and_keeps_a_students_changed_copy(tmp_path, capsys):
    dest = tmp_path / "zh_TW"
    assert i18n.build(dest) == 0
    nb01 = dest / "notebooks" / "01_neuron.ipynb"
    assert nb01.is_file() and (dest / "exercises" / "hw1" / "hw1.ipynb").is_file()
    assert json.loads(nb01.read_text(encoding="utf-8"))["metadata"]["nnlab_translation"]["language"] == "zh_TW"
    mine = nb01.read_text(encoding="utf-8").replace('"execution_count": 1,', '"execution_count": 99,', 1)
    nb01.write_text(mine, encoding="utf-8")          # the student ran or edited it
    other = dest / "notebooks" / "02_activation_functions.ipynb"
    other.write_text(other.read_text(encoding="utf-8") + " ", encoding="utf-8")
    (dest / i18n.MANIFEST).write_text(json.dumps({**json.loads((dest / i18n.MANIFEST).read_text()),
                                                  "notebooks/02_activation_functions.ipynb":
                                                  __import__("hashlib").sha256(other.read_bytes()).hexdigest()}))
    capsys.readouterr()
    assert i18n.build(dest) == 0
    out = capsys.readouterr().out
    assert nb01.read_text(encoding="utf-8") == mine, "a student's changed notebook must never be overwritten"
    assert "kept your changed" in out and "01_neuron" in out
    # a copy that is exactly what an earlier build wrote is replaced by the current one
    assert other.read_text(encoding="utf-8") == i18n.dumps(i18n.generated(ROOT)["notebooks/02_activation_functions.ipynb"][0])


def test_a_line_break_inside_chinese_text_is_found_and_joined():
    """A line break between two Chinese characters shows as a space in a browser: check reports it."""
    text = "這是一段\n中文，\n  接著是 English\n與 $x$。\n- 下一項"
    assert i18n.join_chinese_lines(text) == "這是一段中文，接著是 English\n與 $x$。\n- 下一項"
    assert i18n._CJK_BREAK.search(text) and not i18n._CJK_BREAK.search(i18n.join_chinese_lines(text))


def test_an_unreadable_manifest_keeps_every_existing_copy(tmp_path, capsys):
    dest = tmp_path / "zh_TW"
    i18n.build(dest)
    nb = dest / "notebooks" / "01_neuron.ipynb"
    nb.write_text(nb.read_text(encoding="utf-8") + " ", encoding="utf-8")   # the student's work
    (dest / i18n.MANIFEST).write_text("{not json", encoding="utf-8")
    assert i18n.build(dest) == 0
    assert nb.read_text(encoding="utf-8").endswith(" ") and "unreadable" in capsys.readouterr().out


def test_check_names_an_unknown_catalogue():
    proc = subprocess.run([sys.executable, "-m", "tools.i18n", "check", "notebooks/01"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "no catalogue named notebooks/01" in proc.stderr
    assert "notebooks/01_neuron" in proc.stderr
