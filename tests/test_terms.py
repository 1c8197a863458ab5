"""Every key term (the notebooks' `## Key terms 關鍵詞` tables, hence the site's glossary) is written
the way the course's term list, book/TERMS.md, says: its Taiwan usage, never a form listed as
"avoid", half-width brackets, 、 between Chinese items, and one glossary row per term."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
TERMS_MD = ROOT / "book" / "TERMS.md"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
_spec = importlib.util.spec_from_file_location("nnlab_site_build_terms", ROOT / "book" / "build.py")
site = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = site
_spec.loader.exec_module(site)

_PARENS = re.compile(r"\s*[(（][^()（）]*[)）]")
_CJK = r"\u3400-\u9fff\uf900-\ufaff"


def _strip(text: str) -> str:
    """Without parenthetical notes: 'S 型函數 (sigmoid)' -> 'S 型函數'."""
    return re.sub(r"\s+", " ", _PARENS.sub("", site.plain(text))).strip()


def _split(text: str, sep: str, shared_tail: bool) -> list[str]:
    """'hidden / output / input layer' -> hidden layer, output layer, input layer (a shared tail);
    'L1 / L2 正則化' -> L1 正則化, L2 正則化."""
    parts = [p.strip() for p in re.split(sep, text) if p.strip()]
    if shared_tail and len(parts) > 1:
        tail = parts[-1].split(" ", 1)
        if len(tail) == 2 and all(" " not in p for p in parts[:-1]):
            parts = [p + " " + tail[1] for p in parts[:-1]] + [parts[-1]]
    return parts


def _pairs(english: str, chinese: str) -> list[tuple[str, str]]:
    """(English, 中文) pairs of one row: 'a / b' and 'a; b' and 'a, b' split pairwise when both sides
    have as many parts."""
    en, zh = _strip(english), _strip(chinese)
    for sep_en, sep_zh in ((r"\s*;\s*", r"\s*;\s*"), (r"\s+/\s+", r"\s+/\s+"), (r",\s*", r"\s*[、,]\s*")):
        slash = "/" in sep_en
        e, z = _split(en, sep_en, slash), _split(zh, sep_zh, slash)
        if len(e) > 1 and len(e) == len(z):
            return [pair for a, b in zip(e, z) for pair in _pairs(a, b)]
    return [(en, zh)]


def _key(english: str) -> str:
    return re.sub(r"[^a-z0-9+]+", " ", english.lower()).strip()


def load_terms(path: Path = TERMS_MD) -> tuple[dict[str, str], set[str]]:
    """({English: Taiwan form}, {forms to avoid}) from the table of book/TERMS.md."""
    taiwan, avoid = {}, set()
    for line in path.read_text(encoding="utf-8").splitlines():
        cells = site.split_row(line) if line.startswith("|") else []
        if len(cells) < 4 or cells[0] in ("English", "") or set(cells[0]) <= set("-"):
            continue
        english, chinese, seen, note = cells[:4]
        for en, zh in _pairs(english, chinese):
            taiwan[_key(en)] = zh
        for en, zh in re.findall(r"([a-z][a-z -]+?) = ([" + _CJK + r"]+)", note):  # "error back-propagation = 誤差反向傳播"
            taiwan.setdefault(_key(en), zh)
        for part in re.findall(r"avoid ([^;]+)", seen):
            for form in re.split(r"\s*[,/]\s*", part):
                form = re.match(r"[^\s(]+", form.strip())  # '文件(夾)' -> 文件, '泰勒展開 here (= ...)' -> 泰勒展開
                if form and re.search(f"[{_CJK}]", form.group(0)):
                    avoid.add(form.group(0))
    return taiwan, avoid


def check_entry(english: str, chinese: str, taiwan: dict[str, str], avoid: set[str]) -> list[str]:
    """What is wrong with one key-terms/glossary entry ([] if nothing)."""
    problems = [f"{english!r}: {chinese!r} uses {bad!r}, which TERMS.md lists as to avoid"
                for bad in sorted(avoid) if bad in chinese]
    if re.search("[（）]", chinese):
        problems.append(f"{english!r}: {chinese!r} has full-width brackets; use ( ) as the other tables do")
    if re.search(f"[{_CJK}]\\s*,\\s*[{_CJK}A-Za-z]", chinese):
        problems.append(f"{english!r}: {chinese!r}: separate Chinese items with 、, not a comma")
    for en, zh in _pairs(english, chinese):
        k = _key(en)
        want = taiwan.get(k) or (taiwan.get(k[:-1]) if k.endswith("s") else None)  # parameters -> parameter
        if want is None:
            problems.append(f"{english!r}: {en!r} is not in book/TERMS.md (add it there with its Taiwan usage)")
        elif zh.lower() != want.lower():
            problems.append(f"{english!r}: {zh!r} differs from the Taiwan usage {want!r} in book/TERMS.md")
    return problems


def test_terms_md_parses():
    taiwan, avoid = load_terms()
    assert taiwan["chain rule"] == "連鎖律" and taiwan["hidden layer"] == "隱藏層"
    assert taiwan["l2 regularisation"] == "L2 正則化" and taiwan["training set"] == "訓練集"
    assert taiwan["error back propagation"] == "誤差反向傳播"
    assert {"鏈式法則", "感知機", "代價函數", "神經元丟失", "文件", "泰勒展開"} <= avoid


@pytest.mark.parametrize("english, chinese, complaint", [
    ("chain rule", "鏈式法則", "avoid"),
    ("cost function", "損失函數", "differs"),
    ("hyperbolic tangent", "雙曲正切 (tanh)", "differs"),
    ("dropout", "丟棄法 (神經元丟失)", "avoid"),
    ("epoch", "訓練週期（Epoch）", "full-width"),
    ("L2 regularisation, weight decay", "L2 正則化, 權重衰減", "、"),
    ("no such term", "某詞", "not in book/TERMS.md"),
])
def test_check_entry_catches(english, chinese, complaint):
    taiwan, avoid = load_terms()
    problems = check_entry(english, chinese, taiwan, avoid)
    assert any(complaint in p for p in problems), problems


@pytest.mark.parametrize("english, chinese", [
    ("sigmoid", "S 型函數 (sigmoid)"), ("training / validation / test set", "訓練集 / 驗證集 / 測試集"),
    ("L2 regularisation, weight decay", "L2 正則化、權重衰減"), ("parameters", "參數"),
    ("gradient check (numerical differentiation)", "梯度檢查 (數值微分)"), ("leaky ReLU", "Leaky ReLU"),
])
def test_check_entry_accepts(english, chinese):
    assert check_entry(english, chinese, *load_terms()) == []


def _notebooks() -> dict:
    return {f"notebooks/{p.stem}": nbformat.read(p, as_version=4) for p in NOTEBOOKS}


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_key_terms_use_taiwan_usage(path):
    taiwan, avoid = load_terms()
    nb = nbformat.read(path, as_version=4)
    rows = [t for c in nb.cells if c.cell_type == "markdown" for t in site.key_terms(c.source)]
    problems = [p for en, zh, _ in rows for p in check_entry(en, zh, taiwan, avoid)]
    assert not problems, f"{path.name} key terms:\n" + "\n".join(problems)


def test_glossary_one_row_per_term_in_taiwan_usage():
    """The glossary as book/build.py makes it: each term once, each Chinese term once, as TERMS.md says."""
    taiwan, avoid = load_terms()
    terms = site.collect_terms(_notebooks())
    assert terms, "no glossary terms"
    problems, rows_of = [], {}
    for t in terms.values():
        problems += check_entry(t.english, t.chinese, taiwan, avoid)
        parts = [zh for _, zh in _pairs(t.english, t.chinese)]
        if len(parts) != len(set(parts)):
            problems.append(f"{t.english!r}: Chinese repeated in one row: {t.chinese!r}")
        for en, zh in _pairs(t.english, t.chinese):
            rows_of.setdefault(zh, set()).add(t.english)
    problems += [f"{zh!r} appears in several glossary rows: {sorted(rows)} (use one English spelling)"
                 for zh, rows in rows_of.items() if len(rows) > 1]
    assert not problems, "\n".join(problems)


def test_collect_terms_does_not_repeat_a_slash_term():
    """'收斂 / 發散' is one entry: the glossary showed it as 收斂 / 發散 / 收斂 / 發散."""
    from nbformat.v4 import new_markdown_cell, new_notebook
    table = "## Key terms 關鍵詞\n\n| English | 繁體中文 | meaning |\n|---|---|---|\n| convergence / divergence | 收斂 / 發散 | x |"
    nbs = {"a": new_notebook(cells=[new_markdown_cell(table)]), "b": new_notebook(cells=[new_markdown_cell(table)])}
    assert site.collect_terms(nbs)["convergence-divergence"].chinese == "收斂 / 發散"


def _course_text_files() -> list[Path]:
    """Every file a student or the site shows: notebooks, homework (solutions and exercises), docs,
    README, the book's sources and the package's docstrings and messages (TERMS.md itself excluded)."""
    found = [ROOT / "README.md"]
    for folder, patterns in [("notebooks", ["*.ipynb"]), ("solutions", ["**/*.ipynb", "**/*.md"]),
                             ("exercises", ["**/*.ipynb", "**/*.md"]), ("docs", ["**/*.md"]),
                             ("book", ["*.py", "*.yml", "static/*"]), ("nnlab", ["*.py"]),
                             ("locales", ["**/*.po"]), ("tools/edition_template", ["*.md"])]:
        for pattern in patterns:
            found += [p for p in (ROOT / folder).glob(pattern) if p.is_file() and ".ipynb_checkpoints" not in p.parts]
    return sorted(set(found) - {TERMS_MD})


def test_no_avoided_form_anywhere_in_the_course():
    """Not only the key-terms tables: no prose, heading, code comment or message uses a form that
    TERMS.md lists as to avoid (感知機, 鏈式法則, 代價函數, 小批量, ...)."""
    _, avoid = load_terms()
    files = _course_text_files()
    assert any(p.suffix == ".ipynb" for p in files) and any("solutions" in p.parts for p in files)
    problems = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for bad in sorted(avoid):
            for m in re.finditer(re.escape(bad), text):
                line = text.count("\n", 0, m.start()) + 1
                problems.append(f"{path.relative_to(ROOT)}:{line}: {bad!r} in ...{text[max(0, m.start() - 20):m.end() + 10]!r}")
    assert not problems, "forms TERMS.md lists as to avoid:\n" + "\n".join(problems)
