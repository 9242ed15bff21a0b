"""Widgets: the one animation player every chapter uses, and the receptive-field view.

The widgets hold the only state. When the setting changes, the kernel rebuilds
the steps and renders every frame once; plain stepping then happens in the
browser (Play, slider and frame stack are linked in JavaScript), so it costs no
round trip, works while the kernel is busy, and plays in a static HTML export.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping

import ipywidgets as widgets
import torch
from ipywidgets.widgets.widget_string import HTMLStyle

from ._args import as_pair, as_tensor
from .fields import layer_sizes, receptive_field
from .frames import renderer
from .frames.kit import CELL, STYLE, code_line, message_frame
from .frames.pictures import field_frame, gradient_frame, shift_frame, speed_table
from .ops import PADDING_MODES, pool_output_shape
from .pooling import pool_gradient, pool_shift
from .steps import (
    StepSequence,
    conv1x1_steps,
    conv2d_steps,
    corr1d_steps,
    corr3d_steps,
    pool2d_steps,
)
from .timing import median_ms

MAX_FRAMES = 150  # above this, frames are drawn by the kernel one at a time
NEEDS_KERNEL = " (runs in the kernel: run the notebook first)"
_WIDE = widgets.Layout(width="auto")
_FULL_NAME = {"description_width": "initial"}  # count_include_pad, not count_incl...


class Player(widgets.VBox):
    """Play, pause, step, scrub and change the speed of a sliding-window animation.

    `build(**values)` returns the StepSequence for the current values of
    `controls` (a mapping of name to value widget). A setting that `build`
    refuses with ValueError shows its message in place of the frame.
    """

    def __init__(self, build: Callable[..., StepSequence], controls: Mapping | None = None, *,
                 title: str = "", interval: int = 800, max_frames: int = MAX_FRAMES,
                 cell: int = CELL):
        self._build, self.controls, self.title = build, dict(controls or {}), title
        self._max_frames, self._cell = max_frames, cell
        self.steps: StepSequence | None = None
        self.message = ""
        self._renderer = None
        self.play = widgets.Play(min=0, max=0, interval=interval, description="Play",
                                 show_repeat=False)
        self.slider = widgets.IntSlider(min=0, max=0, description="step", readout=False,
                                        layout=widgets.Layout(width="320px"))
        self.speed = widgets.IntSlider(value=interval, min=100, max=2000, step=100,
                                       description="ms per step", readout=True,
                                       style={"description_width": "auto"})
        # the buttons ask the kernel; Play and the slider (arrow keys too) work in the page
        self.back = widgets.Button(icon="step-backward", tooltip=f"previous step{NEEDS_KERNEL}",
                                   layout=widgets.Layout(width="44px"))
        self.forward = widgets.Button(icon="step-forward", tooltip=f"next step{NEEDS_KERNEL}",
                                      layout=widgets.Layout(width="44px"))
        self.stack = widgets.Stack()
        self._frame_layout, self._frame_style = widgets.Layout(), HTMLStyle()
        self.live = widgets.HTML()
        self.frame_area = widgets.Box([self.stack])
        self.code_line = widgets.HTML()  # the PyTorch call behind the animation
        widgets.jslink((self.play, "value"), (self.slider, "value"))
        widgets.jslink((self.speed, "value"), (self.play, "interval"))
        self._stack_link = None
        self._link_stack(True)
        self.play.observe(self._on_step, "value")
        self.back.on_click(lambda _: self.prev())
        self.forward.on_click(lambda _: self.next())
        for control in self.controls.values():
            control.observe(self._rebuild, "value")
        bar = widgets.HBox([self.play, self.back, self.forward, self.slider, self.speed],
                           layout=widgets.Layout(flex_flow="row wrap"))
        rows = [widgets.HTML(STYLE)]
        if self.controls:
            rows.append(widgets.HBox(list(self.controls.values()),
                                     layout=widgets.Layout(flex_flow="row wrap")))
        super().__init__(rows + [self.frame_area, self.code_line, bar])
        self._rebuild()

    # -- state a test or a notebook reads ------------------------------------
    @property
    def step(self) -> int:
        """Index of the step shown."""
        return self.play.value

    @step.setter
    def step(self, index: int) -> None:
        count = len(self.steps) if self.steps is not None else 1
        if not 0 <= index < count:
            raise ValueError(f"step must be between 0 and {count - 1}, got {index}")
        self.play.value = self.slider.value = index
        if self._stack_link is not None:  # frames are in the stack, not drawn live
            self.stack.selected_index = index

    @property
    def frame(self) -> str:
        """The HTML of the frame shown (or of the message shown instead)."""
        if self._renderer is None:
            return self.stack.children[0].value
        return self._renderer(self.step)

    def next(self) -> None:
        """Show the next step (stays on the last)."""
        if self.steps is not None:
            self.step = min(self.step + 1, len(self.steps) - 1)

    def prev(self) -> None:
        """Show the previous step (stays on the first)."""
        self.step = max(self.step - 1, 0)

    def set(self, **values) -> None:
        """Set controls by name, e.g. `player.set(padding=1)`."""
        for name, value in values.items():
            if name not in self.controls:
                raise ValueError(f"no control named {name!r}; there are {list(self.controls)}")
            self.controls[name].value = value

    def __repr__(self) -> str:
        if self.steps is None:
            return f"Player({self.title or 'animation'}: impossible setting, message shown)"
        return "Player(" + repr(self.steps).split("(", 1)[1]

    # -- what happens when things change ---------------------------------------
    def _values(self) -> dict:
        return {name: control.value for name, control in self.controls.items()}

    def _rebuild(self, _change=None) -> None:
        self.play.playing = False
        try:
            self.steps = self._build(**self._values())
            self._renderer = renderer(self.steps, cell=self._cell, title=self.title)
            count = len(self.steps)
            live = count > self._max_frames
            frames = [self._renderer(0)] if live else self._renderer.frames()
            self.message = ""
        except ValueError as error:
            self._show_message(str(error))
            return
        except Exception as error:  # a bug: say so in the widget, never a traceback
            self._show_message(_internal_error(error))
            return
        self.play.value = self.slider.value = 0
        self.play.max = self.slider.max = count - 1
        self._enable_stepping(count > 1)
        self._link_stack(not live)
        self._show_frames([] if live else frames)
        self.code_line.value = code_line(self.steps.code) if self.steps.code else ""
        if live:
            self.live.value = frames[0]

    def _show_message(self, text: str) -> None:
        self.steps, self._renderer, self.message = None, None, text
        self.code_line.value = ""
        self._link_stack(True)
        self.play.value = self.slider.value = 0
        self.play.max = self.slider.max = 0
        self._enable_stepping(False)
        self._show_frames([message_frame(text, title=self.title)])

    def _enable_stepping(self, enabled: bool) -> None:
        """Play, the step buttons and the slider work only when there are steps to go to."""
        for control in (self.play, self.slider, self.back, self.forward):
            control.disabled = not enabled

    def _show_frames(self, frames: list[str]) -> None:
        old = self.stack.children
        self.stack.children = [widgets.HTML(f, layout=self._frame_layout, style=self._frame_style)
                               for f in frames]
        self.stack.selected_index = 0 if frames else None
        for child in old:  # replaced frames would otherwise live on in the kernel and browser
            child.close()

    def _link_stack(self, linked: bool) -> None:
        if linked and self._stack_link is None:
            self._stack_link = widgets.jsdlink((self.play, "value"),
                                               (self.stack, "selected_index"))
            self.frame_area.children = [self.stack]
        elif not linked and self._stack_link is not None:
            self._stack_link.unlink()
            self._stack_link.close()
            self._stack_link = None
            self.frame_area.children = [self.live]

    def _on_step(self, change) -> None:
        if self._renderer is not None and self._stack_link is None:
            try:
                self.live.value = self._renderer(change["new"])
            except Exception as error:  # a bug: say so in the frame, never a traceback
                self.live.value = message_frame(_internal_error(error), title=self.title)


def _internal_error(error: Exception) -> str:
    return f"Internal error, please report it: {type(error).__name__}: {error}"


def _control(name: str, spec):
    """A widget for a `range` (a slider) or a mapping of named choices (a dropdown)."""
    if isinstance(spec, range):
        if len(spec) == 0:
            raise ValueError(f"{name}: the range {spec!r} is empty")
        return widgets.IntSlider(value=spec.start, min=spec.start, max=spec[-1], step=spec.step,
                                 description=name, continuous_update=False,
                                 tooltip=f"{name}{NEEDS_KERNEL}", style=_FULL_NAME)
    return widgets.Dropdown(options=list(spec), description=name, layout=_WIDE,
                            tooltip=f"{name}{NEEDS_KERNEL}", style=_FULL_NAME)


def explore(make_steps: Callable[..., StepSequence], *, title: str = "", **params) -> Player:
    """A Player over `make_steps(**params)` with a control for every parameter that
    is a `range` (slider) or a dict of named choices (dropdown); other values are fixed."""
    choices = {k: v for k, v in params.items() if isinstance(v, (range, Mapping))}
    fixed = {k: v for k, v in params.items() if k not in choices}
    controls = {k: _control(k, v) for k, v in choices.items()}

    def build(**values):
        picked = {k: (choices[k][v] if isinstance(choices[k], Mapping) else v)
                  for k, v in values.items()}
        return make_steps(**fixed, **picked)

    return Player(build, controls, title=title)


def conv_player(X, K, *, title: str = "", **params) -> Player:
    """Animate `corr2d`, `corr2d_multi_in` or, with a `c_o x c_i x k_h x k_w` K,
    `corr2d_multi_in_out` (see `conv2d_steps`). Any argument can be a `range` or a dict
    of named choices, which gives the reader a control for it.

    With several output channels and no controls, a player fits a lecture screen at 200 %
    zoom for up to 3 input channels of 6x6 with 2x2 kernels, or 2 of 5x5 with 3x3 kernels;
    a row of controls takes about 32 px more, and 3x3 kernels on 3 channels write
    arithmetic lines too long for it."""
    return explore(conv2d_steps, X=X, K=K, title=title, **params)


def pool_player(X, pool_size, *, title: str = "", **params) -> Player:
    """Animate `pool2d` (see `pool2d_steps`); arguments as for `conv_player`."""
    return explore(pool2d_steps, X=X, pool_size=pool_size, title=title, **params)


def corr1d_player(x, k, *, title: str = "", **params) -> Player:
    """Animate `corr1d`, a kernel sliding along a signal (see `corr1d_steps`); arguments
    as for `conv_player`."""
    return explore(corr1d_steps, x=x, k=k, title=title, **params)


def corr3d_player(X, K, *, title: str = "", **params) -> Player:
    """Animate `corr3d`, a window moving through a volume's depth slices (see
    `corr3d_steps`); arguments as for `conv_player`."""
    return explore(corr3d_steps, X=X, K=K, title=title, **params)


def pixel_player(X, W, bias=0.0, *, title: str = "", **params) -> Player:
    """Animate a 1x1 convolution pixel by pixel (see `conv1x1_steps`); arguments as for
    `conv_player`."""
    return explore(conv1x1_steps, X=X, W=W, bias=bias, title=title, **params)


PADDING_FORMS = {"0": 0, "1": 1, "2": 2, "3": 3, "(1, 2)": (1, 2), "(0, 1, 0, 1)": (0, 1, 0, 1),
                 "'same'": "same", "'valid'": "valid"}


def padding_steps(*, input_rows: int, input_columns: int, kernel_rows: int, kernel_columns: int,
                  padding="0", padding_mode: str = "zeros", stride_rows: int = 1,
                  stride_columns: int = 1, dilation: int = 1) -> StepSequence:
    """Steps of a `kernel_rows x kernel_columns` kernel of ones over the input
    `torch.arange(rows * columns)` (so every cell shows its own index); `padding`
    is a key of PADDING_FORMS or any padding `corr2d` takes."""
    X = torch.arange(float(input_rows * input_columns)).reshape(input_rows, input_columns)
    K = torch.ones(kernel_rows, kernel_columns)
    padding = PADDING_FORMS.get(padding, padding) if isinstance(padding, str) else padding
    return conv2d_steps(X, K, padding=padding, stride=(stride_rows, stride_columns),
                        dilation=dilation, padding_mode=padding_mode)


def padding_explorer(*, rows: int = 5, columns: int = 10, kernel: int = 3, stride: int = 2,
                     title: str = "padding and stride explorer") -> Player:
    """A Player with a control for input size, kernel size, padding (in each form
    nn.Conv2d and F.pad take), padding mode, stride and dilation, per axis where
    they differ. It starts on `rows x columns`, a `kernel`-square kernel and `stride`."""
    narrow = {"layout": widgets.Layout(width="250px"), "style": {"description_width": "105px"}}

    def slider(name, value, low, high):
        return widgets.IntSlider(value=value, min=low, max=high, description=name,
                                 continuous_update=False, **narrow)

    controls = {
        "input_rows": slider("input_rows", rows, 1, 10),
        "input_columns": slider("input_columns", columns, 1, 10),
        "kernel_rows": slider("kernel_rows", kernel, 1, 5),
        "kernel_columns": slider("kernel_columns", kernel, 1, 5),
        "padding": widgets.Dropdown(options=list(PADDING_FORMS), description="padding", **narrow),
        "padding_mode": widgets.Dropdown(options=list(PADDING_MODES), description="padding_mode",
                                         **narrow),
        "stride_rows": slider("stride_rows", stride, 1, 4),
        "stride_columns": slider("stride_columns", stride, 1, 4),
        "dilation": slider("dilation", 1, 1, 3),
    }
    return Player(padding_steps, controls, title=title)


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
        for control in (self.depth, self.row, self.col):
            control.observe(self._redraw, "value")
        super().__init__([widgets.HTML(STYLE),
                          widgets.HBox([self.depth, self.row, self.col],
                                       layout=widgets.Layout(flex_flow="row wrap")),
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
        super().__init__([widgets.HTML(STYLE), self.button, self.table])

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


class LiveView(widgets.VBox):
    """A picture the kernel redraws whenever one of its controls changes.

    `draw(**values)` returns the HTML for the current values of `controls` (a
    mapping of name to value widget); a ValueError shows as a message in its place.
    The picture carries `data-view` = `key`, the values it was drawn for.
    """

    def __init__(self, draw: Callable[..., str], controls: Mapping, *, title: str = ""):
        self._draw, self.controls, self.title = draw, dict(controls), title
        self.message, self.key = "", ""
        self.view = widgets.HTML()
        for control in self.controls.values():
            control.observe(self._redraw, "value")
        super().__init__([widgets.HTML(STYLE),
                          widgets.HBox(list(self.controls.values()),
                                       layout=widgets.Layout(flex_flow="row wrap")),
                          self.view])
        self._redraw()

    def set(self, **values) -> None:
        """Set controls by name, e.g. `view.set(shift=1)`."""
        for name, value in values.items():
            if name not in self.controls:
                raise ValueError(f"no control named {name!r}; there are {list(self.controls)}")
            self.controls[name].value = value

    def _redraw(self, _change=None) -> None:
        values = {name: control.value for name, control in self.controls.items()}
        self.key = ";".join(f"{name}={value}" for name, value in values.items())
        try:
            picture, self.message = self._draw(**values), ""
        except ValueError as error:
            self.message = str(error)
            picture = message_frame(self.message, title=self.title)
        except Exception as error:  # a bug: say so in the widget, never a traceback
            self.message = _internal_error(error)
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
    controls = {name: _control(name, shifts) for name in ("down", "right")}

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
    controls = {"mode": _control("mode", {"max": "max", "avg": "avg"}),
                "output": _control("output", outputs)}

    def draw(mode, output):
        routed = pool_gradient(X, k, mode=mode, stride=s, padding=p, out_pos=outputs[output])
        return gradient_frame(X, routed, k, s, p, outputs[output], mode=mode)

    return LiveView(draw, controls, title="where the gradient goes")
