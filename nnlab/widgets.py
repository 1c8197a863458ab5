"""Slider demos that feel live in JupyterLab and still move on a static site.

``slider_plot(draw, name=..., w=(-5, 5, 0.1), ...)`` builds ipywidgets
controls and one figure. ``draw(fig, **values)`` draws into a cleared
``matplotlib.figure.Figure``; on every slider move the figure is redrawn and
shown as a PNG in an ``ipywidgets.Image``. Keep ``draw`` fast (precompute
anything slow): ``make bench`` times it over a sweep of every control, and the
goal is a median of at most 100 ms, figure included.

Displayed, the demo also carries a kernel-free version for the website: a player
with the same controls (a range input per slider, a select per menu) over figures
precomputed for every combination of the stored values; moving any control shows
the frame of the new combination. ``static=`` names the controls the player gets
(default: every control); a control left out stays at its starting value, and the
player says so under its controls ("fixed here: b = 0"). ``static_values=`` gives
the stored values (a dict by control; default: every menu entry and 11 evenly
spaced stops of each slider). JupyterLab shows the live widget; the static site
shows the precomputed frames. Neither output is compared by nbval (mark the cell
``# NBVAL_IGNORE_OUTPUT``): print the numbers a figure shows in a separate cell.

Drawing every frame takes seconds, so a displayed demo carries its player only when
the environment variable ``NNLAB_STATIC_PLAYERS`` is ``1``: ``tools.execute_notebook``
(which stores the outputs the site renders) sets it; a student's kernel and nbval
do not, and show or re-run only the live widget.

Page-weight budget of one kernel-free player: at most ``STATIC_MAX_FRAMES`` (160)
frames and ``STATIC_MAX_BYTES`` (3 MB) of HTML (the base64 PNGs). A player over
budget raises ValueError naming the count or the size and what to do (fewer
stored values, fix a control with ``static=``, a smaller ``figsize`` or ``dpi``).
"""

from __future__ import annotations

import base64
import html
import io
import os
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
STATIC_MAX_FRAMES = 160          # frames of one kernel-free player (the page-weight budget)
STATIC_MAX_BYTES = 3_000_000     # bytes of one kernel-free player's HTML (base64 PNGs included)
STATIC_ENV = "NNLAB_STATIC_PLAYERS"  # "1": a displayed demo also carries its kernel-free player


def _fmt(v) -> str:
    """A stored value as the player shows it: 0.25, 3, sigmoid."""
    return f"{float(v):.6g}" if isinstance(v, (float, np.floating)) else str(v)


