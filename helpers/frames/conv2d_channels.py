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
    FIT_RESERVE,
    MIN_CELL,
    OKABE_ITO,
    Grid,
    check_size,
    factor,
    figure,
    numbers,
    style,
)

# Okabe-Ito colours, one per output channel (cycled): the row of a kernel and its output map
# share one, and a label says which channel it is, for readers who cannot tell colours apart.
CHANNEL_COLOURS = tuple(OKABE_ITO.values())
ROW_GAP = 6  # px between the rows of output channels
LABEL_CHAR_PX = 10.2  # the width of a character of the labels (17 px monospace)
CHROME = 260  # px of a JupyterLab window's width beside an output (file browser closed)
# A window narrower than 1000 px but at least 700 px tall (not a zoomed lecture screen)
# stacks the input channels in a column (css/conv2d_channels.css); each layout scales its
# grids by its own fit.
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
        return [{look: "".join(grid.svg(classes) for grid in grids)
                 for look, classes in looks.items()}
                for grids in ([Grid(numbers(s), cell=cell) for s in filt]
                              for filt in self.steps.kernel)]

    def fit_css(self) -> str:
        """Two fits, one per layout: input channels side by side, or in a column."""
        c_i = self.steps.kernel.shape[1]
        # px beside the grids that do not scale: JupyterLab's chrome, then about 100 for the
        # operator sign, the gaps and the rows' borders, the labels' characters, and 14
        # between two input channels
        text = round(CHROME + 100 + LABEL_CHAR_PX * self._label_chars + 14 * (c_i - 1))
        one, out = self._inputs[0], self._outputs[0]
        rows = len(self._outputs) * (max(out.height, self._slice_height) + ROW_GAP) + CAPTION
        filters = c_i * (self._slice_width + 4) + out.width
        wide = _fit(max(one.height + 2 * CAPTION, rows), c_i * one.width + filters, text)
        narrow = _fit(max(c_i * (one.height + CAPTION) + CAPTION, rows), one.width + filters,
                      text)
        return f"--cbk-fit-wide:{wide};--cbk-fit-narrow:{narrow}"

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


def _fit(height: int, width: int, text: int) -> str:
    """The scale of the grids (px per px, at most 1) at which grids `height` px tall and
    `width` px wide at full size fit the window's height and, with `text` px that do not
    scale beside them, its width; never below cells of MIN_CELL px."""
    return (f"clamp({MIN_CELL / CELL:.3f}px, min((100vh - {FIT_RESERVE}px) / {height}, "
            f"(100vw - {text}px) / {width}), 1px)")
