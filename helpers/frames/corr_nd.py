"""Frames of `corr1d` and `corr3d`: a signal with its kernel sliding along it, and a volume
drawn as its depth slices with the window moving through rows, columns and depth.

Built from the kit's grids, styles and fit rule, so these frames read, scale and
follow the JupyterLab theme like every other frame of the book. Nothing here knows of
ipywidgets.
"""

from __future__ import annotations

from ..steps.corr_nd import NdSequence, NdStep
from .base import FrameRenderer
from .kit import (
    CAPTION,
    CELL,
    HEAD,
    MATH,
    MATH_LINE,
    MAX_COLUMNS,
    NOTE_LINE,
    NOTE_PX,
    OP,
    SUM_PX,
    Grid,
    axis_labels,
    check_size,
    factor,
    figure,
    figure_width,
    fit_style,
    fmt,
    lines,
    numbers,
    plain,
    row_width,
    smallest,
    span,
    style,
    term,
    text_width,
    times,
)
from .notes import count_words, size_formula

AXIS_NAMES = {1: ("length",), 3: ("depth", "rows", "columns")}
AXIS_WORDS = {1: ("positions",), 3: ("slices", "rows", "columns")}  # for the text alternative
# Cells of the kernel and product rows where the kernel has no tap are not drawn.
STYLE = style("corr_nd")
LABELS = 48  # px for the row names of the 1-D strip (x, k, x·k)


class CorrNdRenderer(FrameRenderer):
    """What the 1-D and 3-D frames share: checks, the output-size formula, the arithmetic,
    the text alternative. A subclass draws the grids of a step (`grids`)."""

    classes = "cbk cbk-nd"
    before_head = STYLE
    groups = 1  # arithmetic lines before the total (one per kernel slice in 3-D)

    def __init__(self, steps: NdSequence, *, cell: int = CELL, title: str = ""):
        super().__init__(steps, cell=cell, title=title)
        shape = " x ".join(map(str, steps.padded.shape))
        check_size(steps.padded.numel(),
                   f"the input is too large to animate: {shape} cells with padding",
                   "animate a smaller input")
        names = AXIS_NAMES[steps.padded.dim()]
        self._formula = size_formula(steps, names, steps.padding)
        self._base = steps.pad_mask.tolist()  # nested lists, True on padding
        self._before = tuple(b for b, _ in steps.padding)

    def arithmetic(self, step: NdStep) -> str:
        return _math(step, self.groups)

    def body(self, step: NdStep, index: int, arithmetic: str) -> str:
        return (f"{self.grids(step, index)}{self._formula}{self._note}"
                f'<div class="cbk-math">{arithmetic}</div>')

    def describe(self, step: NdStep, arithmetic: str) -> str:
        """Window, output cell, arithmetic."""
        spans = ", ".join(
            f"{name} {span(sorted({c[a] - self._before[a] for c in step.cells}))}"
            for a, name in enumerate(AXIS_WORDS[len(step.out_pos)]))
        return (f"the window covers input {spans}; output [{', '.join(map(str, step.out_pos))}]"
                f": {arithmetic}")

    def fit_css(self) -> str:
        height, width = self._size
        math = MATH + MATH_LINE * (self.groups + (self.groups > 1))
        hidden = sum(NOTE_LINE * lines(plain(part), width, NOTE_PX)
                     for part in (self._formula, self._note) if part)
        return fit_style(HEAD + height + math, width, hidden=hidden, text=smallest(self._numbers))

    def _set_size_and_note(self, height: int, width: int, numbers_: list[Grid],
                           uncovered: str) -> None:
        self._size = height, width  # of the grids and their captions, at full size
        self._numbers = numbers_  # the grids with numbers
        self._note = (f'<div class="cbk-note cbk-unread">Never read by any window (hatched): '
                      f"{uncovered}.</div>" if self.steps.uncovered else "")