def _is_menu_control(ctrl) -> bool:
    return hasattr(ctrl, "options") and not hasattr(ctrl, "min")


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
                 static=None, static_values=None, precompute: bool = False, clear: bool = True):
        import ipywidgets as w
        from matplotlib.figure import Figure

        if not controls:
            raise ValueError("slider_plot needs at least one control, e.g. w=(-5.0, 5.0, 0.1)")
        self.draw, self.name, self.clear = draw, name, clear
        self.controls = {k: _make_control(k, spec) for k, spec in controls.items()}
        self.fig = Figure(figsize=figsize, dpi=dpi, layout="constrained")
        # an Agg canvas of its own, kept between moves (savefig would make a new one on every move)
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        FigureCanvasAgg(self.fig)
        # shown at the figure's own pixel size: stretched to the cell's width it looks blurred
        self.image = w.Image(format="png", width=str(int(figsize[0] * dpi)))
        self.widget = w.VBox([*self.controls.values(), self.image])
        self.static = self._static_controls(static)
        self.static_values = self._stored_values(static_values)
        n = int(np.prod([len(v) for v in self.static_values.values()]))
        if n > STATIC_MAX_FRAMES:
            counts = " x ".join(f"{k}: {len(v)}" for k, v in self.static_values.items())
            raise ValueError(
                f"the kernel-free player of {name!r} would store {n} frames ({counts}); the budget is "
                f"{STATIC_MAX_FRAMES} per slider: give fewer values in static_values={{...}}, or fix a "
                f"control at its starting value by leaving it out of static=[...]")
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

    def _static_controls(self, static) -> list:
        """The controls the kernel-free player offers: None = every control, a name or a list of names."""
        names = list(self.controls) if static is None else [static] if isinstance(static, str) else list(static)
        bad = [k for k in names if k not in self.controls]
        if bad or not names:
            raise ValueError(f"static={static!r}: name one or more of the controls {list(self.controls)}")
        return [k for k in self.controls if k in names]          # in the live widget's order

    def _stored_values(self, static_values) -> dict:
        """{control: the values the player stores} for each control in ``self.static``."""
        if static_values is None:
            static_values = {}
        elif not isinstance(static_values, dict):                # a list: the values of the one static control
            if len(self.static) != 1:
                raise ValueError("static_values: with several static controls give a dict {control: values}")
            static_values = {self.static[0]: static_values}
        bad = [k for k in static_values if k not in self.static]
        if bad:
            raise ValueError(f"static_values names {bad}, which the player does not offer (static={self.static})")
        out = {}
        for k in self.static:
            vals = list(static_values[k]) if k in static_values else _sweep(self.controls[k], 11)
            if not vals:
                raise ValueError(f"static_values[{k!r}] is empty")
            out[k] = vals
        return out

    def fixed(self) -> dict:
        """{control: value} of the controls the kernel-free player leaves at their starting value."""
        return {k: c.value for k, c in self.controls.items() if k not in self.static}

    def values(self) -> dict:
        return {k: c.value for k, c in self.controls.items()}

    def _key(self, values: dict) -> tuple:
        # slider values arrive as min + k * step from the browser: round away the last bits
        return tuple(round(v, 9) if isinstance(v, float) else v for v in (values[k] for k in self.controls))

    def _draw_png(self, values: dict) -> bytes:
        if self.clear:
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
        """Kernel-free player: one precomputed PNG per combination of the static controls' stored
        values, a range input per slider and a select per menu; a move shows the frame whose
        combination matches the controls (``data-combo`` = the stored values' indices)."""
        import itertools
        import json

        names, stored = self.static, self.static_values
        fixed = self.fixed()
        start = []
        for k in names:
            v0, vals = self.controls[k].value, stored[k]
            start.append(int(np.argmin([v != v0 if isinstance(v, str) or isinstance(v0, str) else abs(v - v0)
                                        for v in vals])))
        uid = "nnlab-" + re.sub(r"[^a-zA-Z0-9_-]", "-", self.name)
        fixed_txt = ", ".join(f"{k} = {_fmt(v)}" for k, v in fixed.items())
        imgs, size = [], 0
        for combo in itertools.product(*(range(len(stored[k])) for k in names)):
            values = {k: stored[k][i] for k, i in zip(names, combo)}
            b64 = base64.b64encode(self.render(**values)).decode("ascii")
            hidden = "" if list(combo) == start else ' style="display:none"'
            alt = ", ".join(f"{k} = {_fmt(v)}" for k, v in {**values, **fixed}.items())
            imgs.append(f'<img class="nnlab-frame" data-combo="{",".join(map(str, combo))}" '
                        f'alt="{html.escape(self.name)}: {html.escape(alt)}"{hidden} src="data:image/png;base64,{b64}"/>')
            size += len(imgs[-1])
            if size > STATIC_MAX_BYTES:
                raise ValueError(
                    f"the kernel-free player of {self.name!r} is over its budget of {STATIC_MAX_BYTES / 1e6:g} MB "
                    f"after {len(imgs)} frames: store fewer values (static_values=...), fix a control "
                    f"(static=[...]), or draw a smaller figure (figsize, dpi)")
        self.update()
        on_input = ("var p=this.closest('.nnlab-static-slider'),c=p.querySelectorAll('.nnlab-control'),k=[];"
                    "for(var i=0;i<c.length;i++){var e=c[i],j=e.tagName=='SELECT'?e.selectedIndex:+e.value;k.push(j);"
                    "var s=e.parentNode.querySelector('.nnlab-value');if(s)s.textContent=JSON.parse(e.dataset.values)[j];}"
                    "k=k.join(',');var f=p.querySelectorAll('.nnlab-frame');"
                    "for(var i=0;i<f.length;i++)f[i].style.display=(f[i].dataset.combo==k)?'':'none';")
        handler = html.escape(on_input)
        labels = []
        for k, i0 in zip(names, start):
            vals = stored[k]
            shown = [_fmt(v) for v in vals]
            if _is_menu_control(self.controls[k]):
                opts = "".join(f'<option value="{i}"{" selected" if i == i0 else ""}>{html.escape(t)}</option>'
                               for i, t in enumerate(shown))
                labels.append(f'<label>{html.escape(k)} <select class="nnlab-control" data-key="{html.escape(k)}" '
                              f'onchange="{handler}">{opts}</select></label>')
            else:
                labels.append(f'<label>{html.escape(k)} <input type="range" class="nnlab-control" '
                              f'data-key="{html.escape(k)}" data-values="{html.escape(json.dumps(shown))}" min="0" '
                              f'max="{len(vals) - 1}" step="1" value="{i0}" oninput="{handler}"/> '
                              f'<span class="nnlab-value">{html.escape(shown[i0])}</span></label>')
        spec = {"controls": [[k, [_fmt(v) for v in stored[k]]] for k in names],
                "fixed": [[k, _fmt(v)] for k, v in fixed.items()]}
        note = (f'<div class="nnlab-fixed">Fixed here: {html.escape(fixed_txt)} '
                f'(JupyterLab moves {"it" if len(fixed) == 1 else "them"} too).</div>' if fixed else "")
        return (f'<div class="nnlab-static-slider" id="{uid}" data-spec="{html.escape(json.dumps(spec))}">'
                f'{"".join(labels)}{note}<div>{"".join(imgs)}</div></div>')

    def _repr_mimebundle_(self, include=None, exclude=None, **kwargs):
        bundle = self.widget._repr_mimebundle_(**kwargs) or {}
        if isinstance(bundle, tuple):
            bundle = bundle[0]
        bundle = dict(bundle)
        bundle["text/plain"] = f"SliderPlot({self.name!r})"
        if os.environ.get(STATIC_ENV) == "1":       # only when executing for the site: see the module docstring
            bundle["text/html"] = self.static_html()
        return bundle


