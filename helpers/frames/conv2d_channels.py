"""Frames of a convolution with several output channels: 3-D in, 3-D out.

A frame shows the input channels side by side with the window on each, the kernel as
one row of `c_i` slices per output channel (the row at work marked in that channel's
colour, the others plain), each row ending in the output map it fills, and the
arithmetic as one line per input channel, then their total and the bias. Built on
the one-output frames (grids, captions, window, fit rule), so it reads, scales and
follows the JupyterLab theme like every other frame. Nothing here knows of ipywidgets.
"""

from __future__ import annotations

import html

from ..steps.window2d import Step, StepSequence
from .conv2d import Conv2dRenderer
from .kit import (
    CAPTION,
    CELL,
    HEAD,
    MATH,
    MATH_LINE,
    NOTE_LINE,
    NOTE_PX,
    OKABE_ITO,
    OP,
    SUM_PX,
    Grid,
    check_size,
    factor,
    figure,
    fit_style,
    lines,
    numbers,
    plain,
    row_width,
    smallest,
    style,
    text_width,
)

# Okabe-Ito colours, one per output channel (cycled): the row of a kernel and its output map
# share one, and a label says which channel it is, for readers who cannot tell colours apart.
CHANNEL_COLOURS = tuple(OKABE_ITO.values())
ROW_GAP = 6  # px between the rows of output channels
# The input channels stand side by side, or wrap into a column when that layout fits the
# window better (css/conv2d_channels.css; the fit takes the better of the two).
STYLE = style("conv2d_channels")


