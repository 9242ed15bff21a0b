"""Frames of a 1x1 convolution: one pixel's channel column, `W v + b`, the output's column.

Built from the same grids, styles and fit rule as `render.FrameRenderer`, so a
per-pixel frame reads, scales and follows the JupyterLab theme like every other
frame of the book. Nothing here knows of ipywidgets.
"""

from __future__ import annotations

import html
import re

from .render import CAPTION, CELL, FIT_RESERVE, MAX_CELLS, _factor, _figure, _fit_style, _Grid, fmt
from .steps import PixelSequence, PixelStep

DOT, PLUS, EQUALS, ARROW = (f'<div class="cbk-op">{op}</div>' for op in "\u00b7+=\u2192")
MATH_LINE = 30  # px an arithmetic line takes: one per output channel
# channels two abreast, so that a stack of 3 or 4 channels is not taller than W v + b
PAIRS = 'style="display:grid;grid-template-columns:repeat(2,auto);gap:6px;align-items:start"'


class PixelFrameRenderer:
    """Draws the frames of one PixelSequence; the parts shared by all frames are built once.

    A frame shows the `c_i x h x w` input with the pixel's column marked in every
    channel, the product `W v + b` with its numbers, and the `c_o x h x w` output
    filled column by column up to this pixel.
    """

    def __init__(self, steps: PixelSequence, *, cell: int = CELL, title: str = ""):
        self.steps, self.title, self._cell = steps, title, cell
        c_i, h, w = steps.input.shape
        c_o = steps.output.shape[0]
        drawn = (c_i + c_o) * h * w + c_o * c_i
        if drawn > MAX_CELLS:
            raise ValueError(
                f"the input is too large to animate: {c_i} x {h} x {w} in, {c_o} x {h} x {w} "
                f"out and a {c_o} x {c_i} W make {drawn} cells (at most {MAX_CELLS} are "
                "drawn); animate a crop such as X[:, :4, :4]"
            )
        rows, cols = list(range(h)), list(range(w))
        self._inputs = [_Grid([[fmt(v) for v in row] for row in plane], cell=cell,
                              row_labels=rows, col_labels=cols)
                        for plane in steps.input.tolist()]
        self._outputs = [_Grid([[fmt(v) for v in row] for row in plane], cell=cell,
                               row_labels=rows, col_labels=cols)
                         for plane in steps.output.tolist()]
        weight = _Grid([[fmt(v) for v in row] for row in steps.weight.tolist()], cell=cell,
                       row_labels=list(range(c_o)), col_labels=list(range(c_i)))
        self._weight = _figure(weight.svg([["k"] * c_i for _ in range(c_o)]),
                               f"W {c_o}\u00d7{c_i}")
        bias = _Grid([[fmt(v)] for v in steps.bias.tolist()], cell=cell)
        self._bias = _figure(bias.svg([["k"] for _ in range(c_o)]), "b")
        height = max(_column(self._inputs), _column(self._outputs), weight.height + CAPTION)
        # the grids shrink so that they, the player's controls and every line of the
        # arithmetic fit the window's height (as in render._fit_style, with one line per
        # output channel), down to 14 px cells, the least a lecture room can read
        reserve = FIT_RESERVE + MATH_LINE * (c_o - 1)
        self._fit = _fit_style(height, reserve)

    def __len__(self) -> int:
        return len(self.steps)

    def __call__(self, index: int) -> str:
        """The frame of step `index` as an HTML string."""
        step = self.steps[index]
        (i, j), (h, w) = step.out_pos, self.steps.input.shape[1:]
        marked = [["w" if (r, c) == (i, j) else "d" for c in range(w)] for r in range(h)]
        inputs = "".join(_figure(grid.svg(marked), f"X[{ch}]")
                         for ch, grid in enumerate(self._inputs))

        def look(r, c):
            done = r * w + c
            return "o" if done == index else ("d" if done < index else "e")

        looks = [[look(r, c) for c in range(w)] for r in range(h)]
        outputs = "".join(_figure(grid.svg(looks, lambda r, c: r * w + c <= index), f"Y[{o}]")
                          for o, grid in enumerate(self._outputs))
        v = _Grid([[fmt(x)] for x in step.v], cell=self._cell,
                  row_labels=list(range(len(step.v))))
        y = _Grid([[fmt(x)] for x in step.value], cell=self._cell,
                  row_labels=list(range(len(step.value))))
        product = (f'{self._weight}{DOT}'
                   f'{_figure(v.svg([["w"]] * len(step.v)), f"v = X[:, {i}, {j}]")}'
                   f'{PLUS}{self._bias}{EQUALS}'
                   f'{_figure(y.svg([["o"]] * len(step.value)), f"Y[:, {i}, {j}]")}')
        head = (f"{html.escape(self.title or '1x1 convolution')} \u00b7 step {index + 1} of "
                f"{len(self.steps)} \u00b7 pixel [{i}, {j}]")
        math_html = _pixel_math(step)
        value = "[" + ", ".join(map(repr, step.value)) + "]"
        label = html.escape(self._label(step, math_html), quote=True)
        return (f'<div class="cbk" data-step="{index}" data-value="{value}" data-out="{i},{j}" '
                f'role="img" aria-label="{label}" style="{self._fit}">'
                f'<div class="cbk-head">{head}</div>'
                f'<div class="cbk-row"><div {PAIRS}>{inputs}</div>{ARROW}'
                f'<div class="cbk-row">{product}</div>{ARROW}'
                f'<div {PAIRS}>{outputs}</div></div>'
                f'<div class="cbk-math">{math_html}</div></div>')

    def _label(self, step: PixelStep, math_html: str) -> str:
        """The frame in words, for a screen reader: pixel, channel vector, arithmetic."""
        i, j = step.out_pos
        v = ", ".join(fmt(x) for x in step.v)
        lines = re.sub(r"<[^>]+>", "", math_html.replace("</div><div>", "; "))
        return (f"{self.title or '1x1 convolution'}, step {step.index + 1} of "
                f"{len(self.steps)}: pixel [{i}, {j}], channel vector v = ({v}); "
                f"output column Y[:, {i}, {j}] = W v + b: {lines}")

    def frames(self) -> list[str]:
        return [self(i) for i in range(len(self.steps))]


def _column(grids: list[_Grid]) -> int:
    """Height in px of grids laid two abreast with their captions, rows 6 px apart."""
    rows = (len(grids) + 1) // 2
    return rows * (grids[0].height + CAPTION) + (rows - 1) * 6


def _pixel_math(step: PixelStep) -> str:
    """One line per output channel: `W[o, 0]×v[0] + ... + b[o] (bias) = y[o]`."""
    lines = []
    for o, (row, b, y) in enumerate(zip(step.weights, step.bias, step.value, strict=True)):
        terms = " + ".join(f"{_factor(wt)}\u00d7{_factor(x)}" for wt, x in zip(row, step.v,
                                                                              strict=True))
        lines.append(f"output channel {o}: {terms} + {_factor(b)} (bias) = <b>{fmt(y)}</b>")
    return "".join(f"<div>{line}</div>" for line in lines)
