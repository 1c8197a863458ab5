"""The site's staging step (book/build.py), without building or a browser: key-terms tables,
glossary links, the generated table of contents, and what gets published."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest
import yaml
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("nnlab_site_build", ROOT / "book" / "build.py")
site = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = site  # dataclasses look their module up there
_spec.loader.exec_module(site)

TABLE = """## Key terms 關鍵詞

| English | 繁體中文 | meaning |
|---|---|---|
| neuron | 神經元 | weights its inputs, adds a bias, applies $\\sigma$ |
| **learning rate** | 學習率 | the step size $\\eta$ (a \\| b) |
"""


def test_key_terms_parses_the_table():
    assert site.key_terms(TABLE) == [
        ("neuron", "神經元", "weights its inputs, adds a bias, applies $\\sigma$"),
        ("**learning rate**", "學習率", "the step size $\\eta$ (a \\| b)"),
    ]
    assert site.key_terms("## Key terms\n\n| a | b |") == []  # not the exact heading: not a key-terms cell
    with pytest.raises(ValueError, match="English"):
        site.key_terms("## Key terms 關鍵詞\n\n| Term | 中文 |\n|---|---|\n| a | b |")


def test_link_first_skips_math_code_links_and_headings():
    term = site.Term("neuron", "神經元", "", "neuron")
    src = ("# A neuron\n\nSee [the neuron](01_neuron.ipynb), `neuron`, $neuron$ and\n\n"
           "```python\nneuron = 1\n```\n\nEach neurons' output; neuronal is not it. A neuron again.")
    out, done = site.link_first(src, term)
    assert done
    assert out.count("(#glossary-neuron)") == 1
    assert "Each [neurons](#glossary-neuron)' output" in out  # the first mention outside protected text
    assert out.startswith("# A neuron\n") and "`neuron`" in out and "$neuron$" in out
    assert site.link_first("no such word here", term) == ("no such word here", False)


def _notebook(title: str, table: str, body: str, error: bool = False):
    code = new_code_cell("print(1)", execution_count=1)
    code.outputs = [new_output("error", ename="ValueError", evalue="bad", traceback=[])] if error else \
        [new_output("stream", name="stdout", text="1\n")]
    return new_notebook(cells=[new_markdown_cell(f"# {title}"), new_markdown_cell(table),
                               new_markdown_cell(body), code],
                        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                                 "language": "python"}})


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "docs").mkdir()
    for name in ("index", "students", "instructors", "homework"):
        (tmp_path / "docs" / f"{name}.md").write_text(f"# {name}\n")
    nbdir = tmp_path / "notebooks"
    nbdir.mkdir()
    nbformat.write(_notebook("Two", "## Key terms 關鍵詞\n\n| English | 繁體中文 | meaning |\n|---|---|---|\n"
                                    "| learning rate | 學習率 | η |\n| neuron | 神經元 | again |",
                             "Uses the neuron."), nbdir / "02_two.ipynb")
    nbformat.write(_notebook("One", TABLE, "A learning rate is mentioned here first? No: this is notebook one."),
                   nbdir / "01_one.ipynb")
    for hw in ("hw1", "hw2"):
        (tmp_path / "exercises" / hw).mkdir(parents=True)
        nbformat.write(new_notebook(cells=[new_markdown_cell(f"# Homework {hw}")]), tmp_path / "exercises" / hw / f"{hw}.ipynb")
        (tmp_path / "solutions" / hw).mkdir(parents=True)
        nbformat.write(new_notebook(cells=[new_markdown_cell("# SOLUTION")]), tmp_path / "solutions" / hw / f"{hw}.ipynb")
    (tmp_path / "exercises" / "hw2" / "data.csv").write_text("x\n1\n")
    return tmp_path


def test_stage_writes_toc_in_lecture_order_without_solutions(repo, tmp_path):
    info = site.stage(repo, tmp_path / "out")
    dest = info["dest"]
    toc = yaml.safe_load((dest / "_toc.yml").read_text())
    files = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    assert files[:3] == ["notebooks/01_one", "notebooks/02_two", "exercises/index"]
    hw = [s["file"] for s in toc["parts"][1]["chapters"][0]["sections"]]
    assert hw == ["exercises/hw1/hw1", "exercises/hw2/hw2"]
    instructors = next(c for c in toc["parts"][2]["chapters"] if c["file"] == "docs/instructors")
    assert instructors["sections"] == [{"file": "docs/homework"}]
    assert not list(dest.rglob("solutions")) and "SOLUTION" not in "".join(
        p.read_text() for p in dest.rglob("*.ipynb"))
    assert (dest / "_dl" / "hw2.zip").exists() and not (dest / "_dl" / "hw1.zip").exists()
    hw1 = nbformat.read(dest / "exercises" / "hw1" / "hw1.ipynb", as_version=4).cells[0].source
    assert hw1.startswith("# Homework hw1\n") and "{download}`Download hw1.ipynb <../../_dl/hw1/hw1.ipynb>`" in hw1
    assert nbformat.read(dest / "_dl" / "hw1" / "hw1.ipynb", as_version=4).cells[0].source == "# Homework hw1"
    cfg = yaml.safe_load((dest / "_config.yml").read_text())
    assert cfg["execute"]["execute_notebooks"] == "off"
    assert cfg["launch_buttons"]["thebe"] is False


def test_glossary_merges_terms_and_links_first_mentions(repo, tmp_path):
    info = site.stage(repo, tmp_path / "out")
    dest = info["dest"]
    glossary = (dest / "glossary.md").read_text()
    assert glossary.count("(glossary-neuron)=") == 1 and "(glossary-learning-rate)=" in glossary
    assert "神經元" in glossary and "學習率" in glossary
    one = nbformat.read(dest / "notebooks" / "01_one.ipynb", as_version=4)
    two = nbformat.read(dest / "notebooks" / "02_two.ipynb", as_version=4)
    assert "[neuron](#glossary-neuron)" in one.cells[1].source  # its key-terms table
    assert "**[learning rate](#glossary-learning-rate)**" in one.cells[1].source
    assert "[neuron](#glossary-neuron)" in two.cells[1].source  # every table links to the glossary
    assert "#glossary" not in two.cells[2].source  # already mentioned in 01: no second first-mention link
    assert one.cells[0].source == "# One"  # titles untouched


def test_error_outputs_fail_the_build(repo, tmp_path):
    nbformat.write(_notebook("Bad", TABLE, "x", error=True), repo / "notebooks" / "03_bad.ipynb")
    with pytest.raises(SystemExit, match="03_bad.ipynb cell 3: ValueError"):
        site.stage(repo, tmp_path / "out")


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").glob("*.ipynb")), ids=lambda p: p.stem)
def test_lecture_notebook_feeds_the_glossary(path):
    """The site's glossary is built from these tables: each lecture has one with the exact heading."""
    nb = nbformat.read(path, as_version=4)
    terms = [t for c in nb.cells if c.cell_type == "markdown" for t in site.key_terms(c.source)]
    assert terms, f"{path.name}: no '## Key terms 關鍵詞' table with | English | 繁體中文 | meaning | columns"
    assert all(site.plain(en) and site.plain(zh) for en, zh, _ in terms), terms


