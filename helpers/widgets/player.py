"""The Player: the one animation every chapter uses, and the functions that make one for
each kind of step model.

The widgets hold the only state. When the setting changes, the kernel rebuilds
the steps and renders every frame once; plain stepping then happens in the
browser (Play, slider and frame stack are linked in JavaScript), so it costs no
round trip, works while the kernel is busy, and plays in a static HTML export.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as widgets
from ipywidgets.widgets.widget_string import HTMLStyle

from ..frames import renderer
from ..frames.kit import CELL, STYLE, code_line, message_frame
from ..steps import (
    StepRecords,
    conv1x1_steps,
    conv2d_steps,
    corr1d_steps,
    corr3d_steps,
    pool2d_steps,
)
from .base import NEEDS_KERNEL, Controlled, control, guarded, wrapping_row

MAX_FRAMES = 150  # above this, frames are drawn by the kernel one at a time


class Player(Controlled, widgets.VBox):
    """Play, pause, step, scrub and change the speed of a sliding-window animation.

    `build(**values)` returns the step sequence (of any kind `frames.renderer_for` draws)
    for the current values of `controls` (a mapping of name to value widget). A setting
    that `build` refuses with ValueError shows its message in place of the frame.
    """

    def __init__(self, build: Callable[..., StepRecords], controls: Mapping | None = None, *,
                 title: str = "", interval: int = 800, max_frames: int = MAX_FRAMES,
                 cell: int = CELL):
        self._build, self.controls, self.title = build, dict(controls or {}), title
        self._max_frames, self._cell = max_frames, cell
        self.steps: StepRecords | None = None
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
        for widget in self.controls.values():
            widget.observe(self._rebuild, "value")
        bar = wrapping_row([self.play, self.back, self.forward, self.slider, self.speed])
        rows = [widgets.HTML(STYLE)]
        if self.controls:
            rows.append(wrapping_row(self.controls.values()))
        super().__init__(rows + [self.frame_area, self.code_line, bar])
        # the frames fit the player's width and the window's height less its controls
        self.add_class("cbk-player")
        if self.controls:
            self.add_class("cbk-settings")
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

    def __repr__(self) -> str:
        if self.steps is None:
            return f"Player({self.title or 'animation'}: impossible setting, message shown)"
        inner = repr(self.steps)  # Kind(what, ...): the Player says the same, its own way
        return "Player(" + (inner.split("(", 1)[1] if "(" in inner else inner + ")")

    # -- what happens when things change ---------------------------------------
    def _rebuild(self, _change=None) -> None:
        self.play.playing = False
        drawn, message = guarded(self._draw, self.values())
        if message:
            self._show_message(message)
            return
        self.steps, self._renderer, frames = drawn
        self.message, count = "", len(self.steps)
        live = count > self._max_frames
        self.play.value = self.slider.value = 0
        self.play.max = self.slider.max = count - 1
        self._enable_stepping(count > 1)
        self._link_stack(not live)
        self._show_frames([] if live else frames)
        self.code_line.value = code_line(self.steps.code) if self.steps.code else ""
        if live:
            self.live.value = frames[0]

    def _draw(self, values: dict) -> tuple:
        """The steps for `values`, their renderer, and the frames the page holds: all of
        them, or only the first when there are too many (the kernel draws the others)."""
        steps = self._build(**values)
        draw = renderer(steps, cell=self._cell, title=self.title)
        frames = [draw(0)] if len(steps) > self._max_frames else draw.frames()
        return steps, draw, frames

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
        for widget in (self.play, self.slider, self.back, self.forward):
            widget.disabled = not enabled

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
            frame, message = guarded(self._renderer, change["new"])
            self.live.value = message_frame(message, title=self.title) if message else frame


def explore(make_steps: Callable[..., StepRecords], *, title: str = "", **params) -> Player:
    """A Player over `make_steps(**params)` with a control for every parameter that
    is a `range` (slider) or a dict of named choices (dropdown); other values are fixed."""
    choices = {k: v for k, v in params.items() if isinstance(v, (range, Mapping))}
    fixed = {k: v for k, v in params.items() if k not in choices}
    controls = {k: control(k, v) for k, v in choices.items()}

    def build(**values):
        picked = {k: (choices[k][v] if isinstance(choices[k], Mapping) else v)
                  for k, v in values.items()}
        return make_steps(**fixed, **picked)

    return Player(build, controls, title=title)


def conv2d_player(X, K, *, title: str = "", **params) -> Player:
    """Animate `corr2d`, `corr2d_multi_in` or, with a `c_o x c_i x k_h x k_w` K,
    `corr2d_multi_in_out` (see `conv2d_steps`). Any argument can be a `range` or a dict
    of named choices, which gives the reader a control for it."""
    return explore(conv2d_steps, X=X, K=K, title=title, **params)


def pool2d_player(X, pool_size, *, title: str = "", **params) -> Player:
    """Animate `pool2d` (see `pool2d_steps`); arguments as for `conv2d_player`."""
    return explore(pool2d_steps, X=X, pool_size=pool_size, title=title, **params)


def corr1d_player(x, k, *, title: str = "", **params) -> Player:
    """Animate `corr1d`, a kernel sliding along a signal (see `corr1d_steps`); arguments
    as for `conv2d_player`."""
    return explore(corr1d_steps, x=x, k=k, title=title, **params)


def corr3d_player(X, K, *, title: str = "", **params) -> Player:
    """Animate `corr3d`, a window moving through a volume's depth slices (see
    `corr3d_steps`); arguments as for `conv2d_player`."""
    return explore(corr3d_steps, X=X, K=K, title=title, **params)


def conv1x1_player(X, W, bias=0.0, *, title: str = "", **params) -> Player:
    """Animate a 1x1 convolution pixel by pixel (see `conv1x1_steps`); arguments as for
    `conv2d_player`."""
    return explore(conv1x1_steps, X=X, W=W, bias=bias, title=title, **params)


# the names the chapters were first written with
conv_player = conv2d_player
pool_player = pool2d_player
pixel_player = conv1x1_player
