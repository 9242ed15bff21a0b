"""One setting of a Player: its frames, its line of PyTorch and its bar (Play, the step
buttons, the step slider and the speed).

The frames sit in a Stack linked in JavaScript to Play and the step slider, so
stepping needs no kernel; an animation with more frames than the page may hold
shows one frame, which the kernel redraws at every step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import ipywidgets as widgets
from ipywidgets.widgets.widget_string import HTMLStyle

from ..frames.kit import code_line, message_frame
from .base import guarded, wrapping_row


@dataclass(frozen=True)
class Shared:
    """The layouts and the style that the widgets of one Player's animations share: one
    model each in a stored notebook, where a model per widget took a tenth of its size."""
    plain: widgets.Layout = field(default_factory=widgets.Layout)
    row: widgets.Layout = field(default_factory=lambda: widgets.Layout(flex_flow="row wrap"))
    slider: widgets.Layout = field(default_factory=lambda: widgets.Layout(width="320px"))
    html: HTMLStyle = field(default_factory=HTMLStyle)


class Animation(widgets.VBox):
    """The frames of one step sequence and the controls that step through them.

    `back`, `forward` and `speed` are shared by every setting of a Player (only one
    setting shows at a time); the rest belongs to this animation.
    """

    def __init__(self, back: widgets.Button, forward: widgets.Button, speed: widgets.IntSlider,
                 shared: Shared, title: str = ""):
        self.title, self._shared = title, shared
        self.steps, self.renderer, self.message = None, None, ""
        plain = shared.plain
        self.play = widgets.Play(min=0, max=0, interval=speed.value, description="Play",
                                 show_repeat=False, layout=plain)
        self.slider = widgets.IntSlider(min=0, max=0, description="step", readout=False,
                                        layout=shared.slider)
        self.stack = widgets.Stack(layout=plain)
        self.live = widgets.HTML(layout=plain, style=shared.html)
        self.frame_area = widgets.Box([self.stack], layout=plain)
        # the PyTorch call behind the animation
        self.code_line = widgets.HTML(layout=plain, style=shared.html)
        self._links = [widgets.jslink((self.play, "value"), (self.slider, "value")),
                       widgets.jslink((speed, "value"), (self.play, "interval"))]
        self._stack_link = None
        self._link_stack(True)
        self.play.observe(self._on_step, "value")
        self._bar = wrapping_row([self.play, back, forward, self.slider, speed], shared.row)
        super().__init__([self.frame_area, self.code_line, self._bar], layout=plain)

    @property
    def can_step(self) -> bool:
        return self.steps is not None and len(self.steps) > 1

    @property
    def frame(self) -> str:
        """The HTML of the frame shown (or of the message shown instead)."""
        if self.renderer is None:
            return self.stack.children[0].value
        return self.renderer(self.play.value)

    def go(self, index: int) -> None:
        """Show step `index` (the caller checks that it exists)."""
        self.play.value = self.slider.value = index
        if self._stack_link is not None:  # frames are in the stack, not drawn live
            self.stack.selected_index = index

    def show(self, steps, renderer, frames: list[str], live: bool) -> None:
        """Show `steps`: all their `frames` in the stack, or (`live`) the first drawn alone."""
        self.steps, self.renderer, self.message = steps, renderer, ""
        self.play.playing = False
        self.play.value = self.slider.value = 0
        self.play.max = self.slider.max = len(steps) - 1
        self._enable_stepping(len(steps) > 1)
        self._link_stack(not live)
        self._show_frames([] if live else frames)
        self.code_line.value = code_line(steps.code) if steps.code else ""
        if live:
            self.live.value = frames[0]

    def show_message(self, text: str) -> None:
        """Show `text` in place of the frames (an impossible setting, or a bug)."""
        self.steps, self.renderer, self.message = None, None, text
        self.code_line.value = ""
        self._link_stack(True)
        self.play.playing = False
        self.play.value = self.slider.value = 0
        self.play.max = self.slider.max = 0
        self._enable_stepping(False)
        self._show_frames([message_frame(text, title=self.title)])

    def close(self) -> None:
        """Close this animation's widgets and links (not the shared buttons and speed)."""
        self._link_stack(False)
        for widget in (*self._links, *self.stack.children, self.stack, self.live,
                       self.frame_area, self.code_line, self.play, self.slider, self._bar):
            widget.close()
        super().close()

    def _enable_stepping(self, enabled: bool) -> None:
        """Play and the slider work only when there are steps to go to."""
        self.play.disabled = self.slider.disabled = not enabled

    def _show_frames(self, frames: list[str]) -> None:
        """Put `frames` in the stack, reusing its HTML widgets (making one costs more than
        sending it a new value)."""
        old = self.stack.children
        for child, frame in zip(old, frames, strict=False):
            child.value = frame
        self.stack.children = old[:len(frames)] + tuple(
            widgets.HTML(f, layout=self._shared.plain, style=self._shared.html)
            for f in frames[len(old):])
        self.stack.selected_index = 0 if frames else None
        for child in old[len(frames):]:  # would otherwise live on in the kernel and browser
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
        if change["new"] == self.play.max:  # stop on the last step, not one tick later
            self.play.playing = False
        if self.renderer is not None and self._stack_link is None:
            frame, message = guarded(self.renderer, change["new"])
            self.live.value = message_frame(message, title=self.title) if message else frame