@pytest.mark.slow
def test_a_warning_fails_the_build(repo, tmp_path, capfd):
    """A plain Sphinx build exits 0 on a broken link; ours (-n -W --keep-going) must not."""
    path = repo / "notebooks" / "01_one.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(new_markdown_cell("See [the missing lecture](99_no_such_lecture.ipynb)."))
    nbformat.write(nb, path)
    info = site.stage(repo, tmp_path / "src")
    with pytest.raises(SystemExit, match="site build failed"):
        site.build(info["dest"], tmp_path)
    out = capfd.readouterr()
    assert "99_no_such_lecture" in out.out + out.err


# --------------------------------------------------------------------------- launch buttons
def _cfg(url="https://github.com/OWNER/nnlab"):
    return {"repository": {"url": url, "branch": "main"}, "html": {"use_repository_button": True},
            "launch_buttons": {"binderhub_url": "https://mybinder.org", "jupyterhub_url": "https://hub.example.edu"}}


def test_placeholder_repository_gets_no_buttons_and_one_message(monkeypatch, capsys):
    for var in ("NNLAB_REPO_URL", "NNLAB_BINDERHUB_URL", "NNLAB_JUPYTERHUB_URL", "NNLAB_REPO_BRANCH"):
        monkeypatch.delenv(var, raising=False)
    cfg = site.launch_settings(_cfg())
    assert cfg["launch_buttons"]["binderhub_url"] == cfg["launch_buttons"]["jupyterhub_url"] == ""
    assert cfg["html"]["use_repository_button"] is False
    notes = [ln for ln in capsys.readouterr().out.splitlines() if ln.strip()]
    assert len(notes) == 1 and "OWNER" in notes[0] and "make site REPO_URL=" in notes[0], notes


