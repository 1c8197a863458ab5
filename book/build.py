"""Build the course site (`make site`): a static Jupyter Book 1 that works offline.

    python book/build.py [--out _build] [--stage build/site-src] [--no-build]

1. Stage: copy docs/, notebooks/*.ipynb and exercises/*/ (the student homework; never
   solutions/) into build/site-src/, mirroring the repository layout so relative links
   keep working.
2. Generate there: _toc.yml from the files that exist (lectures in file-name order, which
   is the lecture order), glossary.md from every notebook's `## Key terms 關鍵詞` table,
   exercises/index.md with a download link per assignment, and _config.yml from
   book/_config.yml with the launch settings taken from the environment
   (NNLAB_JUPYTERHUB_URL, NNLAB_BINDERHUB_URL, NNLAB_REPO_URL, NNLAB_REPO_BRANCH) when set.
   In the staged copies only, the first mention of each key term in the lectures and the
   terms in each key-terms table link to the glossary.
3. Build: jupyter-book build --all -n -W --keep-going (any warning or notebook error fails
   the build; a plain build exits 0 on a broken notebook). Output: <out>/html.

Nothing here executes a notebook: the site shows the stored outputs that nbval checks.
"""

from __future__ import annotations

import argparse
import ast
import copy
import html
import json
import math
import os
import re
import shutil
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
BOOK = ROOT / "book"
KEY_TERMS_HEADING = "## Key terms 關鍵詞"
# The Chinese notebooks' heading for the same table (locales/zh_TW: "## 關鍵詞 Key terms").
KEY_TERMS_HEADINGS = (KEY_TERMS_HEADING, "## 關鍵詞 Key terms")
# The site's languages: code, folder under the English site, <html lang>, name in its own language.
LANGUAGES = {"en": ("", "en", "English"), "zh_TW": ("zh_TW", "zh-TW", "繁體中文")}


# --------------------------------------------------------------------------- language
# Words this script writes into the site go through _t("..."): the English text is the message;
# `python -m tools.i18n update` collects every _t("literal") into locales/zh_TW/LC_MESSAGES/site.po.
_LANG = "en"
_T = None


def _t(text: str) -> str:
    return text if _T is None else _T(text)


