"""The course in Traditional Chinese (zh_TW), from the English source and one set of catalogues.

    python -m tools.i18n update   after an English text changed: refresh locales/zh_TW/LC_MESSAGES/*.po
                                  (new text untranslated, changed text marked fuzzy; `make translations`)
    python -m tools.i18n check    every message translated, none fuzzy, markup kept, catalogues current
    python -m tools.i18n build    write the Chinese notebooks and homework into zh_TW/ (`make lab COURSE_LANG=zh_TW`)
    python -m tools.i18n stats    how much of each catalogue is translated

What is translated: the markdown cells of notebooks/*.ipynb, the markdown (instructions and questions) of
solutions/<hw>/<hw>.ipynb except the answer cells, the site's pages docs/{index,students,instructors,homework}.md,
and the words book/build.py writes into the site (its `_t("...")` strings). Code cells, their outputs,
code comments and plot labels stay English, so a Chinese notebook runs and checks exactly like the English one.

A message is one markdown block: the text between blank lines, with a fenced block (``` ~~~ ::: $$) kept whole.
Blocks with no English words in them (a formula, a code fence, an image) are not messages and are copied as they
are. The catalogues are ordinary gettext .po files under locales/zh_TW/LC_MESSAGES/ (sphinx-intl's layout);
`update` writes .pot templates to build/gettext/ and runs `sphinx-intl update`, which keeps every translation
whose English text is unchanged, marks the translation of changed text fuzzy and adds new text untranslated.

Why our own extraction instead of Sphinx's gettext builder: Sphinx extracts text from the parsed document tree
(a paragraph, a list item, a table cell), and cannot put a translation back into a notebook's markdown for
JupyterLab. Whole markdown blocks can be put back into both the notebooks and the site's sources, so one catalogue
serves JupyterLab, the site and the student edition.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import re
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LANG = "zh_TW"
LOCALES = ROOT / "locales"
POT_DIR = ROOT / "build" / "gettext"
SITE_DOCS = ["index", "students", "instructors", "homework"]
SITE_STRINGS = ROOT / "book" / "build.py"


# --------------------------------------------------------------------------- what is translated
def sources(root: Path = ROOT) -> dict[str, Path]:
    """Catalogue domain ('notebooks/01_neuron') -> English source file."""
    out = {}
    for p in sorted((root / "notebooks").glob("*.ipynb")):
        out[f"notebooks/{p.stem}"] = p
    for p in sorted((root / "solutions").glob("*/*.ipynb")):
        if p.stem == p.parent.name:
            out[f"homework/{p.stem}"] = p
    for stem in SITE_DOCS:
        if (root / "docs" / f"{stem}.md").is_file():
            out[f"docs/{stem}"] = root / "docs" / f"{stem}.md"
    if (root / "book" / "build.py").is_file():
        out["site"] = root / "book" / "build.py"
    return out


def po_path(domain: str, locales: Path = LOCALES, lang: str = LANG) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{domain}.po"


# --------------------------------------------------------------------------- markdown blocks
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,}|:{3,})")


def split_blocks(text: str) -> list[tuple[str, str]]:
    """[(block, separator after it)]: the text between blank lines, fenced blocks (``` ~~~ :::, $$ ... $$)
    kept whole. ''.join(b + s for b, s in split_blocks(t)) == t."""
    lines = text.splitlines(keepends=True)
    out: list[list[str]] = []   # [block lines, separator lines]
    cur: list[str] = []
    sep: list[str] = []
    fence = None  # closing marker while inside a fence
    lead: list[str] = []
    for ln in lines:
        blank = not ln.strip()
        if fence is None and blank:
            if cur:
                sep.append(ln)
            else:
                lead.append(ln)
            continue
        if fence is None and sep:  # a new block starts after blank lines
            out.append(["".join(cur), "".join(sep)])
            cur, sep = [], []
        cur.append(ln)
        s = ln.strip()
        if fence is None:
            m = _FENCE.match(ln)
            if m:
                fence = m.group(1)[0] * len(m.group(1))
            elif s.startswith("$$") and not (len(s) > 2 and s.endswith("$$")):
                fence = "$$"
        elif (fence == "$$" and s.endswith("$$")) or (fence != "$$" and s.startswith(fence) and not s.strip(fence[0])):
            fence = None
    if cur:
        out.append(["".join(cur), "".join(sep)])
    blocks = [tuple(x) for x in out]
    if lead:
        blocks.insert(0, ("", "".join(lead)))
    # the last block's trailing newline belongs to the separator, so a message never ends in one
    fixed = []
    for b, s in blocks:
        stripped = b.rstrip("\n")
        fixed.append((stripped, b[len(stripped):] + s))
    return fixed


_NOT_WORDS = re.compile(
    r"```.*?```|~~~.*?~~~|\$\$.*?\$\$|\$[^$\n]+\$|\\\[.*?\\\]|\\\(.*?\\\)|`[^`\n]*`|\]\([^)\n]*\)|<[^>\n]*>"
    r"|https?://\S+|\{[\w:-]+\}|^\s*:[\w-]+:.*$", re.S | re.M)


