"""Frames of a 2-D convolution with one output channel: each input channel with the
window on it beside its kernel slice, the output filling up, and the arithmetic."""

from __future__ import annotations

from ..steps.window2d import Step, StepSequence
from .kit import (
    CAPTION,
    CELL,
    OP,
    SUM_PX,
    Grid,
    factor,
    figure,
    figure_width,
    fmt,
    numbers,
    row_width,
    term,
    text_width,
    times,
)
from .window2d import Window2dRenderer


class Conv2dRenderer(Window2dRenderer):
    """Draws the frames of a convolution's StepSequence."""

    CHANNEL = "input channel"  # what the labels and the arithmetic call one
    BIAS_ALWAYS = False  # whether the arithmetic writes a bias of 0 too

    def __init__(self, steps: StepSequence, *, cell: int = CELL, title: str = ""):
        super().__init__(steps, cell=cell, title=title)
        k_h, k_w = steps.window
        dilation = f", dilation {times(steps.dilation)}" if steps.dilation != (1, 1) else ""
        self._captions["kernel"] = f"kernel {k_h}\u00d7{k_w}{dilation}" + (
            ", turned 180\u00b0" if steps.flip else "")
        self._kernels = self._kernel_svgs(cell)

    @property
    def name(self) -> str:
        """The operation, as the book calls it, when the player has no title."""
        return "convolution" if self.steps.flip else "cross-correlation"

    def _kernel_svgs(self, cell: int) -> list:
        """The kernel's grids: one per input channel."""
        k_h, k_w = self.steps.window
        self._kernel_grids = [Grid(numbers(k), cell=cell) for k in self.steps.kernel]
        return [grid.svg([["k"] * k_w for _ in range(k_h)]) for grid in self._kernel_grids]

    def _grids(self) -> list[Grid]:
        return self._kernel_grids

    def _channel_row(self, ch: int) -> tuple[int, int]:
        """An input channel, its kernel slice and (with several) their sum."""
        grid, kernel, caps = self._inputs[ch], self._kernel_grids[ch], self._captions
        label = f"channel {ch}: " if len(self._inputs) > 1 else ""
        parts = [figure_width(grid, label + caps["input"]), OP,
                 figure_width(kernel, caps["kernel"])]
        if len(self._inputs) > 1:
            longest = max((fmt(v) for step in self.steps for v in step.partial_sums), key=len)
            parts.append(text_width(f"= {longest}", SUM_PX, mono=True))
        return max(grid.height, kernel.height) + CAPTION, row_width(*parts)

    def _beside(self, height: int, width: int) -> tuple[int, int]:
        """The output beside the channel rows, after an equals sign."""
        out = self._outputs[0]
        return (max(height, out.height + CAPTION),
                row_width(width, OP, figure_width(out, self._captions["output"])))

    def _math_lines(self) -> int:
        many, bias = len(self._inputs) > 1, any(step.bias for step in self.steps)
        return len(self._inputs) + (many or bias)

    def arithmetic(self, step: Step) -> str:
        return conv_math(step, self.CHANNEL, bias_always=self.BIAS_ALWAYS)

    def body(self, step: Step, index: int, arithmetic: str) -> str:
        looks = self.window_looks(step)
        inputs = [grid.svg(looks, overlay=self._hatch) for grid in self._inputs]
        caps = self._captions
        out_fig = figure(self.output_svgs(index)[0], caps["output"])
        many = len(inputs) > 1
        symbol = "\u2217" if self.steps.flip else "\u22c6"  # convolution or cross-correlation
        rows = []
        for ch, (svg, kernel) in enumerate(zip(inputs, self._kernels, strict=True)):
            # several input channels: channel c meets the kernel's slice c
            x_cap, k_cap = ((f"{self.CHANNEL} {ch}: " + caps["input"].removeprefix("input "),
                             f"slice {ch}: " + caps["kernel"].removeprefix("kernel "))
                            if many else (caps["input"], caps["kernel"]))
            row = (f'<div class="cbk-row">{figure(svg, x_cap)}'
                   f'<div class="cbk-op">{symbol}</div>{figure(kernel, k_cap)}')
            if many:
                row += f'<div class="cbk-sum">= {fmt(step.partial_sums[ch])}</div>'
            rows.append(row + "</div>")
        return (f'<div class="cbk-row"><div class="cbk-chans">{"".join(rows)}</div>'
                f'<div class="cbk-op">=</div>{out_fig}</div>'
                f'{self._shape}<div class="cbk-math">{arithmetic}</div>')


def conv_math(step: Step, channel: str = "input channel", *, bias_always: bool = False) -> str:
    """The step's products and sums, one line per input channel (each named `channel` and
    its number when there are several), then the total with the bias (when it is not 0,
    or always with `bias_always`)."""
    lines = []
    many = len(step.products) > 1
    for ch, (xs, ws) in enumerate(zip(step.inputs, step.weights, strict=True)):
        terms = " + ".join(term(f"{factor(x)}\u00d7{factor(w)}", pad)
                           for x, w, pad in zip(xs, ws, step.in_padding, strict=True))
        prefix = f"{channel} {ch}: " if many else ""
        total = step.partial_sums[ch] if many else step.value - step.bias
        lines.append(f"{prefix}{terms} = {fmt(total)}")
    if many:
        lines.append(" + ".join(fmt(s) for s in step.partial_sums)
                     + (f" + {factor(step.bias)} (bias)" if step.bias or bias_always else "")
                     + f" = <b>{fmt(step.value)}</b>")
    elif step.bias or bias_always:
        lines.append(f"{fmt(step.value - step.bias)} + {factor(step.bias)} (bias) "
                     f"= <b>{fmt(step.value)}</b>")
    else:
        lines[-1] = lines[-1].rsplit(" = ", 1)[0] + f" = <b>{fmt(step.value)}</b>"
    return "".join(f"<div>{line}</div>" for line in lines)
