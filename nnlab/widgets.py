"""Slider demos that feel live in JupyterLab and still move on a static site.

``slider_plot(draw, name=..., w=(-5, 5, 0.1), ...)`` builds ipywidgets
controls and one figure. ``draw(fig, **values)`` draws into a cleared
``matplotlib.figure.Figure``; on every slider move the figure is redrawn and
shown as a PNG in an ``ipywidgets.Image``. Keep ``draw`` fast (precompute
anything slow): ``make bench`` times it over a sweep of every control, and the
goal is a median of at most 100 ms, figure included.

Displayed, the demo also carries a kernel-free version for the website
(``static=`` names the control to sweep): the figure precomputed for each of
that control's values behind an HTML range input. JupyterLab shows the live
widget; the static site shows the precomputed frames. Neither output is
compared by nbval (mark the cell ``# NBVAL_IGNORE_OUTPUT``): print the numbers
a figure shows in a separate cell.
"""

from __future__ import annotations

import base64
import html
import io
import re
import time

import numpy as np

REGISTRY: dict[str, "SliderPlot"] = {}


def _make_control(key, spec):
    import ipywidgets as w

    if isinstance(spec, w.ValueWidget):
        if not spec.description:
            spec.description = key
        return spec
    if isinstance(spec, (list, tuple)) and spec and all(isinstance(s, str) for s in spec):
        return w.Dropdown(options=list(spec), value=spec[0], description=key)
    if isinstance(spec, tuple) and len(spec) in (3, 4):
        lo, hi, step = spec[:3]
        value = spec[3] if len(spec) == 4 else lo
        if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in (lo, hi, step, value)):
            return w.IntSlider(min=lo, max=hi, step=step, value=value, description=key,
                               continuous_update=True)
        return w.FloatSlider(min=lo, max=hi, step=step, value=value, description=key,
                             continuous_update=True, readout_format=".3g")
    raise TypeError(
        f"control {key!r}: give (min, max, step[, value]) for a slider, a list of strings for a "
        f"menu, or an ipywidgets widget; got {spec!r}"
    )


def _all_values(ctrl):
    """Every value a control can take: each option, or each slider stop from min to max."""
    if hasattr(ctrl, "options") and not hasattr(ctrl, "min"):
        return [o if not isinstance(o, tuple) else o[1] for o in ctrl.options]
    n = int(round((ctrl.max - ctrl.min) / ctrl.step))
    if isinstance(ctrl.value, (int, np.integer)):
        return [int(ctrl.min + k * ctrl.step) for k in range(n + 1)]
    return [float(np.round(ctrl.min + k * ctrl.step, 10)) for k in range(n + 1)]


PRECOMPUTE_LIMIT = 400


def _sweep(ctrl, n: int = 9):
    """Values a control takes in a sweep: every option, or n evenly spaced slider stops."""
    if hasattr(ctrl, "options") and not hasattr(ctrl, "min"):
        return [o if not isinstance(o, tuple) else o[1] for o in ctrl.options]
    stops = np.linspace(ctrl.min, ctrl.max, n)
    if isinstance(ctrl.value, (int, np.integer)):
        return sorted({int(round(s)) for s in stops})
    step = ctrl.step or 1e-9
    snapped = [float(np.round(ctrl.min + round((s - ctrl.min) / step) * step, 10)) for s in stops]
    return list(dict.fromkeys(snapped))          # a coarse slider has fewer stops than n