def slider_plot(draw, *, name: str, figsize=(6, 3.5), dpi: int = 80, static=None,
                static_values=None, precompute: bool = False, clear: bool = True, **controls) -> SliderPlot:
    """Make a live slider demo; see the module docstring.

    name: a unique name such as ``"01_neuron:w"`` (used by ``make bench``).
    controls: ``w=(-5.0, 5.0, 0.1, 1.0)`` (min, max, step, start) makes a slider
    (integers make an IntSlider), ``kind=["sigmoid", "step"]`` a menu.
    static: the controls the website's kernel-free player offers (a name or a list of names;
        default: every control); the others stay at their starting values there.
    static_values: the values the player stores, ``{"w": [-1, 0, 1], ...}`` (a list when it offers one
        control); default every menu entry and 11 evenly spaced slider stops. One frame is drawn per
        combination: at most STATIC_MAX_FRAMES, and at most STATIC_MAX_BYTES of HTML.
    precompute: draw the figure for every combination of the controls' values once, now
        (at most 400), so that a move only shows a stored picture; for draws too slow to feel live.
    clear: clear the figure before every draw (default). With ``clear=False`` the figure keeps its
        axes and artists between moves: ``draw`` builds them on its first call and afterwards only
        updates their data and text, which is much faster than building the axes again (for
        sliders with too many positions to precompute).
    """
    return SliderPlot(draw, name, controls, figsize=figsize, dpi=dpi, static=static,
                      static_values=static_values, precompute=precompute, clear=clear)


def benchmark_all(n: int = 9) -> dict:
    """Median slider latency (seconds) of every demo made in this process, by name."""
    return {name: demo.latency(n) for name, demo in REGISTRY.items()}


def precomputed() -> list:
    """Names of the demos made with ``precompute=True`` (a move shows a stored frame)."""
    return sorted(name for name, demo in REGISTRY.items() if demo._frames)
