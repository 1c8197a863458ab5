import re

import numpy as np
import pytest

pytest.importorskip("ipywidgets")
from nnlab import widgets  # noqa: E402


def make(precompute=False, static=None, static_values=None, **controls):
    calls = []

    def draw(fig, **values):
        calls.append(dict(values))
        ax = fig.subplots()
        ax.plot([0, 1], [0, values.get("w", 0)])

    controls = controls or {"w": (-1.0, 1.0, 0.5, 0.0), "kind": ["a", "b"]}
    return widgets.slider_plot(draw, name="test:w", precompute=precompute, static=static,
                               static_values=static_values, **controls), calls


def test_slider_redraws_on_every_move_and_registers():
    demo, calls = make()
    first = demo.image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    demo.controls["w"].value = 1.0
    assert calls[-1] == {"w": 1.0, "kind": "a"} and demo.image.value != first
    assert widgets.REGISTRY["test:w"] is demo
    assert demo.latency(3) > 0
    assert len(demo.sweep(3)) == 3 + 2


def test_static_player_has_one_frame_per_combination_and_stable_text(monkeypatch):
    demo, _ = make()
    html = demo.static_html()
    combos = re.findall(r'class="nnlab-frame" data-combo="([^"]*)"', html)
    assert sorted(combos) == sorted(f"{i},{j}" for i in range(5) for j in range(2))  # 5 w values x 2 menu entries
    assert html.count('type="range"') == 1 and html.count("<select") == 1 and "Fixed here" not in html
    # the starting frame (w = 0.0, kind = a) is the one shown
    shown = re.findall(r'data-combo="([^"]*)" alt="[^"]*" src=', html)
    assert shown == ["2,0"]
    monkeypatch.delenv(widgets.STATIC_ENV, raising=False)
    bundle = demo._repr_mimebundle_()          # a student's kernel or nbval: no frames drawn
    assert bundle["text/plain"] == "SliderPlot('test:w')" and "text/html" not in bundle
    monkeypatch.setenv(widgets.STATIC_ENV, "1")  # tools.execute_notebook, for the site
    assert demo._repr_mimebundle_()["text/html"] == html


def test_static_player_says_which_controls_are_fixed():
    demo, _ = make(static="w", static_values=[-1.0, 1.0])
    html = demo.static_html()
    assert html.count('class="nnlab-frame"') == 2 and "<select" not in html
    assert "Fixed here: kind = a (JupyterLab moves it too)." in html
    assert demo.fixed() == {"kind": "a"}
    with pytest.raises(ValueError, match="static='v': name one or more of the controls"):
        make(static="v")
    with pytest.raises(ValueError, match="give a dict"):
        make(static_values=[0.0])


def test_static_player_budget():
    with pytest.raises(ValueError, match=r"would store 400 frames \(w: 200 x kind: 2\); the budget is 160"):
        make(static_values={"w": [k / 100 for k in range(200)]})
    demo, _ = make()
    old = widgets.STATIC_MAX_BYTES
    try:
        widgets.STATIC_MAX_BYTES = 5_000
        with pytest.raises(ValueError, match="over its budget of 0.005 MB"):
            demo.static_html()
    finally:
        widgets.STATIC_MAX_BYTES = old


@pytest.mark.browser
def test_static_player_js_shows_the_frame_of_the_chosen_combination():
    from browserlib import launch, require_browser

    sync_playwright, chromium = require_browser()
    demo, _ = make()
    html = demo.static_html()
    visible = ("el => [...el.querySelectorAll('img.nnlab-frame')].filter(i => i.style.display !== 'none')"
               ".map(i => i.alt)")
    with sync_playwright() as p:
        browser = launch(p, chromium)
        try:
            page = browser.new_page()
            page.set_content(f"<html><body>{html}</body></html>")
            player = page.locator(".nnlab-static-slider")
            assert player.evaluate(visible) == ["test:w: w = 0, kind = a"]
            page.select_option("select.nnlab-control", "1")            # kind = b
            assert player.evaluate(visible) == ["test:w: w = 0, kind = b"]
            page.eval_on_selector("input.nnlab-control", "e => { e.value = 4; e.dispatchEvent(new Event('input')); }")
            assert player.evaluate(visible) == ["test:w: w = 1, kind = b"]
            assert page.inner_text(".nnlab-value") == "1"
        finally:
            browser.close()


def test_precompute_draws_every_combination_once_then_only_looks_up():
    demo, calls = make(precompute=True)
    n = len(calls)
    assert n >= 5 * 2
    demo.controls["w"].value = 0.5
    demo.controls["kind"].value = "b"
    demo.render(w=-0.5 + 1e-12)           # a browser's min + k*step, off in the last bits
    assert len(calls) == n
    assert demo.render(w=0.25) and len(calls) == n + 1     # not a slider stop: drawn now


def test_precompute_limit_and_bad_controls():
    with pytest.raises(ValueError, match="precompute would draw 2001 figures"):
        make(precompute=True, w=(0.0, 1.0, 0.0005, 0.0))
    with pytest.raises(TypeError, match="control 'w': give \\(min, max, step"):
        make(w="fast")
    assert np.allclose(widgets._all_values(make()[0].controls["w"]), [-1, -0.5, 0, 0.5, 1])


def test_clear_false_keeps_the_axes_and_updates_them():
    made = []

    def draw(fig, w):
        if not fig.axes:                      # first call: build the axes once
            ax = fig.subplots()
            made.append(ax)
            ax.plot([0, 1], [0, 0])
            ax.set_ylim(-1, 1)
        fig.axes[0].lines[0].set_ydata([0, w])

    demo = widgets.slider_plot(draw, name="test:keep", clear=False, w=(-1.0, 1.0, 0.5, 0.0))
    first = demo.image.value
    demo.controls["w"].value = 1.0
    assert len(made) == 1 and demo.fig.axes == made, "the axes were built once and kept"
    assert demo.image.value != first
    assert demo.render(w=0.0) == first, "the same values give the same picture"
    cleared = widgets.slider_plot(draw, name="test:clear", w=(-1.0, 1.0, 0.5, 0.0))
    cleared.controls["w"].value = 1.0
    assert len(made) == 3, "by default the figure is cleared and the axes are built again"