def translatable(block: str) -> bool:
    """A block with English words outside code, math, link targets and tags."""
    if not block.strip():
        return False
    s = block.strip()
    if re.match(r"^(`{3,}|~{3,})(?!\{)", s):  # a code fence (not a {directive}): code stays English
        return False
    return re.search(r"[A-Za-z]{2,}", _NOT_WORDS.sub(" ", block)) is not None


def notebook_messages(nb: dict) -> list[tuple[str, str]]:
    """(message, where) for each translatable block of the notebook's markdown cells, answer cells excluded."""
    out = []
    for i, cell in enumerate(nb["cells"]):
        if not _translated_cell(cell):
            continue
        for block, _ in split_blocks(_src(cell)):
            if translatable(block):
                out.append((block, f"cell {i}"))
    return out


def _src(cell) -> str:
    s = cell.get("source", "")
    return "".join(s) if isinstance(s, list) else s


def _translated_cell(cell) -> bool:
    """Markdown cells, except nbgrader answer cells (the student's written answer)."""
    if cell.get("cell_type") != "markdown":
        return False
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return not meta.get("solution")


def text_messages(text: str) -> list[tuple[str, str]]:
    out, line = [], 1
    for block, sep in split_blocks(text):
        if translatable(block):
            out.append((block, f"line {line}"))
        line += (block + sep).count("\n")
    return out


def site_messages(path: Path) -> list[tuple[str, str]]:
    """The literal arguments of _t("...") calls in book/build.py."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_t" and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            out.append((node.args[0].value, f"line {node.lineno}"))
    return sorted(out, key=lambda m: int(m[1].split()[1]))


def messages(domain: str, path: Path) -> list[tuple[str, str]]:
    if domain == "site":
        return site_messages(path)
    if path.suffix == ".ipynb":
        return notebook_messages(json.loads(path.read_text(encoding="utf-8")))
    return text_messages(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- catalogues
class Catalogue:
    """The usable translations of one domain: msgid -> msgstr (translated, not fuzzy, not obsolete)."""

    def __init__(self, domain: str, locales: Path = LOCALES, lang: str = LANG):
        import polib

        self.domain, self.path = domain, po_path(domain, locales, lang)
        # polib's translated entries: a msgstr, not fuzzy, not obsolete
        entries = polib.pofile(str(self.path)).translated_entries() if self.path.is_file() else []
        self.table = {e.msgid: e.msgstr for e in entries}
        self.missing: list[str] = []

    def get(self, msgid: str) -> str:
        if msgid in self.table:
            return self.table[msgid]
        self.missing.append(msgid)
        return msgid


def translate_text(text: str, cat: Catalogue) -> str:
    return "".join((cat.get(b) if translatable(b) else b) + s for b, s in split_blocks(text))


def translate_notebook(nb: dict, cat: Catalogue, source: str = "") -> dict:
    """A copy of nb with its markdown translated; code cells, outputs and metadata are the same objects' copies."""
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        if _translated_cell(cell):
            text = translate_text(_src(cell), cat)
            cell["source"] = text.splitlines(keepends=True) if isinstance(cell["source"], list) else text
    nb.setdefault("metadata", {})["nnlab_translation"] = {
        "language": LANG, "source": source,
        "note": "Generated by `python -m tools.i18n build` from the English notebook and locales/zh_TW. "
                "Edit the English notebook or the catalogue, not this file."}
    return nb