def set_language(lang: str, root: Path = ROOT) -> None:
    """Use lang's catalogue for _t (and the translation of staged notebooks and pages)."""
    global _LANG, _T
    if lang not in LANGUAGES:
        raise SystemExit(f"unknown site language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    _LANG = lang
    _T = None if lang == "en" else _i18n().Catalogue("site", root / "locales", lang).get


def _i18n():
    """tools/i18n.py (the catalogues), loaded from this repository."""
    import importlib.util

    name = "nnlab_tools_i18n"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / "i18n.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]
# docs/ pages shown on the site, in this order; children are listed under their parent.
DOCS = [("index", []), ("students", []), ("instructors", ["homework"])]


# --------------------------------------------------------------------------- glossary
@dataclass
class Term:
    english: str
    chinese: str
    meaning: str
    slug: str
    notebooks: list[str] = field(default_factory=list)  # docnames whose key-terms table lists it
    first: str | None = None  # docname where the term is first mentioned in the lectures


def slugify(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", plain(text).lower()).strip("-")
    return s or "term"


def plain(md: str) -> str:
    """Markdown cell text without emphasis, code ticks or link targets."""
    md = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", md)
    return re.sub(r"[*_`]", "", md).strip()


def split_row(line: str) -> list[str]:
    """Cells of a markdown table row (`\\|` stays inside a cell)."""
    line = line.strip()
    if line.startswith("|"):
        line = line[1:]
    if line.endswith("|") and not line.endswith("\\|"):
        line = line[:-1]
    return [c.strip() for c in re.split(r"(?<!\\)\|", line)]


def key_terms(source: str) -> list[tuple[str, str, str]]:
    """(English, 繁體中文, meaning) rows of a `## Key terms 關鍵詞` markdown cell, or []."""
    lines = source.strip().splitlines()
    if not lines or not lines[0].strip().startswith(KEY_TERMS_HEADINGS):
        return []
    rows = [ln for ln in lines[1:] if ln.strip().startswith("|")]
    if len(rows) < 2:
        raise ValueError(f"{KEY_TERMS_HEADING!r} cell has no table: {source[:200]!r}")
    header = [plain(c).lower() for c in split_row(rows[0])]
    try:
        i_en, i_zh = header.index("english"), header.index("繁體中文")
    except ValueError:
        raise ValueError(f"key-terms table header must start with | English | 繁體中文 |, got {rows[0]!r}")
    i_m = next((header.index(h) for h in ("meaning", "說明") if h in header), None)
    out = []
    for row in rows[2:]:  # rows[1] is the |---|---| line
        cells = split_row(row)
        if len(cells) <= max(i_en, i_zh) or not plain(cells[i_en]):
            continue
        meaning = cells[i_m] if i_m is not None and i_m < len(cells) else ""
        out.append((cells[i_en], cells[i_zh], meaning))
    return out


def collect_terms(notebooks: dict[str, nbformat.NotebookNode]) -> dict[str, Term]:
    """Terms by slug, from the key-terms tables of the notebooks (in the given order)."""
    terms: dict[str, Term] = {}
    for doc, nb in notebooks.items():
        for cell in nb.cells:
            if cell.cell_type != "markdown":
                continue
            for en, zh, meaning in key_terms(cell.source):
                slug = slugify(en)
                t = terms.setdefault(slug, Term(plain(en), zh, meaning, slug))
                # A later notebook may list the term again. Compare whole cells ("收斂 / 發散" is
                # one entry, not two); a different Chinese term is shown too, with a build note.
                if zh and plain(zh) not in [plain(z) for z in t.chinese.split("; ")]:
                    print(f"note: glossary: {t.english!r} is {t.chinese} in {t.notebooks} but {zh} in {doc}")
                    t.chinese += "; " + zh
                if not t.meaning and meaning:
                    t.meaning = meaning
                if doc not in t.notebooks:
                    t.notebooks.append(doc)
    return terms


# Markdown that must not get a link inside it: code, math, links, HTML tags, roles,
# headings, and the link we are about to add.
_PROTECTED = re.compile(
    r"```.*?```|~~~.*?~~~|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]+\$|\\\[.*?\\\]|\\\(.*?\\\)"
    r"|!?\[[^\]\n]*\]\([^)\n]*\)|<[^>\n]+>|\{[\w:-]+\}`[^`]*`|^[ \t]*#[^\n]*$|https?://\S+",
    re.S | re.M,
)


def chinese_forms(term: Term) -> list[str]:
    """The Chinese words of a term as the text writes them: '梯度下降 (法)' -> ['梯度下降'],
    '收斂 / 發散' -> ['收斂', '發散'], '訓練週期 (epoch)' -> ['訓練週期']."""
    forms = []
    for part in re.split(r";|/|、", plain(term.chinese)):
        word = re.sub(r"\s*[(（][^)）]*[)）]", "", part).strip()
        if word and re.search(r"[\u3400-\u9fff]", word):
            forms.append(word)
    return forms


def link_first(source: str, term: Term) -> tuple[str, bool]:
    """Link the first unprotected mention of the term in a markdown cell: its English words, or on the
    Chinese site its Chinese words first."""
    english = r"(?<![\w-])" + re.escape(term.english) + r"(?:s|es)?(?![\w-])"
    if _LANG != "en" and chinese_forms(term):
        pattern = re.compile("|".join([re.escape(w) for w in sorted(chinese_forms(term), key=len, reverse=True)]
                                      + [english]), re.I)
    else:
        pattern = re.compile(english, re.I)
    pos = 0
    for m in list(_PROTECTED.finditer(source)) + [None]:
        end = m.start() if m else len(source)
        hit = pattern.search(source, pos, end)
        if hit:
            text = hit.group(0)
            return source[:hit.start()] + f"[{text}](#glossary-{term.slug})" + source[hit.end():], True
        pos = m.end() if m else pos
    return source, False


def link_table_terms(source: str, terms: dict[str, Term]) -> str:
    """In a key-terms cell, make each English cell that is not yet a link point to the glossary."""
    if not source.strip().startswith(KEY_TERMS_HEADINGS):
        return source
    lines = source.splitlines()
    rows = [i for i, ln in enumerate(lines) if ln.strip().startswith("|")]
    if len(rows) < 3:
        return source
    header = [plain(c).lower() for c in split_row(lines[rows[0]])]
    i_en = header.index("english")
    for i in rows[2:]:
        cells = split_row(lines[i])
        if len(cells) <= i_en:
            continue
        en = cells[i_en]
        slug = slugify(en)
        if slug in terms and not en.lstrip("*_").startswith("["):
            cells[i_en] = f"[{en}](#glossary-{slug})"
            lines[i] = "| " + " | ".join(cells) + " |"
    # a class for the site's CSS (one block per term on a phone, like the glossary)
    lines[rows[0]:rows[-1] + 1] = [":::{container} nnlab-key-terms", *lines[rows[0]:rows[-1] + 1], ":::"]
    return "\n".join(lines)


def add_glossary_links(notebooks: dict[str, nbformat.NotebookNode], terms: dict[str, Term]) -> None:
    """Link each term's first mention (lecture order) and every key-terms table entry."""
    for term in sorted(terms.values(), key=lambda t: -len(t.english)):  # "gradient descent" before "gradient"
        for doc, nb in notebooks.items():
            for cell in nb.cells:
                if cell.cell_type != "markdown":  # (headings are never linked: see _PROTECTED)
                    continue
                cell.source, done = link_first(cell.source, term)
                if done:
                    term.first = doc
                    break
            if term.first:
                break
    for nb in notebooks.values():
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = link_table_terms(cell.source, terms)


def md_cell(text: str) -> str:
    """Text safe inside a list-table cell."""
    return text.replace("\n", " ").strip() or " "


def english_part(title: str) -> str:
    """'Gradient descent' of 'Gradient descent 梯度下降'."""
    return re.sub(r"[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]+.*$", "", title).strip(" :-—")


def short_title(doc: str, titles: dict[str, str], english_titles: dict[str, str] | None = None) -> str:
    """'03 Gradient descent' for notebooks/03_gradient_descent titled 'Gradient descent 梯度下降'; on the
    Chinese site '03 梯度下降' for the title '梯度下降 Gradient descent' (the English title taken away)."""
    title = titles.get(doc, doc)
    if _LANG != "en":
        english = english_part((english_titles or {}).get(doc, ""))
        short = title.replace(english, "").strip(" :-—") if english else title
    else:
        short = english_part(title)
    number = re.match(r"(\d+)_", doc.split("/")[-1])
    return f"{number.group(1)} {short}" if number else short or doc


def glossary_page(terms: dict[str, Term], titles: dict[str, str], english_titles: dict[str, str] | None = None) -> str:
    lines = [
        _t("# Glossary 詞彙表"),
        "",
        _t("Every term that a lecture notebook introduces in its **Key terms 關鍵詞** table, "
           "with its Traditional Chinese term in Taiwan usage (the course's term list, `book/TERMS.md`). "
           "*First mentioned* links to the lecture where the term first appears; that mention links back here."),
        "",
        "```{list-table}",
        ":header-rows: 1",
        # Three columns, widths from the content: four fixed-percentage columns were wider than the page
        # once words no longer break (a column is at least its longest word or formula).
        ":widths: auto",
        ":class: nnlab-glossary",
        "",
        "* - English 繁體中文",
        "  - " + _t("Meaning"),
        "  - " + _t("First mentioned"),
    ]
    for t in sorted(terms.values(), key=lambda t: t.english.lower()):
        where = t.first or (t.notebooks[0] if t.notebooks else None)
        ref = f"{{doc}}`{short_title(where, titles, english_titles)} </{where}>`" if where else " "
        lines += [
            f"* - (glossary-{t.slug})=",
            "",
            f"    **{md_cell(t.english)}**",
            "",
            f"    {md_cell(t.chinese)}",
            f"  - {md_cell(t.meaning)}",
            f"  - {ref}",
        ]
    lines += ["```", ""]
    if not terms:
        lines[4:] = [_t("No notebook has a key-terms table yet."), ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------- slider notes
# nnlab.widgets.slider_plot shows JupyterLab a live widget and the site a kernel-free player over stored
# frames: one per combination of the stored values of the controls it offers (its data-spec attribute
# lists them, and the controls it leaves at their starting values). The site says which, under each player.
# Players written before data-spec existed sweep one control (the first <label>, values in data-value).
_PLAYER = re.compile(r'<div class="nnlab-static-slider"([^>]*)>(?:<label>(.*?) <input)?')
_SPEC = re.compile(r'data-spec="([^"]*)"')
_FRAME_VALUE = re.compile(r'<img class="nnlab-frame" data-value="([^"]*)"')
_NOT_CONTROLS = {"name", "figsize", "dpi", "static", "static_values", "precompute", "clear"}


def _players(cell) -> list[dict]:
    """Each kernel-free player among a code cell's outputs: {"offered": [(control, [stored values])],
    "fixed": {control: value} or None where the player does not say}."""
    found = []
    for out in cell.get("outputs", []):
        html_out = out.get("data", {}).get("text/html", "")
        html_out = "".join(html_out) if isinstance(html_out, list) else html_out
        for m in _PLAYER.finditer(html_out):
            spec = _SPEC.search(m.group(1))
            if spec:
                d = json.loads(html.unescape(spec.group(1)))
                found.append({"offered": [(k, list(v)) for k, v in d["controls"]], "fixed": dict(d["fixed"])})
                continue
            rest = html_out[m.end():]
            end = rest.find('class="nnlab-static-slider"')
            values = _FRAME_VALUE.findall(rest if end < 0 else rest[:end])
            found.append({"offered": [(html.unescape(m.group(2) or "?"), [html.unescape(v) for v in values])],
                          "fixed": None})
    return found


def _literals(sources: list[str]) -> dict:
    """Names bound to a literal (`names = ["a", "b"]`) in the given code, later bindings winning."""
    env = {}
    for src in sources:
        try:
            tree = ast.parse(src)
        except SyntaxError:  # IPython magics: skip the cell
            continue
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                try:
                    env[node.targets[0].id] = ast.literal_eval(node.value)
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    env.pop(node.targets[0].id, None)
    return env


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _controls(source: str, env: dict) -> dict:
    """{control: spec} of the cell's last slider_plot(...) call; spec is the literal (a tuple
    (min, max, step[, start]) or a list of menu entries), or None where it is not a literal."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return {}
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)
             and getattr(n.func, "id", getattr(n.func, "attr", None)) == "slider_plot"]
    out = {}
    for kw in calls[-1].keywords if calls else []:
        if kw.arg is None or kw.arg in _NOT_CONTROLS:
            continue
        try:
            out[kw.arg] = ast.literal_eval(kw.value)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            out[kw.arg] = env.get(kw.value.id) if isinstance(kw.value, ast.Name) else None
    return out


def _is_menu(spec) -> bool:
    return isinstance(spec, (list, tuple)) and bool(spec) and all(isinstance(x, str) for x in spec)


def _is_range(spec) -> bool:
    return isinstance(spec, tuple) and len(spec) in (3, 4) and all(isinstance(x, (int, float)) for x in spec)


def _where(name: str, spec) -> str:
    """Where the site leaves a control it does not sweep: 'b = 0 (live: -3 to 3)'."""
    if _is_menu(spec):
        return f"`{name}` = {spec[0]}" + (_t(" (the live menu also has {entries})").format(entries=", ".join(spec[1:]))
                                          if len(spec) > 1 else "")
    if _is_range(spec):
        return f"`{name}` = {_fmt(spec[3] if len(spec) == 4 else spec[0])}" + _t(" (live: {low} to {high})").format(
            low=_fmt(spec[0]), high=_fmt(spec[1]))
    return _t("`{name}` at its starting value").format(name=name)


def _num(v: str) -> str:
    try:
        return f"{float(v):.6g}"
    except ValueError:
        return v


def _is_number(v: str) -> bool:
    try:
        float(v)
        return True
    except ValueError:
        return False


def _offered(name: str, values: list[str], spec) -> str:
    """How a player shows one control: '`w` = -5 to 5 (9 values)' or '`kind`: sigmoid, threshold'."""
    if _is_menu(spec) or not all(_is_number(v) for v in values):
        return f"`{name}`: {', '.join(values)}"
    span = (_t("{low} to {high}").format(low=_num(values[0]), high=_num(values[-1])) if len(values) > 1
            else _num(values[0]) if values else "?")
    text = (f"`{name}` = {span}" + _t(" ({count} values)").format(count=len(values)) if len(values) > 1
            else f"`{name}` = {span}")
    if _is_range(spec) and spec[2] and round((spec[1] - spec[0]) / spec[2]) + 1 > len(values):
        text += _t("; in JupyterLab also every step of {step} in between").format(step=_fmt(spec[2]))
    return text


def slider_note(offered: list[tuple[str, list[str]]], controls: dict, fixed: dict | None = None) -> str:
    """The markdown note the site puts under a kernel-free player: which controls it moves, over
    which stored values, and where the live notebook's other controls stay.

    offered: (control, stored values) per control of the player; controls: {control: spec} of the
    slider_plot call (see _controls); fixed: {control: value} the player reports, if it does."""
    names = [k for k, _ in offered]
    n = math.prod(max(len(v), 1) for _, v in offered) if offered else 0
    shown = _t("; ").join(_offered(k, v, controls.get(k)) for k, v in offered)
    rest = [k for k in controls if k not in names] + [k for k in (fixed or {}) if k not in names and k not in controls]
    others = [_where(k, controls[k]) if k in controls and controls[k] is not None
              else f"`{k}` = {fixed[k]}" if fixed and k in fixed else _t("`{name}` at its starting value").format(name=k)
              for k in rest]
    moved = _t(" and ").join(f"`{k}`" for k in names)
    if others:
        what = (_t("**This slider moves {moved} only**") if len(names) == 1
                else _t("**This player moves {moved} only**")).format(moved=moved)
        text = (_t("{what} ({count} stored pictures, one per combination: {shown}). ") if len(names) > 1 else
                _t("{what} ({count} stored pictures, {shown}). ")).format(what=what, count=n, shown=shown)
        text += _t("The notebook's other controls stay at their starting values here: {others}. "
                   "To move those, open the notebook in JupyterLab.").format(others=_t("; ").join(others))
    elif len(names) > 1:
        text = _t("**This player has every control of the live notebook** ({count} stored pictures, one per "
                  "combination): {shown}.").format(count=n, shown=shown)
    else:
        text = _t("**This slider shows {count} stored pictures**, {shown}.").format(count=n, shown=shown)
    return f":::{{admonition}} {_t('Kernel-free slider')}\n:class: note nnlab-slider-note\n{text}\n:::"


def add_slider_notes(nb: nbformat.NotebookNode) -> int:
    """Insert a note under every code cell that shows a kernel-free player; return how many."""
    cells, n = [], 0
    code_so_far = []
    for cell in nb.cells:
        cells.append(cell)
        if cell.cell_type != "code":
            continue
        code_so_far.append(cell.source)
        for player in _players(cell):
            controls = _controls(cell.source, _literals(code_so_far))
            cells.append(nbformat.v4.new_markdown_cell(slider_note(player["offered"], controls, player["fixed"])))
            n += 1
    nb.cells = cells
    return n


# --------------------------------------------------------------------------- staging
def title_of(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            m = re.match(r"\s*#\s+(.+)", cell.source)
            if m:
                return plain(m.group(1))
            break
    return fallback


def check_outputs(nbs: dict[str, nbformat.NotebookNode]) -> None:
    """Fail if a lecture notebook stores an error output (execute_notebooks is off, so
    Sphinx would render the traceback as if it were content and still exit 0)."""
    bad = []
    for doc, nb in nbs.items():
        for i, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []) if cell.cell_type == "code" else []:
                if out.get("output_type") == "error":
                    bad.append(f"{doc}.ipynb cell {i}: {out.get('ename')}: {out.get('evalue')}")
    if bad:
        raise SystemExit("notebooks with error outputs (re-run and save them):\n  " + "\n  ".join(bad))


def launch_settings(cfg: dict) -> dict:
    """Apply NNLAB_* environment overrides to the launch and repository settings."""
    env = os.environ
    lb = cfg.setdefault("launch_buttons", {})
    repo = cfg.setdefault("repository", {})
    if "NNLAB_JUPYTERHUB_URL" in env:
        lb["jupyterhub_url"] = env["NNLAB_JUPYTERHUB_URL"]
    if "NNLAB_BINDERHUB_URL" in env:
        lb["binderhub_url"] = env["NNLAB_BINDERHUB_URL"]
    if env.get("NNLAB_REPO_URL"):
        repo["url"] = env["NNLAB_REPO_URL"]
    if env.get("NNLAB_REPO_BRANCH"):
        repo["branch"] = env["NNLAB_REPO_BRANCH"]
    lb["thebe"] = False  # thebe loads its code from a CDN
    if is_placeholder_repo(repo.get("url")):
        # Binder/JupyterHub would clone a repository that does not exist: no launch button, and no
        # repository, issues or edit button/link pointing at it.
        lb["binderhub_url"] = lb["jupyterhub_url"] = ""
        cfg.setdefault("html", {}).update(use_repository_button=False, use_issues_button=False,
                                          use_edit_page_button=False)
        print(f"note: repository.url in book/_config.yml is the placeholder {repo.get('url') or '(empty)'}: "
              "the site gets no 'open live' (Binder/JupyterHub) or repository button. To get them, build with "
              "`make site REPO_URL=https://github.com/<you>/nnlab` (or set repository.url in book/_config.yml).")
    elif not (lb.get("jupyterhub_url") or lb.get("binderhub_url")):
        print("note: no jupyterhub_url or binderhub_url: notebook pages get no 'open live' button")
    return cfg


SITE_TITLE = "nnlab: neural-network basics 類神經網路基礎"
SITE_FOOTER = "Runs offline: no page of this site loads anything from another host."


def language_settings(cfg: dict, terms: dict[str, Term], dest: Path) -> dict:
    """The current language's settings: Sphinx's language (the theme's words, <html lang>, search),
    the title and footer, the language links (book/_ext/nnlab_site.py) and, for Chinese, a word list
    for the search index (jieba would otherwise not know the course's terms in Traditional characters)."""
    sph = cfg.setdefault("sphinx", {}).setdefault("config", {})
    sph["nnlab_language"] = _LANG
    sph["nnlab_languages"] = [[code, folder, html_lang, name] for code, (folder, html_lang, name) in LANGUAGES.items()]
    if _LANG == "en":
        return cfg
    sph["language"] = _LANG
    if cfg.get("title") == SITE_TITLE:
        cfg["title"] = _t("nnlab: neural-network basics 類神經網路基礎")
    html_cfg = cfg.setdefault("html", {})
    if html_cfg.get("extra_footer") == SITE_FOOTER:
        html_cfg["extra_footer"] = _t("Runs offline: no page of this site loads anything from another host.")
    words = sorted({w for t in terms.values() for w in chinese_forms(t)} | set(_search_words()))
    (dest / "_search_words.txt").write_text("".join(f"{w} 100000\n" for w in words if " " not in w), encoding="utf-8")
    sph["html_search_options"] = {"dict": str(dest / "_search_words.txt")}
    return cfg


def _search_words() -> list[str]:
    """The Chinese terms of book/TERMS.md (its second column, before any note in brackets)."""
    path = BOOK / "TERMS.md"
    out = []
    if path.is_file():
        for line in path.read_text(encoding="utf-8").splitlines():
            cells = split_row(line) if line.startswith("|") else []
            if len(cells) >= 2:
                out += chinese_forms(Term("", cells[1], "", ""))
    return out


def _language_note(index_md: str) -> str:
    """The Chinese home page says what stays English (under its title)."""
    note = (":::{note}\n" + _t("In this edition the text is translated; code, code comments, plot labels and "
                                "printed output stay in English, exactly as in the English notebooks, so both "
                                "editions run and are checked the same way.") + "\n:::\n")
    m = re.match(r"\s*#\s[^\n]*\n", index_md)
    return index_md[:m.end()] + "\n" + note + index_md[m.end():] if m else note + "\n" + index_md


def is_placeholder_repo(url: str | None) -> bool:
    """True for an empty repository URL or the template's https://github.com/OWNER/..."""
    return not url or re.search(r"/OWNER(/|$)", url) is not None


def _translated_nb(nb: nbformat.NotebookNode, domain: str, root: Path) -> nbformat.NotebookNode:
    """nb with its markdown from the catalogue (the current language); code and outputs unchanged."""
    if _LANG == "en":
        return nb
    i18n = _i18n()
    cat = i18n.Catalogue(domain, root / "locales", _LANG)
    out = nbformat.from_dict(i18n.translate_notebook(nb, cat))
    _report_missing(domain, cat)
    return out


def _report_missing(domain: str, cat) -> None:
    if cat.missing:
        print(f"note: {_LANG}: {len(cat.missing)} block(s) of {domain} are not translated yet and stay in English "
              "(make translations; python -m tools.i18n check)")


def _translated_page(text: str, domain: str, root: Path) -> str:
    if _LANG == "en":
        return text
    i18n = _i18n()
    cat = i18n.Catalogue(domain, root / "locales", _LANG)
    out = i18n.translate_text(text, cat)
    _report_missing(domain, cat)
    return out


def stage(root: Path = ROOT, dest: Path | None = None, lang: str = "en") -> dict:
    """Copy the course into dest (in language lang: markdown from locales/<lang>) and write the
    generated pages; return what was staged."""
    set_language(lang, root)
    try:
        return _stage(root, dest, lang)
    finally:
        set_language("en", root)


def _stage(root: Path, dest: Path | None, lang: str) -> dict:
    dest = dest or root / "build" / ("site-src" if lang == "en" else f"site-src-{lang}")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)

    # docs pages
    (dest / "docs").mkdir()
    docs_present = {p.stem for p in (root / "docs").glob("*.md")} if (root / "docs").is_dir() else set()
    if "index" not in docs_present:
        raise SystemExit("docs/index.md (the site's home page) is missing")
    for p in (root / "docs").iterdir():
        if p.is_file() and p.suffix == ".md" and _LANG != "en" and p.stem in _i18n().SITE_DOCS:
            text = _translated_page(p.read_text(encoding="utf-8"), f"docs/{p.stem}", root)
            if p.stem == "index":
                text = _language_note(text)
            (dest / "docs" / p.name).write_text(text, encoding="utf-8")
        elif p.is_file():
            shutil.copy2(p, dest / "docs" / p.name)
        elif p.is_dir() and not p.name.startswith((".", "_")):
            shutil.copytree(p, dest / "docs" / p.name)

    # lecture notebooks, in file-name (= lecture) order
    lectures = sorted((root / "notebooks").glob("*.ipynb")) if (root / "notebooks").is_dir() else []
    (dest / "notebooks").mkdir()
    nbs = {f"notebooks/{p.stem}": nbformat.read(p, as_version=4) for p in lectures}
    check_outputs(nbs)
    english_titles = {doc: title_of(nb, doc.split("/")[-1]) for doc, nb in nbs.items()}
    nbs = {doc: _translated_nb(nb, doc, root) for doc, nb in nbs.items()}
    for p in (root / "notebooks").iterdir() if (root / "notebooks").is_dir() else []:
        # figures or data next to the notebooks (not checkpoints, not notebooks)
        if p.suffix != ".ipynb" and not p.name.startswith(".") and p.name != "__pycache__":
            (shutil.copytree if p.is_dir() else shutil.copy2)(p, dest / "notebooks" / p.name)
    titles = {doc: title_of(nb, doc.split("/")[-1]) for doc, nb in nbs.items()}

    terms = collect_terms(nbs)
    add_glossary_links(nbs, terms)
    for nb in nbs.values():
        add_slider_notes(nb)
    for doc, nb in nbs.items():
        nbformat.write(nb, dest / f"{doc}.ipynb")
    (dest / "glossary.md").write_text(glossary_page(terms, titles, english_titles), encoding="utf-8")

    # homework: the student versions only (exercises/, generated by nbgrader; never solutions/)
    homework = []
    ex_root = root / "exercises"
    for folder in sorted(p for p in ex_root.iterdir() if p.is_dir()) if ex_root.is_dir() else []:
        notebooks = sorted(folder.glob("*.ipynb"))
        if not notebooks or folder.name.startswith("."):
            continue
        shutil.copytree(folder, dest / "exercises" / folder.name,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        # pristine copies to download (the page's copy gets a download note at the top)
        dl = dest / "_dl" / folder.name
        shutil.copytree(folder, dl, ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
        if _LANG != "en":  # the Chinese site's pages and downloads are the Chinese homework
            for nbp in sorted(folder.glob("*.ipynb")):
                translated = _translated_nb(nbformat.read(nbp, as_version=4), f"homework/{folder.name}", root)
                for copy_to in (dest / "exercises" / folder.name / nbp.name, dl / nbp.name):
                    nbformat.write(translated, copy_to)
        extra = [p for p in dl.rglob("*") if p.is_file() and p.suffix != ".ipynb"]
        zip_name = None
        if extra:
            zip_name = f"{folder.name}.zip"
            with zipfile.ZipFile(dest / "_dl" / zip_name, "w", zipfile.ZIP_DEFLATED) as z:
                for p in sorted(dl.rglob("*")):
                    if p.is_file():
                        z.write(p, Path(folder.name) / p.relative_to(dl))
        for nbp in notebooks:
            doc = f"exercises/{folder.name}/{nbp.stem}"
            nb = nbformat.read(dest / "exercises" / folder.name / nbp.name, as_version=4)
            titles[doc] = title_of(nb, nbp.stem)
            rel_dl = f"../../_dl/{folder.name}/{nbp.name}"
            note = (f":::{{admonition}} {_t('Download')}\n:class: tip\n"
                    + _t("{{download}}`Download {name} <{target}>`").format(name=nbp.name, target=rel_dl)
                    + (_t(" (or {{download}}`the whole folder {name} <{target}>`)").format(
                        name=zip_name, target=f"../../_dl/{zip_name}") if zip_name else "")
                    + _t(", open it in JupyterLab (`make lab`), fill in every `YOUR CODE HERE`, "
                         "run all cells and hand in the saved notebook.") + "\n:::")
            first = nb.cells[0] if nb.cells else None
            heading = re.match(r"\s*#\s[^\n]*\n?", first.source) if first and first.cell_type == "markdown" else None
            if heading:  # right under the title
                first.source = first.source[:heading.end()] + "\n" + note + "\n\n" + first.source[heading.end():]
            else:
                nb.cells.insert(0, nbformat.v4.new_markdown_cell(note))
            nbformat.write(nb, dest / f"{doc}.ipynb")
            homework.append((doc, nbp.name, folder.name, zip_name))
    if homework:
        edition = student_edition_zip(root, dest / "_dl")
        rows = [_t("# Homework 作業"), "",
                _t("The homework as you get it: each notebook has questions, cells to fill in "
                   "(`YOUR CODE HERE`) and tests that check your answers when you run them. "
                   "Download the notebook, work in JupyterLab (`make lab`), and hand in the saved file."), ""]
        if edition is not None:
            rows += [_t("Or download the whole course as students get it, {{download}}`{name} "
                        "<{target}>`: the lecture notebooks, the homework and `nnlab`, in English and "
                        "Traditional Chinese, with `make lab` (no solutions; see {{doc}}`/docs/students`).").format(
                         name=edition.name, target=f"../_dl/{edition.name}"), ""]
        for doc, fname, folder, zip_name in homework:
            rows.append(f"- {{doc}}`{titles[doc]} </{doc}>`: {{download}}`{fname} <../_dl/{folder}/{fname}>`"
                        + (f", {{download}}`{zip_name} <../_dl/{zip_name}>`" if zip_name else ""))
        rows.append("")
        (dest / "exercises").mkdir(exist_ok=True)
        (dest / "exercises" / "index.md").write_text("\n".join(rows), encoding="utf-8")

    # table of contents
    def entry(stem):
        return {"file": f"docs/{stem}"}

    parts = []
    if nbs:
        parts.append({"caption": _t("Lectures 課程"), "numbered": False,
                      "chapters": [{"file": d} for d in nbs]})
    if homework:
        parts.append({"caption": _t("Homework 作業"),
                      "chapters": [{"file": "exercises/index", "sections": [{"file": h[0]} for h in homework]}]})
    course = []
    for stem, children in DOCS[1:]:
        if stem in docs_present:
            e = entry(stem)
            kids = [entry(c) for c in children if c in docs_present]
            if kids:
                e["sections"] = kids
            else:  # e.g. docs/homework.md not written yet: an empty {tableofcontents} is a warning
                page = dest / "docs" / f"{stem}.md"
                page.write_text(re.sub(r"```\{tableofcontents\}\s*```\n?", "", page.read_text(encoding="utf-8")),
                                encoding="utf-8")
            course.append(e)
    course.append({"file": "glossary"})
    parts.append({"caption": _t("Course 課程資訊"), "chapters": course})
    toc = {"format": "jb-book", "root": "docs/index", "parts": parts}
    (dest / "_toc.yml").write_text("# generated by book/build.py from the files present\n"
                                   + yaml.safe_dump(toc, sort_keys=False, allow_unicode=True), encoding="utf-8")

    # config and static files
    cfg = yaml.safe_load((BOOK / "_config.yml").read_text(encoding="utf-8"))
    cfg = language_settings(launch_settings(cfg), terms, dest)
    (dest / "_config.yml").write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True),
                                      encoding="utf-8")
    shutil.copytree(BOOK / "static", dest / "_static")
    shutil.copytree(BOOK / "_ext", dest / "_ext", ignore=shutil.ignore_patterns("__pycache__"))
    skipped = sorted(docs_present - {d for d, _ in DOCS} - {c for _, cs in DOCS for c in cs})
    if skipped:
        print(f"note: docs pages not on the site (add them to DOCS in book/build.py): {skipped}")
    return {"lectures": list(nbs), "homework": [h[0] for h in homework], "terms": len(terms), "dest": dest,
            "lang": lang}


def student_edition_zip(root: Path, folder: Path) -> Path | None:
    """The student edition's zip (tools/student_edition.py), for the site's download link;
    None for a course tree without that tool."""
    if not (root / "tools" / "student_edition.py").is_file():
        return None
    import importlib.util

    spec = importlib.util.spec_from_file_location("nnlab_student_edition", root / "tools" / "student_edition.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_zip(folder / "nnlab-student.zip", root)


def build(src: Path, out_parent: Path) -> None:
    """jupyter-book build --all -n -W --keep-going src, into out_parent/_build/html."""
    cmd = [sys.executable, "-c", "import sys; from jupyter_book.cli.main import main; sys.exit(main())",
           "build", str(src), "--path-output", str(out_parent), "--all", "-n", "-W", "--keep-going"]
    print("+ jupyter-book " + " ".join(cmd[3:]), flush=True)
    env = dict(os.environ, PYDEVD_DISABLE_FILE_VALIDATION="1")
    proc = subprocess.run(cmd, cwd=src, env=env)
    if proc.returncode:
        raise SystemExit(f"site build failed (exit {proc.returncode}): see the warnings above")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stage", type=Path, default=ROOT / "build" / "site-src",
                    help="staging folder (other languages: the same name with -<lang>)")
    ap.add_argument("--out", type=Path, default=ROOT,
                    help="the site goes to OUT/_build/html, Chinese in OUT/_build/html/zh_TW (default: the repository root)")
    ap.add_argument("--lang", default="all", choices=["all", *LANGUAGES], help="which language(s) to build")
    ap.add_argument("--no-build", action="store_true", help="only stage the sources")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    out = args.out.resolve()
    html_root = out / "_build" / "html"
    langs = list(LANGUAGES) if args.lang == "all" else [args.lang]
    for lang in langs:
        folder = LANGUAGES[lang][0]
        staging = args.stage.resolve() if lang == "en" else args.stage.resolve().with_name(f"{args.stage.name}-{lang}")
        info = stage(ROOT, staging, lang)
        print(f"[{lang}] staged {len(info['lectures'])} lectures, {len(info['homework'])} homework notebooks, "
              f"{info['terms']} glossary terms in {info['dest']}")
        if args.no_build:
            continue
        if lang == "en":  # (a build leaves other files in its output folder, e.g. zh_TW/, alone)
            build(info["dest"], out)
        else:
            side = ROOT / "build" / f"site-out-{lang}"
            build(info["dest"], side)
            target = html_root / folder
            shutil.rmtree(target, ignore_errors=True)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copytree(side / "_build" / "html", target)
        print(f"[{lang}] site built in {time.perf_counter() - t0:.1f} s: "
              f"{html_root / folder / 'index.html' if folder else html_root / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