class Corr1dRenderer(CorrNdRenderer):
    """A signal as a row of cells, the kernel under the window with the products below it,
    and the output filling up."""

    def __init__(self, steps: NdSequence, *, cell: int = CELL, title: str = ""):
        super().__init__(steps, cell=cell, title=title)
        (length,), (before, _) = steps.padded.shape, steps.padding[0]
        if length > MAX_COLUMNS:
            fits = MAX_COLUMNS - sum(steps.padding[0])
            raise ValueError(f"the signal is too long to animate: {length} cells with padding "
                             f"(at most {MAX_COLUMNS}); animate a slice such as x[:{fits}]")
        n = steps.input_shape[0]
        self._cols = axis_labels(length, before, n)
        self._x = [fmt(v) for v in steps.padded.tolist()]
        self._x_looks = ["p" if pad else "d" for pad in self._base]
        strip = self._strip([""] * length, [""] * length)
        m = steps.output.shape[0]
        self._output = Grid([[fmt(v) for v in steps.output.tolist()]], cell=cell,
                             row_labels=["y"], col_labels=list(range(m)), label_width=LABELS)
        self._hatch = strip.hatch((0, c) for (c,) in steps.uncovered)
        k, d, s = steps.window[0], steps.dilation[0], steps.stride[0]
        pad = f", padding {before}" if before else ""
        if steps.padding[0][1] != before:
            pad = f", padding {before} before and {steps.padding[0][1]} after"
        self._captions = (
            f"x: length {n}{pad}; k: {k} weights{f', dilation {d}' if d > 1 else ''}, under "
            "the window; x\u00b7k: their products",
            f"y: length {m}{f', stride {s}' if s > 1 else ''}")
        self._set_size_and_note(
            strip.height + self._output.height + 2 * CAPTION + 6,
            max(figure_width(strip, self._captions[0]),
                figure_width(self._output, self._captions[1])),
            [strip, self._output],
            count_words("position", "cell", [c for (c,) in steps.uncovered], before, n))

    def _strip(self, kernel: list[str], products: list[str]) -> Grid:
        return Grid([self._x, kernel, products], cell=self.cell,
                     row_labels=["x", "k", "x\u00b7k"], col_labels=self._cols, label_width=LABELS)

    def grids(self, step: NdStep, index: int) -> str:
        length = len(self._x)
        xs, ks, ps = self._x_looks[:], ["n"] * length, ["n"] * length
        kernel, products = [""] * length, [""] * length
        for (c,), w, p, pad in zip(step.cells, step.weights, step.products, step.in_padding,
                                   strict=True):
            xs[c], ks[c], ps[c] = ("wp" if pad else "w"), "k", ("p" if pad else "d")
            kernel[c], products[c] = fmt(w), fmt(p)
        strip = self._strip(kernel, products).svg([xs, ks, ps], overlay=self._hatch)
        out = self._output.filled(0, index)
        return (f'<div class="cbk-col">{figure(strip, self._captions[0])}'
                f"{figure(out, self._captions[1])}</div>")


