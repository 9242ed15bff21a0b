"""The records of a window sliding over a 2-D input: convolution and pooling alike.

Like every module of `steps`, this one knows nothing of drawing. A record says where
the window is, which (padded) input cells it covers, what it multiplies or compares,
and the result; a sequence holds every record with what all frames of it share.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import torch

from .._args import Pair, Sides
from .records import StepRecords

Matrix = tuple[tuple[float, ...], ...]
# what a 2-D sequence computes: a cross-correlation, a true convolution (the kernel turned
# 180 degrees), or pooling
Op = Literal["corr2d", "convolution", "max pool", "avg pool"]


@dataclass(frozen=True)
class Step:
    """One window position. Pooling steps have no weights or products."""

    index: int
    out_pos: Pair  # the output cell written, (row, column)
    value: float  # what is written there
    # the covered cells in padded coordinates; cell n meets the kernel's weight n (row-major;
    # with `flip`, see `conv2d_steps`)
    cells: tuple[Pair, ...]
    in_padding: tuple[bool, ...]  # True where cell n is padding
    inputs: Matrix  # [input channel][n]: the cells' values (pooling: one channel)
    weights: Matrix | None = None  # [input channel][n]
    products: Matrix | None = None  # [input channel][n]: inputs times weights
    partial_sums: tuple[float, ...] | None = None  # per input channel: its sum of products
    bias: float = 0.0  # the bias of `out_channel`
    channel: int = 0  # pooling: the channel pooled
    out_channel: int = 0  # the output channel written
    counted: tuple[bool, ...] | None = None  # pooling: whether cell n takes part
    divisor: int | None = None  # average pooling: what the sum is divided by


@dataclass(frozen=True, eq=False)
class StepSequence(StepRecords):
    """All steps of one operation, with what every frame of it shares."""

    op: Op
    input_shape: tuple[int, ...]  # as given: h x w or c x h x w
    # the input with its padding, c x H x W; in ceil mode also the `beyond` rows and
    # columns past the padding that windows reach (filled like padding, never counted)
    padded: torch.Tensor
    pad_mask: torch.Tensor  # H x W, True on padding
    # c x k_h x k_w, or c_o x c_i x k_h x k_w with several output channels, as it lies over
    # the window (turned 180 degrees when `flip`); None for pooling
    kernel: torch.Tensor | None
    window: Pair  # k_h, k_w
    padding: Sides  # per side, filled as `padding_mode` says
    stride: Pair
    dilation: Pair
    bias: float | tuple[float, ...]  # one number, or one per output channel (4-D kernel)
    # m_h x m_w; c x m_h x m_w when pooling a c x h x w input or with a 4-D kernel
    output: torch.Tensor
    records: tuple[Step, ...]
    flip: bool = False
    ceil_mode: bool = False
    count_include_pad: bool = True
    beyond: Pair = (0, 0)  # rows, columns past the padding (ceil mode)
    # where the window that ceil mode drops starts (padded coordinates), along rows and
    # along columns, or None
    dropped: tuple[int | None, int | None] = (None, None)
    padding_mode: str = "zeros"
    # one line of PyTorch, in the names torch, F, X and K (as given), computing `output`
    code: str = ""
    uncovered: tuple[Pair, ...] = ()  # cells of the padded input no window covers, row-major

    def __repr__(self) -> str:
        shape = "x".join(map(str, self.input_shape))
        what = "kernel" if self.kernel is not None else "window"
        if self.kernel is not None and len(self.input_shape) == 3:  # K's shape, as given
            what += " " + "x".join(map(str, self.kernel.shape[:-2])) + "x"
        else:
            what += " "
        padding = self.padding.symmetric() or tuple(self.padding)
        mode = f" {self.padding_mode}" if self.padding_mode != "zeros" else ""
        options = f", dilation {self.dilation}" if self.dilation != (1, 1) else ""
        options += ", ceil_mode" if self.ceil_mode else ""
        if self.op == "avg pool" and not self.count_include_pad:
            options += ", count_include_pad=False"
        return (
            f"StepSequence({self.op}, input {shape}, {what}{self.window[0]}x"
            f"{self.window[1]}, padding {padding}{mode}, stride {self.stride}{options}, "
            f"{len(self)} steps)"
        )


@dataclass(frozen=True, eq=False, repr=False)
class PoolSequence(StepSequence):
    """All steps of max or average pooling (`op` "max pool" or "avg pool"), channel by
    channel. It is a StepSequence whose kernel is None, bias 0 and dilation 1 (the
    fields pooling has no use for), and it reads `StepSequence(max pool, ...)`, as it
    did before pooling had a type of its own."""

    @property
    def mode(self) -> str:
        """"max" or "avg", as `pool2d` takes it."""
        return self.op.split()[0]


def per_position(t: torch.Tensor) -> list:
    """`(c, m_h, m_w, k_h, k_w)` -> nested lists `[i][j]` of `[channel][cell]` tuples."""
    c, m_h, m_w = t.shape[:3]
    rows = t.detach().reshape(c, m_h, m_w, -1).permute(1, 2, 0, 3).tolist()
    return [[tuple(map(tuple, chans)) for chans in row] for row in rows]
