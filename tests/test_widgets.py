import numpy as np
import pytest

pytest.importorskip("ipywidgets")
from nnlab import widgets  # noqa: E402


def make(precompute=False, **controls):
    calls = []

    def draw(fig, **values):
        calls.append(dict(values))
        ax = fig.subplots()
        ax.plot([0, 1], [0, values.get("w", 0)])

    controls = controls or {"w": (-1.0, 1.0, 0.5, 0.0), "kind": ["a", "b"]}
    return widgets.slider_plot(draw, name="test:w", precompute=precompute, **controls), calls


def test_slider_redraws_on_every_move_and_registers():
    demo, calls = make()
    first = demo.image.value
    assert first[:8] == b"\x89PNG\r\n\x1a\n"
    demo.controls["w"].value = 1.0
    assert calls[-1] == {"w": 1.0, "kind": "a"} and demo.image.value != first
    assert widgets.REGISTRY["test:w"] is demo
    assert demo.latency(3) > 0
    assert len(demo.sweep(3)) == 3 + 2


def test_static_player_has_one_frame_per_value_and_stable_text():
    demo, _ = make()
    html = demo.static_html()
    assert html.count('class="nnlab-frame"') == 5 and 'type="range"' in html
    bundle = demo._repr_mimebundle_()
    assert bundle["text/plain"] == "SliderPlot('test:w')" and "text/html" in bundle


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