# --------------------------------------------------------------------------- update (authors)
def write_templates(root: Path = ROOT, pot_dir: Path = POT_DIR) -> list[Path]:
    import polib

    if pot_dir.exists():
        shutil.rmtree(pot_dir)
    written = []
    for domain, path in sources(root).items():
        pot = polib.POFile(wrapwidth=0)
        pot.metadata = {"Project-Id-Version": "nnlab", "MIME-Version": "1.0",
                        "Content-Type": "text/plain; charset=UTF-8", "Content-Transfer-Encoding": "8bit"}
        seen: dict[str, polib.POEntry] = {}
        rel = path.relative_to(root).as_posix()
        for msg, where in messages(domain, path):
            if msg in seen:
                seen[msg].occurrences.append((rel, where.split()[-1]))
                continue
            e = polib.POEntry(msgid=msg, msgstr="", occurrences=[(rel, where.split()[-1])])
            if "{" in msg and domain == "site":
                e.comment = "Keep every {placeholder} as it is."
            seen[msg] = e
            pot.append(e)
        out = pot_dir / f"{domain}.pot"
        out.parent.mkdir(parents=True, exist_ok=True)
        pot.save(str(out))
        written.append(out)
    return written


def update(root: Path = ROOT, locales: Path | None = None, pot_dir: Path | None = None) -> int:
    """Templates from the English sources, then `sphinx-intl update` (fuzzy matching on)."""
    locales = locales or root / "locales"
    pot_dir = pot_dir or root / "build" / "gettext"
    write_templates(root, pot_dir)
    cmd = [sys.executable, "-m", "sphinx_intl", "update", "-p", str(pot_dir), "-d", str(locales), "-l", LANG]
    before = {po: po.stat().st_mtime_ns for po in (locales / LANG).rglob("*.po")} if (locales / LANG).is_dir() else {}
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"sphinx-intl update failed (exit {proc.returncode}); is sphinx-intl installed (make dev)?")
    # one layout for every catalogue, whoever wrote it last: no wrapping (a message is a markdown block)
    import polib

    for po in (locales / LANG).rglob("*.po"):
        if before.get(po) != po.stat().st_mtime_ns:
            polib.pofile(str(po), wrapwidth=0).save(str(po))
            print(f"updated {po.relative_to(root) if po.is_relative_to(root) else po}")
    # catalogues of sources that no longer exist
    domains = set(sources(root))
    for po in sorted((locales / LANG / "LC_MESSAGES").rglob("*.po")):
        d = po.relative_to(locales / LANG / "LC_MESSAGES").with_suffix("").as_posix()
        if d not in domains:
            print(f"note: {po.relative_to(root)} has no English source any more; delete it if it is not needed")
    problems = check(root, locales, quiet=True)
    todo = [p for p in problems if p.kind in ("untranslated", "fuzzy")]
    print(f"catalogues updated in {locales.relative_to(root) if locales.is_relative_to(root) else locales}: "
          f"{len(todo)} message(s) to translate or review (python -m tools.i18n check lists them)")
    return 0


# --------------------------------------------------------------------------- check
@dataclass
class Problem:
    kind: str
    where: str
    msgid: str
    detail: str = ""

    def __str__(self):
        head = self.msgid.strip().splitlines()[0][:90] if self.msgid.strip() else ""
        return f"{self.where}: {self.kind}{': ' + self.detail if self.detail else ''}\n    {head!r}"


