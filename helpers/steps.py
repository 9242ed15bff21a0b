"""The step model: one record per window position, in row-major output order.

`steps` knows nothing of drawing. A record says where the window is, which
(padded) input cells it covers, what it multiplies or compares, and the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ._args import Pair, as_pair, as_tensor
from .ops import Parts, correlate_parts, pool_parts

Matrix = tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Step:
    """One window position.

    `cells` are the covered cells in padded coordinates, cell n being the one
    that meets the kernel's weight n (row-major; see `conv2d_steps` for `flip`);
    `in_padding[n]` is True where cell n is padding. `inputs`,
    `weights` and `products` are indexed `[channel][n]`; `partial_sums[c]` is
    channel c's sum of products. Pooling steps have no weights or products: a
    pooling step pools one `channel`, `inputs[0]` holds its window's values,
    `counted[n]` says whether cell n takes part (the max is taken over it, the
    average's `divisor` counts it).
    """

    index: int
    out_pos: Pair
    value: float
    cells: tuple[Pair, ...]
    in_padding: tuple[bool, ...]
    inputs: Matrix
    weights: Matrix | None = None
    products: Matrix | None = None
    partial_sums: tuple[float, ...] | None = None
    bias: float = 0.0
    channel: int = 0
    counted: tuple[bool, ...] | None = None
    divisor: int | None = None


@dataclass(frozen=True, eq=False)
class StepSequence(Sequence):
    """All steps of one operation, with what every frame of it shares.

    `op` is "corr2d", "convolution" (the kernel flipped), "max pool" or "avg pool".
    `padded` is the input with its padding, `c x H x W`; `pad_mask` (`H x W`) is
    True on padding; `kernel` is `c x k_h x k_w` as it lies over the window (so
    turned 180 degrees when `flip`; None for pooling); `output` is `m_h x m_w`
    (`c x m_h x m_w` when pooling a `c x h x w` input). In ceil mode `padded` also holds the
    `beyond` rows and columns past the padding that windows reach (filled like
    padding, never counted), and `dropped` gives the start (padded coordinates)
    of the window ceil mode drops along rows and along columns, or None.
    """

    op: str
    input_shape: tuple[int, ...]
    padded: torch.Tensor
    pad_mask: torch.Tensor
    kernel: torch.Tensor | None
    window: Pair
    padding: Pair
    stride: Pair
    dilation: Pair
    bias: float
    output: torch.Tensor
    records: tuple[Step, ...]
    flip: bool = False
    ceil_mode: bool = False
    count_include_pad: bool = True
    beyond: Pair = (0, 0)
    dropped: tuple[int | None, int | None] = (None, None)

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index):
        return self.records[index]

    def __repr__(self) -> str:
        shape = "x".join(map(str, self.input_shape))
        what = "kernel" if self.kernel is not None else "window"
        options = ", ceil_mode" if self.ceil_mode else ""
        if self.op == "avg pool" and not self.count_include_pad:
            options += ", count_include_pad=False"
        return (
            f"StepSequence({self.op}, input {shape}, {what} {self.window[0]}x{self.window[1]}, "
            f"padding {self.padding}, stride {self.stride}{options}, {len(self)} steps)"
        )


def conv2d_steps(X, K, *, padding=0, stride=1, dilation=1, bias=0.0, flip=False) -> StepSequence:
    """Steps of `corr2d` (X `h x w`, K `k_h x k_w`) or of `corr2d_multi_in`
    (X `c_i x h x w`, K `c_i x k_h x k_w`), plus a scalar `bias`.

    With `flip=True`, the steps of a true convolution: the kernel turned 180 degrees
    slides over the input. Each record then lists the weights in K's own order and
    the window's cells from its last to its first, the pairs the convolution multiplies.
    """
    X = as_tensor(X, "X", ndim=(2, 3), layout="height, width or channels, height, width")
    K = as_tensor(K, "K", ndim=X.dim(), layout="k_h, k_w, with one slice per channel of X")
    bias = _as_bias(bias)
    if not isinstance(flip, bool):
        raise ValueError(f"flip must be True or False, got {flip!r}")
    X3, K3 = (X[None], K[None]) if X.dim() == 2 else (X, K)
    K3 = K3.detach()
    laid = K3.flip(-2, -1) if flip else K3  # the kernel as it lies over the window
    with torch.no_grad():
        parts = correlate_parts(X3, laid, padding=padding, stride=stride, dilation=dilation)
        output = parts.partial.sum(0) + bias
    if flip:  # read each window backwards, so that cell n meets K's weight n
        parts = parts._replace(windows=parts.windows.flip(-2, -1),
                               products=parts.products.flip(-2, -1))
    c = K3.shape[0]
    weights = tuple(tuple(row) for row in K3.reshape(c, -1).tolist())
    sums = parts.partial.permute(1, 2, 0).tolist()
    products = _per_position(parts.products)
    return _sequence(
        "convolution" if flip else "corr2d", X, parts, output, padding, stride, dilation, bias,
        laid,
        lambda i, j: {
            "weights": weights,
            "products": products[i][j],
            "partial_sums": tuple(sums[i][j]),
            "bias": bias,
        },
        flip=flip,
    )


def pool2d_steps(X, pool_size, *, mode="max", padding=0, stride=1, ceil_mode=False,
                 count_include_pad=True) -> StepSequence:
    """Steps of `pool2d` on an `h x w` or `c x h x w` input, channel after channel.

    Max pooling's padding holds -inf; average pooling's holds zeros, and each
    record's `divisor` is what PyTorch divides that window's sum by.
    """
    X = as_tensor(X, "X", ndim=(2, 3), layout="height, width or channels, height, width")
    X3 = X if X.dim() == 3 else X[None]
    with torch.no_grad():
        parts = pool_parts(X3, pool_size, mode, padding=padding, stride=stride,
                           ceil_mode=ceil_mode, count_include_pad=count_include_pad)
    p, s = as_pair(padding, "padding", minimum=0), as_pair(stride, "stride", minimum=1)
    k = tuple(parts.windows.shape[-2:])
    c, m_h, m_w = parts.partial.shape
    room = tuple(X.shape[-2 + a] + 2 * p[a] for a in (0, 1))  # the padded input
    dropped = tuple(_dropped_start(room[a], k[a], s[a], (m_h, m_w)[a]) if ceil_mode else None
                    for a in (0, 1))
    last = ((m_h - 1) * s[0], (m_w - 1) * s[1])  # where the last windows start
    # the grid reaches the end of the last window, or of the dropped one
    beyond = tuple(max(last[a], dropped[a] or 0) + k[a] - room[a] for a in (0, 1))
    extra = (beyond[0] - parts.beyond[0], beyond[1] - parts.beyond[1])
    fill = float("-inf") if mode == "max" else 0.0
    padded = F.pad(parts.padded, (0, extra[1], 0, extra[0]), value=fill)
    pad_mask = _pad_mask(padded.shape[-2:], X.shape[-2:], p)
    is_pad = pad_mask.tolist()
    inputs = _per_position(parts.windows)
    values = parts.partial.tolist()
    divisors = parts.divisor.tolist() if parts.divisor is not None else None
    records = []
    for ch in range(c):
        for i in range(m_h):
            for j in range(m_w):
                cells = tuple((i * s[0] + a, j * s[1] + b)
                              for a in range(k[0]) for b in range(k[1]))
                past = [r >= room[0] or col >= room[1] for r, col in cells]
                pad = tuple(is_pad[r][col] for r, col in cells)
                keep = not count_include_pad and mode == "avg"
                counted = tuple(not (out or (keep and q)) for out, q in zip(past, pad, strict=True))
                records.append(Step(
                    index=len(records), out_pos=(i, j), value=values[ch][i][j], cells=cells,
                    in_padding=pad, inputs=(inputs[i][j][ch],), channel=ch, counted=counted,
                    divisor=None if divisors is None else divisors[i][j],
                ))
    output = parts.partial if X.dim() == 3 else parts.partial[0]
    return StepSequence(
        f"{mode} pool", tuple(X.shape), padded, pad_mask, None, k, p, s, (1, 1), 0.0,
        output, tuple(records), ceil_mode=ceil_mode, count_include_pad=count_include_pad,
        beyond=beyond, dropped=dropped,
    )


def _dropped_start(room: int, k: int, s: int, m: int) -> int | None:
    """Where the window after the last one would start, if ceil mode dropped it."""
    naive = -(-(room - k) // s) + 1  # the ceiling formula, before PyTorch's correction
    return (naive - 1) * s if naive > m else None


def _pad_mask(padded_shape, input_shape, p: Pair) -> torch.Tensor:
    """True on every cell of the padded grid that is not an input cell."""
    mask = torch.ones(tuple(padded_shape), dtype=torch.bool)
    mask[p[0] : p[0] + input_shape[0], p[1] : p[1] + input_shape[1]] = False
    return mask


def _as_bias(bias) -> float:
    if isinstance(bias, torch.Tensor) and bias.numel() == 1:
        bias = bias.item()
    if isinstance(bias, bool) or not isinstance(bias, (int, float)):
        raise ValueError(f"bias must be a single number, got {bias!r}")
    return float(bias)


def _per_position(t: torch.Tensor) -> list:
    """`(c, m_h, m_w, k_h, k_w)` -> nested lists `[i][j]` of `[channel][cell]` tuples."""
    c, m_h, m_w = t.shape[:3]
    rows = t.detach().reshape(c, m_h, m_w, -1).permute(1, 2, 0, 3).tolist()
    return [[tuple(map(tuple, chans)) for chans in row] for row in rows]


def _sequence(op, X, parts: Parts, output, padding, stride, dilation, bias, kernel, extra,
              flip=False):
    p = as_pair(padding, "padding", minimum=0)
    s = as_pair(stride, "stride", minimum=1)
    d = as_pair(dilation, "dilation", minimum=1)
    h, w = X.shape[-2:]
    k_h, k_w = parts.windows.shape[-2:]
    m_h, m_w = output.shape
    inputs = _per_position(parts.windows)
    values = output.tolist()
    pad_mask = _pad_mask(parts.padded.shape[-2:], (h, w), p)
    is_pad = pad_mask.tolist()
    records = []
    for i in range(m_h):
        for j in range(m_w):
            cells = tuple(
                (i * s[0] + a * d[0], j * s[1] + b * d[1]) for a in range(k_h) for b in range(k_w)
            )[:: -1 if flip else 1]
            records.append(Step(
                index=i * m_w + j,
                out_pos=(i, j),
                value=values[i][j],
                cells=cells,
                in_padding=tuple(is_pad[r][c] for r, c in cells),
                inputs=inputs[i][j],
                **extra(i, j),
            ))
    return StepSequence(
        op, tuple(X.shape), parts.padded.detach(), pad_mask, kernel, (k_h, k_w),
        p, s, d, bias, output.detach(), tuple(records), flip,
    )