def test_repo_url_brings_the_buttons_back(monkeypatch, capsys):
    monkeypatch.setenv("NNLAB_REPO_URL", "https://github.com/someone/nnlab")
    cfg = site.launch_settings(_cfg())
    assert cfg["repository"]["url"] == "https://github.com/someone/nnlab"
    assert cfg["launch_buttons"]["binderhub_url"] == "https://mybinder.org"
    assert cfg["launch_buttons"]["jupyterhub_url"] == "https://hub.example.edu"
    assert "placeholder" not in capsys.readouterr().out
    assert site.is_placeholder_repo("https://github.com/OWNER/nnlab") and site.is_placeholder_repo("")
    assert not site.is_placeholder_repo("https://github.com/OWNERSHIP/nnlab")


@pytest.mark.slow
def test_launch_buttons_in_the_built_pages(repo, tmp_path, monkeypatch):
    """Built with the placeholder: no page links to Binder or to OWNER. With REPO_URL: each lecture does."""
    for var in ("NNLAB_REPO_URL", "NNLAB_BINDERHUB_URL", "NNLAB_JUPYTERHUB_URL"):
        monkeypatch.delenv(var, raising=False)
    info = site.stage(repo, tmp_path / "plain")
    site.build(info["dest"], tmp_path / "plain")
    html = (tmp_path / "plain" / "_build" / "html" / "notebooks" / "01_one.html").read_text(encoding="utf-8")
    assert "mybinder.org" not in html and "/OWNER/" not in html
    monkeypatch.setenv("NNLAB_REPO_URL", "https://github.com/someone/nnlab")
    info = site.stage(repo, tmp_path / "real")
    site.build(info["dest"], tmp_path / "real")
    html = (tmp_path / "real" / "_build" / "html" / "notebooks" / "01_one.html").read_text(encoding="utf-8")
    assert "https://mybinder.org/v2/gh/someone/nnlab/main?urlpath=lab/tree/notebooks/01_one.ipynb" in html


# --------------------------------------------------------------------------- kernel-free slider notes
def _player_cell(source: str, key: str, values: list) -> nbformat.NotebookNode:
    frames = "".join(f'<img class="nnlab-frame" data-value="{v}" alt="x" src="data:image/png;base64,AA"/>' for v in values)
    html = (f'<div class="nnlab-static-slider" id="nnlab-x"><label>{key} <input type="range" min="0" '
            f'max="{len(values) - 1}" step="1" value="0"/> <span class="nnlab-value">{values[0]}</span></label>'
            f'<div>{frames}</div></div>')
    cell = new_code_cell(source, execution_count=1)
    cell.outputs = [new_output("execute_result", data={"text/html": html, "text/plain": "SliderPlot('x')"},
                               execution_count=1)]
    return cell


def test_slider_note_names_the_swept_control_and_where_the_others_stay():
    nb = new_notebook(cells=[
        new_code_cell('kinds = ["sigmoid", "threshold"]'),
        _player_cell('slider_plot(draw, name="01:w", static="w",\n    w=(-5.0, 5.0, 0.25, 1.0), b=(-3.0, 3.0, 0.25, 0.0), kind=kinds)',
                     "w", [-5.0, 0.0, 5.0]),
        _player_cell('slider_plot(draw, name="03:eta", eta=(0.01, 0.32, 0.01, 0.1), precompute=True, clear=False)',
                     "eta", [0.01, 0.1, 0.32]),
        _player_cell('slider_plot(draw, name="07:depth", depth=(1, 5, 1, 1))', "depth", [1, 2, 3, 4, 5]),
    ])
    assert site.add_slider_notes(nb) == 3
    notes = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert [nb.cells.index(c) for c in nb.cells if c.cell_type == "markdown"] == [2, 4, 6]  # right under each player
    assert "moves `w` only" in notes[0] and "3 stored pictures" in notes[0] and "-5 to 5" in notes[0]
    assert "`b` = 0 (live: -3 to 3)" in notes[0] and "`kind` = sigmoid (the live menu also has threshold)" in notes[0]
    assert "nnlab-slider-note" in notes[0] and "JupyterLab" in notes[0]
    assert "`eta` = 0.01 to 0.32" in notes[1] and "every step of 0.01 in between" in notes[1]
    assert "only" not in notes[1]  # eta is its only control
    assert "in between" not in notes[2]  # all five depths are stored