_MATH = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|\\\[.*?\\\]|\\\(.*?\\\)", re.S)
_CODE = re.compile(r"`[^`\n]+`")
_ROLE_CODE = re.compile(r"\{[\w:-]+\}\}?`[^`\n]*`")
_ROLE_TARGET = re.compile(r"\{[\w:-]+\}\}?`(?:[^`\n<]*<([^`\n>]*)>|([^`\n]*))`")
_LINK_TARGET = re.compile(r"\]\(([^)\s]*)\)")
_TAG = re.compile(r"</?[A-Za-z][^>\n]*>")
_ROLE = re.compile(r"\{[\w:-]+\}")
_PLACEHOLDER = re.compile(r"(?<!\{)\{[A-Za-z_]\w*\}(?!\})")
_LABEL = re.compile(r"^\(([\w-]+)\)=\s*$", re.M)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s", re.M)


def _without_code(s: str) -> str:
    return re.sub(r"```.*?```|~~~.*?~~~", "", s, flags=re.S)


def markup_problems(msgid: str, msgstr: str, site: bool = False) -> list[str]:
    """What the translation changed that must stay as it is: math, code, link targets, tags, roles, labels,
    heading level, fences, list items, table shape."""
    out = []
    a, b = _without_code(msgid), _without_code(msgstr)

    def same(name, rx, x=a, y=b):
        ca, cb = Counter(rx.findall(x)), Counter(rx.findall(y))
        if ca != cb:
            lost, extra = ca - cb, cb - ca
            out.append(f"{name} differ" + (f"; missing {list(lost)[:3]}" if lost else "")
                       + (f"; added {list(extra)[:3]}" if extra else ""))

    same("math", _MATH)
    # a role's text may be translated, its target not: {doc}`text <target>` compares the target only
    ra, rb = _MATH.sub("", a), _MATH.sub("", b)
    same("role targets", _ROLE_TARGET, ra, rb)
    same("inline code", _CODE, _ROLE_CODE.sub("", ra), _ROLE_CODE.sub("", rb))
    same("link targets", _LINK_TARGET)
    same("HTML tags", _TAG)
    same("roles/directives", _ROLE)
    same("labels", _LABEL)
    if site:
        same("placeholders", _PLACEHOLDER)
    # every number with a decimal point or a % sign (the ones tests/test_prose_numbers.py checks in English)
    num = re.compile(r"(?<![\w.])[-−]?\d+(?:,\d{3})*(?:\.\d+)?%|(?<![\w.])[-−]?\d*\.\d+(?![\w.])")
    lost = set(num.findall(_CODE.sub("", a))) - set(num.findall(_CODE.sub("", b)))
    if lost:
        out.append(f"numbers differ; missing {sorted(lost)[:4]}")
    fa = re.findall(r"^\s*(`{3,}|~{3,}|:{3,}|\$\$)(\{[\w-]+\})?", msgid, re.M)
    fb = re.findall(r"^\s*(`{3,}|~{3,}|:{3,}|\$\$)(\{[\w-]+\})?", msgstr, re.M)
    if fa != fb:
        out.append(f"fence lines differ: {fa} vs {fb}")
    ha, hb = re.match(r"\s*(#+)\s", msgid), re.match(r"\s*(#+)\s", msgstr)
    if (ha and ha.group(1)) != (hb and hb.group(1)):
        out.append("heading level differs")
    if len(_LIST_ITEM.findall(_MATH.sub("", a))) != len(_LIST_ITEM.findall(_MATH.sub("", b))):
        out.append("number of list items differs")
    ta = [len(re.findall(r"(?<!\\)\|", ln)) for ln in msgid.splitlines() if ln.strip().startswith("|")]
    tb = [len(re.findall(r"(?<!\\)\|", ln)) for ln in msgstr.splitlines() if ln.strip().startswith("|")]
    if ta != tb:
        out.append(f"table shape differs (rows x bars {ta} vs {tb})")
    return out


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# a line break between two Chinese characters (or full-width punctuation): browsers show it as a space
_CJK_BREAK = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef])\n[ \t]*"
                        r"(?=[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef])")


