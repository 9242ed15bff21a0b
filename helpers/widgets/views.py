"""Widgets that redraw a picture when their controls change: the receptive field, a speed
test, and chapter 5's shifted input and pooling gradient."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping

import ipywidgets as widgets

from .._args import as_pair, as_tensor
from ..fields import layer_sizes, receptive_field
from ..frames.kit import STYLE, message_frame
from ..frames.pictures import field_frame, gradient_frame, shift_frame, speed_table
from ..ops import pool_output_shape
from ..pooling import pool_gradient, pool_shift
from ..timing import median_ms
from .base import NEEDS_KERNEL, Controlled, control, guarded, wrapping_row


class FieldView(widgets.VBox):
    """Pick a cell of a stacked network's output and see every cell it depends on."""

    def __init__(self, input_size, layers):
        self.layers = list(layers)
        self.sizes = layer_sizes(input_size, self.layers)
        self.depth = widgets.IntSlider(value=len(self.layers), min=1, max=len(self.layers),
                                       description="layers", continuous_update=False)
        self.row = widgets.IntSlider(description="row", continuous_update=False)
        self.col = widgets.IntSlider(description="column", continuous_update=False)
        self.view = widgets.HTML()
        for widget in (self.depth, self.row, self.col):
            widget.observe(self._redraw, "value")
        super().__init__([widgets.HTML(STYLE), wrapping_row([self.depth, self.row, self.col]),
                          self.view])
        self._redraw()

    def _redraw(self, _change=None) -> None:
        h, w = self.sizes[self.depth.value]
        self.row.max, self.col.max = h - 1, w - 1
        fields = receptive_field(self.sizes[0], self.layers[: self.depth.value],
                                 (self.row.value, self.col.value))
        self.fields = fields
        self.view.value = field_frame(self.sizes, fields)

    def __repr__(self) -> str:
        sizes = " -> ".join(f"{h}x{w}" for h, w in self.sizes)
        return f"FieldView({len(self.layers)} layers, {sizes})"


class SpeedTest(widgets.VBox):
    """Times named calls when the reader presses the button, and shows a table.

    Nothing is timed until then, so a stored notebook holds no machine's timings.
    """

    def __init__(self, calls: Mapping[str, Callable[[], object]], *, repeat: int = 5):
        self.calls, self.repeat = dict(calls), repeat
        self.results: dict[str, float] = {}
        self.button = widgets.Button(description="Measure on this machine", icon="clock-o",
                                     tooltip=f"time the calls{NEEDS_KERNEL}",
                                     layout=widgets.Layout(width="auto"))
        self.table = widgets.HTML()
        self.button.on_click(lambda _: self.measure())
        # in a row of its own, so that the button is as wide as its label, not the output
        super().__init__([widgets.HTML(STYLE), widgets.HBox([self.button]), self.table])

    def measure(self) -> None:
        self.button.disabled = True
        self.table.value = message_frame("Measuring...")
        try:
            self.results = median_ms(self.calls, repeat=self.repeat)
            self.table.value = speed_table(self.results)
        except Exception as error:  # the reader's own code: report, never a traceback
            self.table.value = message_frame(f"{type(error).__name__}: {error}")
        finally:
            self.button.disabled = False

    def __repr__(self) -> str:
        return f"SpeedTest({', '.join(self.calls)})"


class LiveView(Controlled, widgets.VBox):
    """A picture the kernel redraws whenever one of its controls changes.

    `draw(**values)` returns the HTML for the current values of `controls` (a
    mapping of name to a value widget, a `range` or a dict of named choices, as
    `explore` takes them; a dict's control gives the chosen name); a ValueError shows
    as a message in its place.
    The picture carries `data-view` = `key`, the values it was drawn for.
    """

    def __init__(self, draw: Callable[..., str], controls: Mapping, *, title: str = ""):
        self._draw, self.title = draw, title
        self.controls = {name: control(name, spec) for name, spec in controls.items()}
        self.message, self.key = "", ""
        self.view = widgets.HTML()
        for widget in self.controls.values():
            widget.observe(self._redraw, "value")
        super().__init__([widgets.HTML(STYLE), wrapping_row(self.controls.values()),
                          self.view])
        self._redraw()

    def _redraw(self, _change=None) -> None:
        values = self.values()
        self.key = ";".join(f"{name}={value}" for name, value in values.items())
        picture, self.message = guarded(self._draw, **values)
        if self.message:
            picture = message_frame(self.message, title=self.title)
        key = html.escape(self.key)
        self.view.value = f'<div class="cbk-view" data-view="{key}">{picture}</div>'

    def __repr__(self) -> str:
        controls = ", ".join(self.controls)
        return f"LiveView({self.title or 'picture'}; controls: {controls})"


def shift_view(X, pool_size=2, *, stride=None, mode: str = "max", shifts=range(0, 4)) -> LiveView:
    """Shift `X` (`h x w`) by the rows and columns the sliders give and pool it and the
    original alike; the pooled outputs that change are marked. Stride defaults to the window."""
    k = as_pair(pool_size, "pool_size", minimum=1)
    s = k if stride is None else as_pair(stride, "stride", minimum=1)
    controls = {name: control(name, shifts) for name in ("down", "right")}

    def draw(down, right):
        result = pool_shift(X, k, (down, right), mode=mode, stride=s)
        return shift_frame(result, k, s, (down, right), mode=mode)

    return LiveView(draw, controls, title=f"{mode} pooling of a shifted input")


def gradient_view(X, pool_size=2, *, stride=None, padding=0) -> LiveView:
    """Pick max or average pooling and one output (or all): see where its gradient lands."""
    X = as_tensor(X, "X", ndim=2, layout="height, width")
    k = as_pair(pool_size, "pool_size", minimum=1)
    s = k if stride is None else as_pair(stride, "stride", minimum=1)
    p = as_pair(padding, "padding", minimum=0)
    m_h, m_w = pool_output_shape(tuple(X.shape), k, padding=p, stride=s)
    outputs = {"every output": None}
    outputs.update({f"[{i}, {j}]": (i, j) for i in range(m_h) for j in range(m_w)})
    controls = {"mode": control("mode", {"max": "max", "avg": "avg"}),
                "output": control("output", outputs)}

    def draw(mode, output):
        routed = pool_gradient(X, k, mode=mode, stride=s, padding=p, out_pos=outputs[output])
        return gradient_frame(X, routed, k, s, p, outputs[output], mode=mode)

    return LiveView(draw, controls, title="where the gradient goes")
