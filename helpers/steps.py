"""The step model: one record per window position, in row-major output order.

`steps` knows nothing of drawing. A record says where the window is, which
(padded) input cells it covers, what it multiplies or compares, and the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

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
    channel c's sum of products. Pooling steps have no weights or products.
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


@dataclass(frozen=True, eq=False)
class StepSequence(Sequence):
    """All steps of one operation, with what every frame of it shares.

    `op` is "corr2d", "convolution" (the kernel flipped), "max pool" or "avg pool".
    `padded` is the input with its padding, `c x H x W`; `pad_mask` (`H x W`) is
    True on padding; `kernel` is `c x k_h x k_w` as it lies over the window (so
    turned 180 degrees when `flip`; None for pooling); `output` is `m_h x m_w`.
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

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index):
        return self.records[index]

    def __repr__(self) -> str:
        shape = "x".join(map(str, self.input_shape))
        what = "kernel" if self.kernel is not None else "window"
        return (
            f"StepSequence({self.op}, input {shape}, {what} {self.window[0]}x{self.window[1]}, "
            f"padding {self.padding}, stride {self.stride}, {len(self)} steps)"
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


def pool2d_steps(X, pool_size, *, mode="max", padding=0, stride=1) -> StepSequence:
    """Steps of `pool2d` on an `h x w` input: each record holds the window's values.

    Max pooling's padding holds -inf, average pooling's holds zeros (counted).
    """
    X = as_tensor(X, "X", ndim=2, layout="height, width; pool each channel on its own")
    with torch.no_grad():
        parts = pool_parts(X[None], pool_size, mode, padding=padding, stride=stride)
    return _sequence(
        f"{mode} pool", X, parts, parts.partial[0], padding, stride, 1, 0.0, None,
        lambda i, j: {},
    )


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
    pad_mask = torch.ones(parts.padded.shape[-2:], dtype=torch.bool)
    pad_mask[p[0] : p[0] + h, p[1] : p[1] + w] = False
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