def join_chinese_lines(text: str) -> str:
    """Join lines that break between two Chinese characters (a list item's continuation included)."""
    return _CJK_BREAK.sub("", text)


def simplified_chars(text: str) -> list[str]:
    """Characters of `text` that Taiwan does not write: OpenCC lists them as simplified (STCharacters: their
    traditional forms do not include themselves) and none of those forms is written as the character itself
    in Taiwan (TWVariants: 峯 -> 峰, 羣 -> 群, so 峰 and 群 pass)."""
    table = _st_table()
    return sorted({ch for ch in text if ch in table})


_ST: set | None = None


def _st_table() -> set:
    global _ST
    if _ST is None:
        import opencc  # opencc-python-reimplemented (test extra)

        folder = Path(opencc.__file__).parent / "dictionary"

        def read(name):
            out = {}
            for line in (folder / name).read_text(encoding="utf-8").splitlines():
                parts = line.split()
                if len(parts) >= 2 and len(parts[0]) == 1:
                    out[parts[0]] = parts[1:]
            return out

        st, tw = read("STCharacters.txt"), read("TWVariants.txt")
        _ST = {ch for ch, trad in st.items()
               if ch not in trad and not any(ch in tw.get(t, []) for t in trad)}
        # written this way in Taiwan in these senses, though OpenCC maps them (著 as in 顯著, 么 as in 么正)
        _ST -= set("著么")
    return _ST


def check(root: Path = ROOT, locales: Path | None = None, quiet: bool = False,
          domains: list[str] | None = None, chars: bool = True) -> list[Problem]:
    """Every problem with the catalogues: missing or stale catalogue, untranslated, fuzzy, markup changed,
    simplified characters, no Chinese in a translation."""
    import polib

    locales = locales or root / "locales"
    problems: list[Problem] = []
    for domain, path in sources(root).items():
        if domains and domain not in domains:
            continue
        po = po_path(domain, locales)
        where = po.relative_to(root).as_posix() if po.is_relative_to(root) else str(po)
        wanted = [m for m, _ in messages(domain, path)]
        if not po.is_file():
            problems.append(Problem("catalogue missing", where, path.name,
                                    "run `make translations` to create it"))
            continue
        cat = polib.pofile(str(po))
        live = {e.msgid: e for e in cat if not e.obsolete}
        for m in dict.fromkeys(wanted):
            e = live.get(m)
            if e is None:
                problems.append(Problem("not in the catalogue", where, m,
                                        "the English text changed: run `make translations`, then translate"))
            elif not e.msgstr.strip():
                problems.append(Problem("untranslated", where, m))
            elif "fuzzy" in e.flags:
                problems.append(Problem("fuzzy", where, m, "the English changed: check the translation, "
                                        "then remove the '#, fuzzy' line"))
            else:
                for p in markup_problems(m, e.msgstr, site=domain == "site"):
                    problems.append(Problem("markup changed", where, m, p))
                if not _CJK.search(e.msgstr) and _CJK.sub("", m) == m and re.search(r"[A-Za-z]{2,}", m):
                    problems.append(Problem("no Chinese in the translation", where, m))
                if _CJK_BREAK.search(e.msgstr):
                    problems.append(Problem("line break between Chinese characters", where, m,
                                            "it shows as a space: join the lines"))
                if chars:
                    bad = simplified_chars(e.msgstr)
                    if bad:
                        problems.append(Problem("simplified characters", where, m, "".join(bad)))
        stale = [e.msgid for e in live.values() if e.msgid not in set(wanted)]
        for m in stale:
            problems.append(Problem("stale message", where, m, "no longer in the English: run `make translations`"))
    if not quiet:
        for p in problems:
            print(p)
    return problems


