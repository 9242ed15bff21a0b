"""The Player: the one animation every chapter uses, and the functions that make one for
each kind of step model.

The widgets hold the only state. When the setting changes, the kernel rebuilds
the steps and renders every frame once; plain stepping then happens in the
browser (Play, slider and frame stack are linked in JavaScript), so it costs no
round trip, works while the kernel is busy, and plays in a static HTML export.
A control with few values has the frames of each value drawn as well, so that it
too works in the browser alone (`settings.py`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as widgets

from ..frames import renderer
from ..frames.kit import CELL, STYLE
from ..steps import (
    StepRecords,
    conv1x1_steps,
    conv2d_steps,
    corr1d_steps,
    corr3d_steps,
    pool2d_steps,
)
from . import settings
from .animation import Animation, Shared
from .base import NEEDS_KERNEL, Controlled, control, guarded, wrapping_row

MAX_FRAMES = 150  # above this, frames are drawn by the kernel one at a time


class Player(Controlled, widgets.VBox):
    """Play, pause, step, scrub and change the speed of a sliding-window animation.

    `build(**values)` returns the step sequence (of any kind `frames.renderer_for` draws)
    for the current values of `controls` (a mapping of name to value widget). A setting
    that `build` refuses with ValueError shows its message in place of the frame.

    The frames of every value of a control with few values are drawn too (at most
    `max_settings` settings, see `settings.py`), so that control works in the page with
    no kernel; changing any other control asks the kernel to draw them again.
    """

    def __init__(self, build: Callable[..., StepRecords], controls: Mapping | None = None, *,
                 title: str = "", interval: int = 800, max_frames: int = MAX_FRAMES,
                 cell: int = CELL, max_settings: int = settings.MAX_SETTINGS):
        self._build, self.controls, self.title = build, dict(controls or {}), title
        self._max_frames, self._cell, self._max_settings = max_frames, cell, max_settings
        self.speed = widgets.IntSlider(value=interval, min=100, max=2000, step=100,
                                       description="ms per step", readout=True,
                                       style={"description_width": "auto"},
                                       layout=widgets.Layout(margin="0 0 0 16px"))
        # the buttons ask the kernel; Play and the slider (arrow keys too) work in the page
        self.back = widgets.Button(icon="step-backward", tooltip=f"previous step{NEEDS_KERNEL}",
                                   layout=widgets.Layout(width="44px"))
        self.forward = widgets.Button(icon="step-forward", tooltip=f"next step{NEEDS_KERNEL}",
                                      layout=widgets.Layout(width="44px"))
        self._shared = Shared()
        self.stored: list[str] = []  # the controls whose every value's frames are drawn
        self._animations: dict[tuple, Animation] = {}
        self._stacks: settings.SettingStacks | None = None
        self._held: list | None = None  # controls set by `set`, drawn once it is done
        self.back.on_click(lambda _: self.prev())
        self.forward.on_click(lambda _: self.next())
        for widget in self.controls.values():
            widget.observe(self._changed, "value")
        self._rows = [widgets.HTML(STYLE)]
        if self.controls:
            self._rows.append(wrapping_row(self.controls.values()))
        super().__init__()
        # the frames fit the player's width and the window's height less its controls
        self.add_class("cbk-player")
        if self.controls:
            self.add_class("cbk-settings")
        self._rebuild()

    # -- state a test or a notebook reads ------------------------------------
    @property
    def animation(self) -> Animation:
        """The animation of the current setting."""
        return self._animations[settings.key(self.values(), self.stored)]

    play = property(lambda self: self.animation.play)
    slider = property(lambda self: self.animation.slider)
    stack = property(lambda self: self.animation.stack)
    live = property(lambda self: self.animation.live)
    frame_area = property(lambda self: self.animation.frame_area)
    code_line = property(lambda self: self.animation.code_line)
    steps = property(lambda self: self.animation.steps, doc="The step sequence shown, or None.")
    message = property(lambda self: self.animation.message, doc="The message shown, or \"\".")

    @property
    def step(self) -> int:
        """Index of the step shown."""
        return self.play.value

    @step.setter
    def step(self, index: int) -> None:
        count = len(self.steps) if self.steps is not None else 1
        if not 0 <= index < count:
            raise ValueError(f"step must be between 0 and {count - 1}, got {index}")
        self.animation.go(index)

    @property
    def frame(self) -> str:
        """The HTML of the frame shown (or of the message shown instead)."""
        return self.animation.frame

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

    def set(self, **values) -> None:
        """Set controls by name, e.g. `player.set(padding=1, stride=2)`; the animations
        are drawn once, after all of them are set."""
        self._held = []
        try:
            super().set(**values)
        finally:
            changed, self._held = self._held, None
        if changed:
            self._changed({"owner": changed})

    # -- what happens when things change ---------------------------------------
    def _changed(self, change) -> None:
        if self._held is not None:  # in `set`: once all are set
            self._held.append(change["owner"])
            return
        owners = change["owner"] if isinstance(change["owner"], list) else [change["owner"]]
        stored = [self.controls[name] for name in self.stored]
        if all(any(owner is widget for widget in stored) for owner in owners):
            self._select()  # their frames are drawn: show them
        else:
            self._rebuild()

    def _select(self) -> None:
        """Show the current setting's animation from its first step, as the page does."""
        for animation in self._animations.values():
            animation.play.playing = False
        self._stacks.select()
        self.animation.go(0)
        self.back.disabled = self.forward.disabled = not self.animation.can_step

    def _rebuild(self) -> None:
        """Draw the animations of every stored setting again, for the other controls' values."""
        outcomes: list[tuple[dict, tuple]] = []  # each setting is built once

        def outcome(values: dict) -> tuple:
            for seen, result in outcomes:
                if seen == values:
                    return result
            outcomes.append((values, guarded(self._build, **values)))
            return outcomes[-1][1]

        def count(values: dict) -> int:
            steps, message = outcome(values)
            size = 1 if message else len(steps)
            return size if size <= self._max_frames else settings.MAX_STORED_FRAMES + 1  # live

        stored = settings.choose(self.controls, count, self._max_settings) \
            if self._max_settings > 1 else []
        old = None if stored == self.stored and self._stacks else self._animations
        self.stored = stored
        if old is not None:
            self._animations = {}
        for values in settings.settings_of(self.controls, self.stored):
            key = settings.key(values, self.stored)
            if key not in self._animations:  # a widget made once per stored setting
                self._animations[key] = Animation(self.back, self.forward, self.speed,
                                                  self._shared, self.title)
            steps, message = outcome(values)
            drawn, message = (None, message) if message else guarded(self._draw, steps)
            if message:
                self._animations[key].show_message(message)
            else:
                self._animations[key].show(*drawn)
        if old is None:
            self._select()
            return
        if self._stacks is not None:
            self._stacks.close()
        self._stacks = settings.SettingStacks(self.controls, self.stored, self._animations)
        self.children = [*self._rows, self._stacks.root]
        for name, widget in self.controls.items():
            tip = (widget.tooltip or name).removesuffix(NEEDS_KERNEL)
            widget.tooltip = tip if name in self.stored else f"{tip}{NEEDS_KERNEL}"
        self.back.disabled = self.forward.disabled = not self.animation.can_step
        for animation in old.values():
            animation.close()

    def _draw(self, steps: StepRecords) -> tuple:
        """`steps`, their renderer, the frames the page holds (all of them, or only the
        first when there are too many: the kernel draws the others) and whether the
        kernel draws them."""
        draw = renderer(steps, cell=self._cell, title=self.title)
        live = len(steps) > self._max_frames
        return steps, draw, [draw(0)] if live else draw.frames(), live


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