def test_slider_note_for_a_player_with_several_controls():
    """A player made by nnlab.widgets (data-spec): the note names every control it moves and the fixed ones."""
    pytest.importorskip("ipywidgets")
    from nnlab.widgets import slider_plot

    def draw(fig, w, b, kind):
        fig.subplots().plot([0, 1], [b, w])

    src = ('slider_plot(draw, name="t:all", w=(-1.0, 1.0, 0.5, 0.0), b=(-1.0, 1.0, 0.25, 0.0), kind=["s", "t"],\n'
           '            static_values={"b": [-1.0, 0.0, 1.0]})')
    both = slider_plot(draw, name="t:all", w=(-1.0, 1.0, 0.5, 0.0), b=(-1.0, 1.0, 0.25, 0.0), kind=["s", "t"],
                       static_values={"b": [-1.0, 0.0, 1.0]})
    part = slider_plot(draw, name="t:part", w=(-1.0, 1.0, 0.5, 0.0), b=(-1.0, 1.0, 0.25, 0.0), kind=["s", "t"],
                       static=["w", "kind"])
    cells = []
    for demo, source in [(both, src), (part, src.replace('static_values={"b": [-1.0, 0.0, 1.0]}', 'static=["w", "kind"]'))]:
        cell = new_code_cell(source, execution_count=1)
        cell.outputs = [new_output("execute_result", data={"text/html": demo.static_html(), "text/plain": "x"},
                                   execution_count=1)]
        cells.append(cell)
    nb = new_notebook(cells=cells)
    assert [[k for k, _ in p["offered"]] for c in nb.cells for p in site._players(c)] == [["w", "b", "kind"], ["w", "kind"]]
    assert site.add_slider_notes(nb) == 2
    notes = [c.source for c in nb.cells if c.cell_type == "markdown"]
    assert "every control of the live notebook" in notes[0] and "30 stored pictures" in notes[0]
    assert "`w` = -1 to 1 (5 values)" in notes[0] and "`kind`: s, t" in notes[0]
    assert "`b` = -1 to 1 (3 values); in JupyterLab also every step of 0.25 in between" in notes[0]
    assert "moves `w` and `kind` only" in notes[1] and "10 stored pictures" in notes[1]
    assert "`b` = 0 (live: -1 to 1)" in notes[1] and "JupyterLab" in notes[1]


def test_lecture_sliders_get_notes():
    """Every kernel-free player in the lecture notebooks gets a note; 01's and 02's offer every control."""
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        players = sum(len(site._players(c)) for c in nb.cells if c.cell_type == "code")
        assert site.add_slider_notes(nb) == players, path.name
        if path.stem in ("01_neuron", "02_activation_functions"):
            first = next(c.source for c in nb.cells if "nnlab-slider-note" in c.source)
            assert "every control of the live notebook" in first, first
            if path.stem == "01_neuron":
                assert "`w` = " in first and "`b` = " in first and "`kind`: sigmoid, threshold" in first, first


def test_chinese_stage_is_translated_from_the_catalogues(tmp_path):
    """`make site` stages the 繁體中文 site from locales/zh_TW: pages, lectures, homework and the site's own
    words in Chinese, code cells untouched, Sphinx's language zh_TW with the course's terms for search,
    glossary links on the Chinese first mentions; English again afterwards."""
    info = site.stage(ROOT, tmp_path / "zh", "zh_TW")
    dest = info["dest"]
    cfg = yaml.safe_load((dest / "_config.yml").read_text(encoding="utf-8"))
    assert cfg["sphinx"]["config"]["language"] == "zh_TW" and cfg["sphinx"]["config"]["nnlab_language"] == "zh_TW"
    words = Path(cfg["sphinx"]["config"]["html_search_options"]["dict"]).read_text(encoding="utf-8")
    assert "反向傳播 " in words and "梯度下降 " in words
    toc = yaml.safe_load((dest / "_toc.yml").read_text(encoding="utf-8"))
    assert [p["caption"] for p in toc["parts"]] == ["課程單元", "作業", "課程資訊"]
    assert (dest / "glossary.md").read_text(encoding="utf-8").startswith("# 詞彙表")
    index = (dest / "docs" / "index.md").read_text(encoding="utf-8")
    assert "程式碼、程式註解、圖表標籤" in index, "the Chinese home page says what stays English"
    for p in sorted((ROOT / "notebooks").glob("*.ipynb")):
        en, zh = nbformat.read(p, as_version=4), nbformat.read(dest / "notebooks" / p.name, as_version=4)
        assert [c.source for c in en.cells if c.cell_type == "code"] == \
            [c.source for c in zh.cells if c.cell_type == "code"]
    linked = sum(c.source.count("](#glossary-") for p in (dest / "notebooks").glob("*.ipynb")
                 for c in nbformat.read(p, as_version=4).cells if c.cell_type == "markdown")
    assert linked >= info["terms"], f"only {linked} glossary links for {info['terms']} terms"
    hw = nbformat.read(dest / "exercises" / "hw1" / "hw1.ipynb", as_version=4)
    assert "下載" in hw.cells[0].source and "nnlab_translation" in hw.metadata
    # the English words are back for whatever runs next
    assert "stored pictures" in site.slider_note([("w", ["1", "2"])], {"w": (1, 2, 1)})
