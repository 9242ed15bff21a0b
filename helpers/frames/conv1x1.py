"""Frames of a 1x1 convolution: one pixel's channel column, `W v + b`, the output's column.

Built from the kit's grids, styles and fit rule like every other frame, so a
per-pixel frame reads, scales and follows the JupyterLab theme like every other
frame of the book. Nothing here knows of ipywidgets.
"""

from __future__ import annotations

from ..steps.conv1x1 import PixelSequence, PixelStep
from .base import FrameRenderer
from .kit import (
    CAPTION,
    CELL,
    HEAD,
    MATH,
    MATH_LINE,
    OP,
    Grid,
    check_size,
    factor,
    figure,
    figure_width,
    fit_style,
    fmt,
    numbers,
    row_width,
    smallest,
)

DOT, PLUS, EQUALS, ARROW = (f'<div class="cbk-op">{op}</div>' for op in "\u00b7+=\u2192")
# channels two abreast, so that a stack of 3 or 4 channels is not taller than W v + b
PAIRS = 'style="display:grid;grid-template-columns:repeat(2,auto);gap:6px;align-items:start"'


class Conv1x1Renderer(FrameRenderer):
    """Draws the frames of one PixelSequence; the parts shared by all frames are built once.

    A frame shows the `c_i x h x w` input with the pixel's column marked in every
    channel, the product `W v + b` with its numbers, and the `c_o x h x w` output
    filled column by column up to this pixel.
    """

    name = "1x1 convolution"

    def __init__(self, steps: PixelSequence, *, cell: int = CELL, title: str = ""):
        super().__init__(steps, cell=cell, title=title)
        c_i, h, w = steps.input.shape
        c_o = steps.output.shape[0]
        drawn = (c_i + c_o) * h * w + c_o * c_i
        check_size(drawn, f"the input is too large to animate: {c_i} x {h} x {w} in, {c_o} x "
                   f"{h} x {w} out and a {c_o} x {c_i} W make {drawn} cells",
                   "animate a crop such as X[:, :4, :4]")
        rows, cols = list(range(h)), list(range(w))
        self._inputs = [Grid(numbers(plane), cell=cell,
                              row_labels=rows, col_labels=cols)
                        for plane in steps.input]
        self._outputs = [Grid(numbers(plane), cell=cell,
                               row_labels=rows, col_labels=cols)
                         for plane in steps.output]
        weight = Grid(numbers(steps.weight), cell=cell,
                       row_labels=list(range(c_o)), col_labels=list(range(c_i)))
        self._weight = figure(weight.svg([["k"] * c_i for _ in range(c_o)]),
                               f"W {c_o}\u00d7{c_i}")
        bias = Grid([[fmt(v)] for v in steps.bias.tolist()], cell=cell)
        self._bias = figure(bias.svg([["k"] for _ in range(c_o)]), "b")
        self._size = self._full_size(weight, bias)

    def _full_size(self, weight: Grid, bias: Grid) -> tuple[int, int, int]:
        """Height and width at full size, and the font of the smallest number."""
        c_i, h, w = self.steps.input.shape
        c_o = self.steps.output.shape[0]
        column = Grid([["0"]] * max(c_i, c_o), cell=self.cell, row_labels=[0] * max(c_i, c_o))
        sample = f"{h - 1}, {w - 1}"
        product = row_width(figure_width(weight, f"W {c_o}\u00d7{c_i}"), OP,
                            figure_width(column, f"v = X[:, {sample}]"), OP, bias.width, OP,
                            figure_width(column, f"Y[:, {sample}]"))
        height = max(_column(self._inputs), _column(self._outputs), weight.height + CAPTION)
        width = row_width(_pairs_width(self._inputs), OP, product, OP, _pairs_width(self._outputs))
        numbers_ = [*self._inputs, *self._outputs, weight, bias]
        return HEAD + height + MATH + MATH_LINE * c_o, width, smallest(numbers_)

    def fit_css(self) -> str:
        height, width, text = self._size
        return fit_style(height, width, text=text)

    def value(self, step: PixelStep) -> str:
        return "[" + ", ".join(map(repr, step.value)) + "]"

    def where(self, step: PixelStep) -> str:
        return f"pixel [{step.out_pos[0]}, {step.out_pos[1]}]"

    def arithmetic(self, step: PixelStep) -> str:
        """One line per output channel: `W[o, 0]×v[0] + ... + b[o] (bias) = y[o]`."""
        lines = []
        for o, (row, b, y) in enumerate(zip(step.weights, step.bias, step.value, strict=True)):
            terms = " + ".join(f"{factor(wt)}\u00d7{factor(x)}"
                               for wt, x in zip(row, step.v, strict=True))
            lines.append(f"output channel {o}: {terms} + {factor(b)} (bias) = <b>{fmt(y)}</b>")
        return "".join(f"<div>{line}</div>" for line in lines)

    def describe(self, step: PixelStep, arithmetic: str) -> str:
        """Pixel, channel vector, arithmetic."""
        i, j = step.out_pos
        v = ", ".join(fmt(x) for x in step.v)
        return (f"pixel [{i}, {j}], channel vector v = ({v}); "
                f"output column Y[:, {i}, {j}] = W v + b: {arithmetic}")

    def body(self, step: PixelStep, index: int, arithmetic: str) -> str:
        """The input with the pixel's column marked, `W v + b`, the output filled so far."""
        (i, j), (h, w) = step.out_pos, self.steps.input.shape[1:]
        marked = [["w" if (r, c) == (i, j) else "d" for c in range(w)] for r in range(h)]
        inputs = "".join(figure(grid.svg(marked), f"X[{ch}]")
                         for ch, grid in enumerate(self._inputs))
        # every output channel's cell of a pixel is written by that pixel's step
        outputs = "".join(figure(grid.filled(0, index), f"Y[{o}]")
                          for o, grid in enumerate(self._outputs))
        v = Grid([[fmt(x)] for x in step.v], cell=self.cell,
                 row_labels=list(range(len(step.v))))
        y = Grid([[fmt(x)] for x in step.value], cell=self.cell,
                 row_labels=list(range(len(step.value))))
        product = (f'{self._weight}{DOT}'
                   f'{figure(v.svg([["w"]] * len(step.v)), f"v = X[:, {i}, {j}]")}'
                   f'{PLUS}{self._bias}{EQUALS}'
                   f'{figure(y.svg([["o"]] * len(step.value)), f"Y[:, {i}, {j}]")}')
        return (f'<div class="cbk-row"><div {PAIRS}>{inputs}</div>{ARROW}'
                f'<div class="cbk-row">{product}</div>{ARROW}'
                f'<div {PAIRS}>{outputs}</div></div>'
                f'<div class="cbk-math">{arithmetic}</div>')


def _pairs_width(grids: list[Grid]) -> int:
    """Width in px of grids laid two abreast, 6 px apart."""
    return min(len(grids), 2) * grids[0].width + 6 * (len(grids) > 1)


def _column(grids: list[Grid]) -> int:
    """Height in px of grids laid two abreast with their captions, rows 6 px apart."""
    rows = (len(grids) + 1) // 2
    return rows * (grids[0].height + CAPTION) + (rows - 1) * 6