class Corr3dRenderer(CorrNdRenderer):
    """A volume as its depth slices side by side with the window on the slices it covers,
    the kernel's slices, and the output volume's slices filling up."""

    def __init__(self, steps: NdSequence, *, cell: int = CELL, title: str = ""):
        super().__init__(steps, cell=cell, title=title)
        depth, height, width = steps.padded.shape
        k_d, k_h, k_w = steps.window
        m_d, m_h, m_w = steps.output.shape
        if max(depth * width, k_d * k_w + m_d * m_w) > MAX_COLUMNS:
            raise ValueError(
                f"the volume is too wide to draw: {depth} slices of {width} columns with "
                f"padding, and {m_d} output slices of {m_w} (at most {MAX_COLUMNS} columns a "
                "row); animate a smaller volume")
        self.groups = k_d
        (front, _), (top, _), (left, _) = steps.padding
        n_d, n_h, n_w = steps.input_shape
        rows, cols = axis_labels(height, top, n_h), axis_labels(width, left, n_w)
        self._slices = [Grid(numbers(plane), cell=cell,
                              row_labels=rows if z == 0 else None, col_labels=cols)
                        for z, plane in enumerate(steps.padded)]
        self._looks = [[["p" if pad else "d" for pad in row] for row in plane]
                       for plane in self._base]
        self._names = [f"X[{z - front}]" if 0 <= z - front < n_d else "pad"
                       for z in range(depth)]
        kernels = [Grid(numbers(plane), cell=cell) for plane in steps.kernel]
        self._kernel = "".join(figure(grid.svg([["k"] * k_w for _ in range(k_h)]), f"K[{a}]")
                               for a, grid in enumerate(kernels))
        self._outputs = [Grid(numbers(plane), cell=cell,
                               row_labels=list(range(m_h)) if o == 0 else None,
                               col_labels=list(range(m_w)))
                         for o, plane in enumerate(steps.output)]
        self._hatches = [grid.hatch((r, c) for q, r, c in steps.uncovered if q == z)
                         for z, grid in enumerate(self._slices)]
        pad = _padding_words(steps.padding)
        self._groups = (_group("X", steps.input_shape, pad), _group("K", steps.window),
                        _group("Y", steps.output.shape, _stride_words(steps.stride)))
        kernel_height = (k_h * cell + 4) + CAPTION
        low = max(kernel_height, self._outputs[0].height + CAPTION)
        count = len(steps.uncovered)
        x, k, y = (text_width(max(plain(g.replace("<br>", "</div><div>")).split("; "), key=len),
                              SUM_PX, mono=True) for g in self._groups)
        top = row_width(x, *(figure_width(g, "x[0] \u00b7 K[0]") for g in self._slices))
        bottom = row_width(k, *(g.width for g in kernels), OP, y,
                           *(g.width for g in self._outputs))
        self._set_size_and_note(self._slices[0].height + CAPTION + 6 + low, max(top, bottom),
                                [*self._slices, *kernels, *self._outputs],
                                f"{count} cell{'s' * (count > 1)} of the padded volume")

    def grids(self, step: NdStep, index: int) -> str:
        covered: dict[int, list] = {}
        for (z, r, c), pad in zip(step.cells, step.in_padding, strict=True):
            covered.setdefault(z, []).append((r, c, pad))
        k_d = self.steps.window[0]
        first = step.cells[0][0]
        slices = []
        for z, grid in enumerate(self._slices):
            looks, name = self._looks[z], self._names[z]
            if z in covered:
                looks = [row[:] for row in looks]
                for r, c, pad in covered[z]:
                    looks[r][c] = "wp" if pad else "w"
                name += f" \u00b7 K[{(z - first) // self.steps.dilation[0]}]" if k_d > 1 else ""
            slices.append(figure(grid.svg(looks, overlay=self._hatches[z]), name))
        m_d, m_h, m_w = self.steps.output.shape
        outputs = [figure(grid.filled(o * m_h * m_w, index), f"Y[{o}]")
                   for o, grid in enumerate(self._outputs)]
        x, k, y = self._groups
        return (f'<div class="cbk-col"><div class="cbk-row">{x}{"".join(slices)}</div>'
                f'<div class="cbk-row">{k}{self._kernel}<div class="cbk-op">\u2192</div>'
                f'{y}{"".join(outputs)}</div></div>')


def corr_nd_renderer(steps: NdSequence, *, cell: int = CELL, title: str = "") -> CorrNdRenderer:
    """The renderer of a 1-D or a 3-D step sequence."""
    draw = Corr1dRenderer if steps.padded.dim() == 1 else Corr3dRenderer
    return draw(steps, cell=cell, title=title)


def _math(step: NdStep, groups: int) -> str:
    """The products and their sum; with several kernel slices, one line per slice (named as
    the slice's caption, K[0], K[1], ...) and then the total of the slices' sums."""
    size, lines, sums = len(step.products) // groups, [], []
    for g in range(groups):
        part = slice(g * size, (g + 1) * size)
        terms = " + ".join(term(f"{factor(x)}\u00d7{factor(w)}", pad) for x, w, pad in
                           zip(step.inputs[part], step.weights[part], step.in_padding[part],
                               strict=True))
        sums.append(sum(step.products[part]))
        lines.append(f"K[{g}]: {terms} = {fmt(sums[-1])}" if groups > 1
                     else f"{terms} = <b>{fmt(step.value)}</b>")
    if groups > 1:
        lines.append(" + ".join(fmt(s) for s in sums) + f" = <b>{fmt(step.value)}</b>")
    return "".join(f"<div>{line}</div>" for line in lines)


def _group(name: str, shape, extra: str = "") -> str:
    """The name and shape of a group of slices, at the start of its row."""
    size = "\u00d7".join(map(str, shape))
    return f'<div class="cbk-sum">{name}<br>{size}{f"<br>{extra}" if extra else ""}</div>'


def _padding_words(pads) -> str:
    if not any(b or a for b, a in pads):
        return ""
    if all(b == a for b, a in pads):
        values = {b for b, _ in pads}
        return f"padding {values.pop() if len(values) == 1 else tuple(b for b, _ in pads)}"
    return "padding " + ", ".join(f"{b}+{a}" for b, a in pads)


def _stride_words(stride) -> str:
    return "" if set(stride) == {1} else f"stride {times(stride)}"