# --------------------------------------------------------------------------- build (students)
def generated(root: Path = ROOT, locales: Path | None = None) -> dict[str, tuple[dict, list[str]]]:
    """Chinese path (relative to the zh_TW/ tree) -> (notebook, untranslated messages):
    notebooks/*.ipynb and exercises/<hw>/<hw>.ipynb."""
    locales = locales or root / "locales"
    out = {}
    for p in sorted((root / "notebooks").glob("*.ipynb")):
        cat = Catalogue(f"notebooks/{p.stem}", locales)
        nb = translate_notebook(json.loads(p.read_text(encoding="utf-8")), cat, f"notebooks/{p.name}")
        out[f"notebooks/{p.name}"] = (nb, cat.missing)
    for p in sorted((root / "exercises").glob("*/*.ipynb")):
        cat = Catalogue(f"homework/{p.parent.name}", locales)
        nb = translate_notebook(json.loads(p.read_text(encoding="utf-8")), cat, f"exercises/{p.parent.name}/{p.name}")
        out[f"exercises/{p.parent.name}/{p.name}"] = (nb, cat.missing)
    return out


def dumps(nb: dict) -> str:
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


MANIFEST = ".generated.json"


def build(dest: Path, root: Path = ROOT) -> int:
    """Write the Chinese notebooks into dest, never over a copy the student changed."""
    dest.mkdir(parents=True, exist_ok=True)
    manifest_path = dest / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    except (ValueError, OSError):  # unreadable: every existing copy counts as the student's own (kept)
        print(f"note: {manifest_path} is unreadable; notebooks already in {dest} are kept as they are")
        manifest = {}
    written = kept = 0
    missing_total = 0
    for rel, (nb, missing) in generated(root).items():
        text = dumps(nb)
        target = dest / rel
        digest = hashlib.sha256(text.encode()).hexdigest()
        if target.is_file():
            on_disk = hashlib.sha256(target.read_bytes()).hexdigest()
            if on_disk == digest:
                manifest[rel] = digest
                continue
            if manifest.get(rel) != on_disk:  # the student's own work: keep it
                print(f"kept your changed {target.relative_to(dest.parent) if dest.parent in target.parents else target}"
                      f" (a newer Chinese version exists: rename your copy to get it)")
                kept += 1
                continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        manifest[rel] = digest
        written += 1
        missing_total += len(missing)
    manifest_path.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    print(f"zh_TW: {written} notebook(s) written, {kept} kept as you changed them, in {dest}"
          + (f"; {missing_total} block(s) not yet translated are in English" if missing_total else ""))
    return 0


def stats(root: Path = ROOT) -> int:
    import polib

    for domain in sources(root):
        po = po_path(domain, root / "locales")
        if not po.is_file():
            print(f"{domain:40s} no catalogue")
            continue
        cat = polib.pofile(str(po))
        live = [e for e in cat if not e.obsolete]
        done = sum(1 for e in live if e.msgstr.strip() and "fuzzy" not in e.flags)
        fuzzy = sum(1 for e in live if "fuzzy" in e.flags)
        print(f"{domain:40s} {done:4d}/{len(live):4d} translated, {fuzzy} fuzzy")
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("update", help="refresh the catalogues from the English sources")
    c = sub.add_parser("check", help="list every untranslated, fuzzy or broken message")
    c.add_argument("domains", nargs="*", help="e.g. notebooks/01_neuron (default: all)")
    b = sub.add_parser("build", help="write the Chinese notebooks and homework")
    b.add_argument("--dest", type=Path, default=ROOT / LANG)
    sub.add_parser("stats", help="translated / total per catalogue")
    args = ap.parse_args(argv)
    if args.cmd == "update":
        return update()
    if args.cmd == "check":
        unknown = sorted(set(args.domains) - set(sources()))
        if unknown:
            print(f"no catalogue named {', '.join(unknown)}; choose from: {', '.join(sources())}", file=sys.stderr)
            return 2
        problems = check(domains=args.domains or None)
        print(f"{len(problems)} problem(s)")
        return 1 if problems else 0
    if args.cmd == "build":
        return build(args.dest.resolve())
    return stats()


if __name__ == "__main__":
    sys.exit(main())
