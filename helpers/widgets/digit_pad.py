"""Widgets for a trained network: a pad to draw a digit on, and a training progress display.

`DigitPad` is an 8 x 8 grid of buttons. Clicking a cell paints it with the
chosen shade (or erases it); after every change the kernel runs the network on
the drawing and redraws its prediction, the probability of every class and the
feature maps of every layer. Tests drive it headless: `pad.paint(row, col)` or
`pad.cells[row][col].click()`, then read `pad.prediction`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import ipywidgets as widgets
import torch
from torch import nn

from ..digits import feature_maps, predict
from ..frames.digits import maps_frame, probability_bars, shade, training_line
from ..frames.kit import STYLE, fmt, message_frame

SIZE = 8  # the digits are 8 x 8 pixels
INK = 16  # scikit-learn's digits hold 0 (paper) to 16 (full ink)
SHADES = {"ink": 16, "grey": 8, "light": 4, "eraser": 0}
BLANK = "blank"


class DigitPad(widgets.VBox):
    """Draw an 8 x 8 digit by clicking cells; see what `net` makes of it as you draw.

    `net` takes a batch `(n, 1, 8, 8)` of images prepared by `normalize`, which
    receives raw images with values 0 (paper) to 16 (ink), as scikit-learn's
    digits are. `examples` maps names to raw 8 x 8 images the reader can start
    from. For an nn.Sequential, the output of every layer is shown too.
    """

    def __init__(self, net: nn.Module, normalize: Callable[[torch.Tensor], torch.Tensor], *,
                 examples: Mapping[str, torch.Tensor] | None = None, start: str = BLANK):
        if not isinstance(net, nn.Module):
            raise ValueError(f"net must be a torch.nn.Module, got {type(net).__name__}")
        if not callable(normalize):
            raise ValueError("normalize must be a function from raw images to network inputs")
        self.net, self.normalize = net, normalize
        self.examples = {BLANK: torch.zeros(SIZE, SIZE)}
        for name, image in (examples or {}).items():
            self.examples[name] = _raw_image(image, name)
        if start not in self.examples:
            raise ValueError(f"start must be one of {list(self.examples)}, got {start!r}")
        self.image = torch.zeros(SIZE, SIZE)
        self.probabilities: torch.Tensor | None = None
        self.message = ""
        square = widgets.Layout(width="36px", height="36px", margin="1px", padding="0",
                                border="1px solid #9a9a9a")
        self.cells = [[widgets.Button(tooltip=f"row {r}, column {c}", layout=square,
                                      style=widgets.ButtonStyle(button_color=shade(0, INK, False)))
                       for c in range(SIZE)] for r in range(SIZE)]
        for r, row in enumerate(self.cells):
            for c, button in enumerate(row):
                button.on_click(lambda _, r=r, c=c: self.paint(r, c))
        self.brush = widgets.ToggleButtons(options=list(SHADES.items()), value=INK,
                                           description="brush", tooltips=[
                                               f"paint with value {v}" for v in SHADES.values()],
                                           style={"button_width": "64px"})
        self.clear_button = widgets.Button(description="clear", icon="trash",
                                           tooltip="erase every cell")
        self.clear_button.on_click(lambda _: self.clear())
        self.start = widgets.Dropdown(options=list(self.examples), value=start,
                                      description="start from", layout=widgets.Layout(
                                          width="auto"))
        self.start.observe(lambda change: self.load(self.examples[change["new"]]), "value")
        self.answer = widgets.HTML()
        self.maps = widgets.HTML()
        grid = widgets.VBox([widgets.HBox(row, layout=widgets.Layout(margin="0"))
                             for row in self.cells])
        tools = widgets.VBox([self.brush, widgets.HBox([self.clear_button, self.start])])
        super().__init__([widgets.HTML(STYLE), tools,
                          widgets.HBox([grid, self.answer],
                                       layout=widgets.Layout(flex_flow="row wrap",
                                                             align_items="center")),
                          self.maps])
        self.load(self.examples[start])

    @property
    def prediction(self) -> int | None:
        """The class the network gives the drawing (None while the grid is empty or a
        message is shown)."""
        return None if self.probabilities is None else int(self.probabilities.argmax())

    def paint(self, row: int, col: int, value: float | None = None) -> None:
        """Set cell (row, col) to `value` (the brush's shade by default) and update."""
        if not (0 <= row < SIZE and 0 <= col < SIZE):
            raise ValueError(f"(row, col) must be inside the {SIZE} x {SIZE} grid, "
                             f"got {(row, col)}")
        value = self.brush.value if value is None else value
        if not 0 <= value <= INK:
            raise ValueError(f"a shade is between 0 and {INK}, got {value}")
        self.image[row, col] = value
        self._show_cell(row, col)
        self._update()

    def clear(self) -> None:
        """Erase every cell, and set the *start from* menu back to blank."""
        if self.start.value != BLANK:
            self.start.value = BLANK  # which loads the blank grid
        else:
            self.load(self.examples[BLANK])

    def load(self, image) -> None:
        """Show a raw 8 x 8 image (values 0 to 16) on the grid and update."""
        self.image = _raw_image(image, "image").clone()
        for r in range(SIZE):
            for c in range(SIZE):
                self._show_cell(r, c)
        self._update()

    def _show_cell(self, row: int, col: int) -> None:
        value = float(self.image[row, col])
        button = self.cells[row][col]
        button.style.button_color = shade(value, INK, False)
        button.tooltip = f"row {row}, column {col}: {fmt_shade(value)}"

    def _update(self) -> None:
        try:
            x = self.normalize(self.image[None, None].clone())[0]
            self.probabilities = predict(self.net, x)
            self.message = ""
            if not self.image.any():  # nothing drawn: no prediction, no feature maps to read
                self.probabilities = None
                self.answer.value = probability_bars(None, note="the grid is empty: draw a "
                                                                "digit")
                self.maps.value = ""
                return
            self.answer.value = probability_bars(self.probabilities)
            self.maps.value = (maps_frame(feature_maps(self.net, x))
                               if isinstance(self.net, nn.Sequential) else "")
        except Exception as error:  # the reader's network or function: report, never a traceback
            self.probabilities = None
            self.message = f"{type(error).__name__}: {error}"
            self.answer.value = message_frame(
                f"The network could not read the drawing: {self.message}")
            self.maps.value = ""

    def __repr__(self) -> str:
        return f"DigitPad({SIZE}x{SIZE} grid, {len(self.examples) - 1} examples to start from)"


def fmt_shade(value: float) -> str:
    names = {v: k for k, v in SHADES.items()}
    return names.get(value, fmt(value)).replace("eraser", "empty")


def _raw_image(image, name: str) -> torch.Tensor:
    try:
        image = torch.as_tensor(image, dtype=torch.float32)
    except (TypeError, ValueError, RuntimeError):
        raise ValueError(f"{name} must be an {SIZE} x {SIZE} tensor of numbers") from None
    if image.shape != (SIZE, SIZE):
        raise ValueError(f"{name} must be {SIZE} x {SIZE}, got shape {tuple(image.shape)}")
    if image.isnan().any() or image.min() < 0 or image.max() > INK:
        raise ValueError(f"{name} must hold values from 0 to {INK}, as the digits data does")
    return image


class TrainingProgress(widgets.VBox):
    """A progress bar and one line (epoch, loss, accuracy) that update in place.

    Call it after each epoch: `progress(epoch, loss)` or `progress(epoch, loss, accuracy)`.
    """

    def __init__(self, epochs: int, *, title: str = "training"):
        if not isinstance(epochs, int) or epochs < 1:
            raise ValueError(f"epochs must be a whole number, at least 1, got {epochs!r}")
        self.epochs, self.title = epochs, title
        self.history: list[tuple[int, float, float | None]] = []
        self.bar = widgets.IntProgress(value=0, min=0, max=epochs, description=title,
                                       style={"description_width": "auto"})
        self.line = widgets.HTML(training_line(0, epochs))
        super().__init__([widgets.HTML(STYLE), self.bar, self.line])

    def __call__(self, epoch: int, loss: float, accuracy: float | None = None) -> None:
        self.history.append((epoch, loss, accuracy))
        self.bar.value = min(epoch, self.epochs)
        self.line.value = training_line(epoch, self.epochs, loss, accuracy)

    def __repr__(self) -> str:
        return f"TrainingProgress({self.title}, {self.epochs} epochs)"