class SliderPlot:
    """A figure redrawn by ``draw(fig, **values)`` whenever a control moves.

    Attributes: ``controls`` (name -> widget), ``widget`` (the VBox),
    ``image`` (the ipywidgets.Image holding the PNG), ``fig``.
    ``render(**values)`` draws and returns PNG bytes without touching the widgets.
    """

    def __init__(self, draw, name: str, controls: dict, figsize=(6, 3.5), dpi: int = 80,
                 static: str | None = None, static_values=None, precompute: bool = False):
        import ipywidgets as w
        from matplotlib.figure import Figure

        if not controls:
            raise ValueError("slider_plot needs at least one control, e.g. w=(-5.0, 5.0, 0.1)")
        self.draw, self.name = draw, name
        self.controls = {k: _make_control(k, spec) for k, spec in controls.items()}
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        # shown at the figure's own pixel size: stretched to the cell's width it looks blurred
        self.image = w.Image(format="png", width=str(int(figsize[0] * dpi)))
        self.widget = w.VBox([*self.controls.values(), self.image])
        if static is not None and static not in self.controls:
            raise ValueError(f"static={static!r} is not one of the controls {list(self.controls)}")
        self.static = static
        self.static_values = static_values
        self._frames: dict = {}
        if precompute:
            import itertools

            grid = list(itertools.product(*(_all_values(c) for c in self.controls.values())))
            if len(grid) > PRECOMPUTE_LIMIT:
                raise ValueError(
                    f"precompute would draw {len(grid)} figures (every combination of the controls' "
                    f"values); the limit is {PRECOMPUTE_LIMIT}: use coarser steps or fewer controls"
                )
            for combo in grid:
                values = dict(zip(self.controls, combo))
                self._frames[self._key(values)] = self._draw_png(values)
        for ctrl in self.controls.values():
            ctrl.observe(lambda change: self.update(), names="value")
        self.update()
        REGISTRY[name] = self

    def values(self) -> dict:
        return {k: c.value for k, c in self.controls.items()}

    def _key(self, values: dict) -> tuple:
        # slider values arrive as min + k * step from the browser: round away the last bits
        return tuple(round(v, 9) if isinstance(v, float) else v for v in (values[k] for k in self.controls))

    def _draw_png(self, values: dict) -> bytes:
        self.fig.clear()
        self.draw(self.fig, **values)
        buf = io.BytesIO()
        self.fig.savefig(buf, format="png")
        return buf.getvalue()

    def render(self, **values) -> bytes:
        """The figure for the given values (others at their current setting) as PNG bytes:
        a precomputed frame when there is one, else drawn now."""
        vals = self.values()
        vals.update(values)
        frame = self._frames.get(self._key(vals))
        return frame if frame is not None else self._draw_png(vals)

    def update(self):
        self.image.value = self.render()

    def sweep(self, n: int = 9):
        """(control, value) pairs moving one control at a time over its range."""
        return [(k, v) for k, c in self.controls.items() for v in _sweep(c, n)]

    def latency(self, n: int = 9) -> float:
        """Median seconds of one slider move (draw + PNG) over a sweep of every control."""
        times = []
        for key, value in self.sweep(n):
            t0 = time.perf_counter()
            self.render(**{key: value})
            times.append(time.perf_counter() - t0)
        return float(np.median(times))

    def static_html(self) -> str:
        """Kernel-free player: one precomputed PNG per value of the ``static`` control."""
        key = self.static
        values = list(self.static_values) if self.static_values is not None else _sweep(self.controls[key], 11)
        start = self.controls[key].value
        i0 = int(np.argmin([abs(v - start) if not isinstance(v, str) else v != start for v in values]))
        uid = "nnlab-" + re.sub(r"[^a-zA-Z0-9_-]", "-", self.name)
        imgs = []
        for i, v in enumerate(values):
            b64 = base64.b64encode(self.render(**{key: v})).decode("ascii")
            hidden = "" if i == i0 else ' style="display:none"'
            imgs.append(f'<img class="nnlab-frame" data-value="{html.escape(str(v))}" alt="{html.escape(self.name)}: '
                        f'{html.escape(key)} = {html.escape(str(v))}"{hidden} src="data:image/png;base64,{b64}"/>')
        self.update()
        label = html.escape(str(values[i0]))
        on_input = ("var p=this.closest('.nnlab-static-slider');var f=p.querySelectorAll('.nnlab-frame');"
                    "for(var i=0;i<f.length;i++){f[i].style.display=(i==this.value)?'':'none';}"
                    "p.querySelector('.nnlab-value').textContent=f[this.value].dataset.value;")
        return (f'<div class="nnlab-static-slider" id="{uid}">'
                f'<label>{html.escape(key)} <input type="range" min="0" max="{len(values) - 1}" step="1" '
                f'value="{i0}" oninput="{html.escape(on_input)}"/> <span class="nnlab-value">{label}</span></label>'
                f'<div>{"".join(imgs)}</div></div>')

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle)
        bundle["text/plain"] = f"SliderPlot({self.name!r})"
        if self.static is not None:
            bundle["text/html"] = self.static_html()
        return bundle


def slider_plot(draw, *, name: str, figsize=(6, 3.5), dpi: int = 80, static: str | None = None,
                static_values=None, precompute: bool = False, **controls) -> SliderPlot:
    """Make a live slider demo; see the module docstring.

    name: a unique name such as ``"01_neuron:w"`` (used by ``make bench``).
    controls: ``w=(-5.0, 5.0, 0.1, 1.0)`` (min, max, step, start) makes a slider
    (integers make an IntSlider), ``kind=["sigmoid", "step"]`` a menu.
    static: the control the website's kernel-free version sweeps (default: the first).
    precompute: draw the figure for every combination of the controls' values once, now
        (at most 400), so that a move only shows a stored picture; for draws too slow to feel live.
    """
    static = static if static is not None else next(iter(controls))
    return SliderPlot(draw, name, controls, figsize=figsize, dpi=dpi, static=static,
                      static_values=static_values, precompute=precompute)


def benchmark_all(n: int = 9) -> dict:
    """Median slider latency (seconds) of every demo made in this process, by name."""
    return {name: demo.latency(n) for name, demo in REGISTRY.items()}


def precomputed() -> list:
    """Names of the demos made with ``precompute=True`` (a move shows a stored frame)."""
    return sorted(name for name, demo in REGISTRY.items() if demo._frames)