class ChannelsRenderer(Conv2dRenderer):
    """Draws the frames of a StepSequence whose kernel is `c_o x c_i x k_h x k_w`."""

    BIAS_ALWAYS = True  # a layer's bias, one per output channel, 0 or not

    def __init__(self, steps: StepSequence, *, cell: int = CELL, title: str = ""):
        c_o, c_i, k_h, k_w = steps.kernel.shape
        drawn = steps.padded.numel() + c_o * (c_i * k_h * k_w + steps.output[0].numel())
        check_size(drawn, f"too much to animate: the input, a {c_o} x {c_i} x {k_h} x {k_w} "
                   f"kernel and {c_o} output maps make {drawn} cells",
                   "animate a crop such as X[:, :6, :6] or fewer channels such as K[:3]")
        # monospace labels padded to one width, so that every row's grids line up
        bias = [f"+ {factor(b)} =" for b in steps.bias]
        name, width = len(f"\u25b6 K[{c_o - 1}]"), max(map(len, bias))
        self._labels = [(f'<div class="cbk-sum" style="min-width:{name}ch">',
                         f'<div class="cbk-sum" style="min-width:{width}ch">{b}</div>')
                        for b in bias]
        self._label_chars = name + width + len(f"Y[{c_o - 1}]")
        super().__init__(steps, cell=cell, title=title)

    def _kernel_svgs(self, cell: int) -> list:
        """Per output channel, its slices drawn twice: marked (at work) and plain."""
        k_h, k_w = self.steps.window
        self._slice_width, self._slice_height = k_w * cell + 4, k_h * cell + 4
        looks = {look: [[look] * k_w for _ in range(k_h)] for look in ("k", "ko")}
        filters = [[Grid(numbers(s), cell=cell) for s in filt] for filt in self.steps.kernel]
        self._slice_grids = [grid for grids in filters for grid in grids]
        return [{look: "".join(grid.svg(classes) for grid in grids)
                 for look, classes in looks.items()} for grids in filters]

    def fit_css(self) -> str:
        """The input channels side by side, or in a column when that fits better."""
        c_i = self.steps.kernel.shape[1]
        one, out = self._inputs[0], self._outputs[0]
        shape = self._captions["input"].removeprefix("input ")
        caption = text_width(f"X: {c_i} channels, {shape}")
        beside = (one.height + 2 * CAPTION, max(row_width(*[one.width] * c_i), caption))
        column = (c_i * (one.height + CAPTION) + 6 * (c_i - 1) + CAPTION, max(one.width, caption))
        # a row of a kernel: its name, its slices 4 px apart, the bias, the output map, Y[o],
        # with the row's padding and borders
        row = (text_width("x" * self._label_chars, SUM_PX, mono=True) + 4 * 8 + 24
               + c_i * (self._slice_width + 4) + out.width)
        rows = (len(self._outputs) * (max(out.height, self._slice_height) + 10 + ROW_GAP)
                + CAPTION, row)  # its caption wraps under the rows
        math = MATH + MATH_LINE * (c_i + 1)
        self._sizes = [(HEAD + max(h, rows[0]) + math, row_width(w, OP, rows[1]))
                       for h, w in (beside, column)]
        hidden = sum(NOTE_LINE * lines(plain(part), self._sizes[0][1], NOTE_PX)
                     for part in self._notes_under)
        grids = [*self._inputs, *self._outputs, *self._slice_grids]
        return fit_style(*self._sizes[0], hidden=hidden, text=smallest(grids),
                         other=self._sizes[1])

    def body(self, step: Step, index: int, arithmetic: str) -> str:
        looks = self.window_looks(step)
        inputs = [grid.svg(looks, overlay=self._hatch) for grid in self._inputs]
        outputs = self.output_svgs(index)
        caps, now = self._captions, step.out_channel
        c_o, c_i, k_h, k_w = self.steps.kernel.shape
        symbol = "\u2217" if self.steps.flip else "\u22c6"
        channels = "".join(figure(svg, f"X[{c}]") for c, svg in enumerate(inputs))
        shape = caps["input"].removeprefix("input ")
        rows = []
        for o, (slices, out, (name_div, bias_div)) in enumerate(
                zip(self._kernels, outputs, self._labels, strict=True)):
            colour = CHANNEL_COLOURS[o % len(CHANNEL_COLOURS)]
            style = f"--cbk-oc:{colour};--cbk-oc-bg:{colour}29"  # 29: 16 % opaque
            if o == now:
                head, look = 'class="cbk-oc now" aria-current="step"', "k"
                name = f"\u25b6 K[{o}]"
            else:
                head, look, name = 'class="cbk-oc"', "ko", f"K[{o}]"
            rows.append(f'<div {head} data-channel="{o}" style="{style}">'
                        f'{name_div}{name}</div><div class="cbk-slices">{slices[look]}</div>'
                        f'{bias_div}{out}'
                        f'<div class="cbk-sum">Y[{o}]</div></div>')
        options = caps["kernel"].removeprefix(f"kernel {k_h}\u00d7{k_w}")
        kernel = (f"K {c_o}\u00d7{c_i}\u00d7{k_h}\u00d7{k_w}{options}: a filter of {c_i} "
                  f"slice{'s' * (c_i > 1)} per output channel, {caps['output']}")
        return (f'{STYLE}<div class="cbk-ch"><div class="cbk-row"><figure>'
                f'<div class="cbk-chin">{channels}</div>'
                f"<figcaption>X: {c_i} channel{'s' * (c_i > 1)}, {shape}</figcaption></figure>"
                f'<div class="cbk-op">{symbol}</div><figure><div class="cbk-col">'
                f'{"".join(rows)}</div><figcaption>{html.escape(kernel)}</figcaption></figure>'
                f'</div>{self._shape}<div class="cbk-math">{arithmetic}'
                "</div></div>")

    def describe(self, step: Step, arithmetic: str) -> str:
        """Window, output cell, arithmetic, and which filter and bias made it."""
        o, c_i = step.out_channel, self.steps.kernel.shape[1]
        return (f"{super().describe(step, arithmetic)}. Output channel {o} is made by filter "
                f"K[{o}] "
                f"({c_i} slice{'s' * (c_i > 1)}, one per input channel) and bias "
                f"{factor(step.bias)}.")

