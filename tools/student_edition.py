"""The student edition: the tree students get, with no solutions, hidden tests or gradebook.

    python -m tools.student_edition [DEST]      (make student-edition [EDITION=...])

writes DEST (default _build/student-edition) and DEST's zip next to it (nnlab-student.zip):
the lecture notebooks, the generated homework (exercises/), the nnlab package, the course's
JupyterLab settings, and the students' README, Makefile, pyproject.toml and environment.yml
from tools/edition_template/. The zip is deterministic: sorted entries, fixed timestamps.
"""

from __future__ import annotations

import shutil
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / "edition_template"
ZIP_TIME = (2026, 1, 1, 0, 0, 0)


def files(root: Path = ROOT) -> dict[str, Path]:
    """Edition path -> source file, for everything the edition holds."""
    out = {p.name: p for p in sorted(TEMPLATE.iterdir()) if p.is_file()}
    out["LICENSE"] = root / "LICENSE"
    out["nbval_sanitize.cfg"] = root / "tests" / "nbval_sanitize.cfg"
    out["lab/overrides.json"] = root / "lab" / "overrides.json"
    for p in sorted((root / "nnlab").glob("*.py")):
        out[f"nnlab/{p.name}"] = p
    for p in sorted((root / "notebooks").glob("*.ipynb")):
        out[f"notebooks/{p.name}"] = p
    for p in sorted((root / "exercises").glob("*/*.ipynb")):
        out[f"exercises/{p.parent.name}/{p.name}"] = p
    return out


def build(dest: Path, root: Path = ROOT) -> Path:
    """Write the edition to ``dest`` (replacing it) and ``dest.parent/nnlab-student.zip``; return the zip."""
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    for rel, src in files(root).items():
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest / rel)
    return write_zip(dest.parent / "nnlab-student.zip", root)


def write_zip(path: Path, root: Path = ROOT) -> Path:
    """The edition as one zip (folder nnlab-student/ inside), the same bytes on every build."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for rel, src in sorted(files(root).items()):
            info = zipfile.ZipInfo(f"nnlab-student/{rel}", ZIP_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, src.read_bytes())
    return path


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    dest = Path(argv[0]) if argv else ROOT / "_build" / "student-edition"
    z = build(dest)
    print(f"wrote {dest} and {z}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
