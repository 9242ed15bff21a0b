"""What pooling does beyond its output: how it answers a shifted input, where its gradient goes.

Plain data for the chapter's shift and gradient views (the drawing is in `frames.pictures`).
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F

from ._args import Pair, as_int, as_pair, as_tensor
from .ops import POOL_MODES, pool2d


def shift2d(X, rows: int = 0, cols: int = 0) -> torch.Tensor:
    """`X` (`h x w`) moved `rows` down and `cols` right (negative: up, left).

    What moves off the edge is lost and the cells left behind hold zeros: the
    picture moves, not the camera's frame (torch.roll would wrap it around).
    """
    X = as_tensor(X, "X", ndim=2, layout="height, width")
    h, w = X.shape
    rows, cols = as_int(rows, "rows"), as_int(cols, "cols")
    out = torch.zeros_like(X)
    if abs(rows) < h and abs(cols) < w:
        out[max(rows, 0) : h + min(rows, 0), max(cols, 0) : w + min(cols, 0)] = \
            X[max(-rows, 0) : h - max(rows, 0), max(-cols, 0) : w - max(cols, 0)]
    return out


class Shifted(NamedTuple):
    """An input and its shifted copy, each pooled, and which pooled outputs differ."""

    image: torch.Tensor
    shifted: torch.Tensor
    pooled: torch.Tensor
    pooled_shifted: torch.Tensor
    changed: torch.Tensor  # bool, like `pooled`


def pool_shift(X, pool_size, shift: Pair, *, mode: str = "max", stride=None) -> Shifted:
    """Pool `X` and `X` shifted by `shift` (rows down, columns right) and compare.

    `stride` defaults to the window, as in nn.MaxPool2d.
    """
    X = as_tensor(X, "X", ndim=2, layout="height, width")
    rows, cols = shift
    shifted = shift2d(X, rows, cols)
    stride = pool_size if stride is None else stride
    before = pool2d(X, pool_size, mode, stride=stride)
    after = pool2d(shifted, pool_size, mode, stride=stride)
    return Shifted(X, shifted, before, after, before != after)


class Routed(NamedTuple):
    """The gradient one pooled output (or all of them, summed) sends back to the input."""

    output: torch.Tensor
    grad: torch.Tensor  # like the input
    indices: torch.Tensor | None  # max pooling: the flat input index that won each window


def pool_gradient(X, pool_size, *, mode: str = "max", stride=None, padding=0,
                  out_pos: Pair | None = None) -> Routed:
    """Backpropagate 1 from output `out_pos` (None: from every output) through PyTorch's pooling.

    Max pooling sends it to the cell that won the window (`return_indices` names
    it); average pooling spreads it over the window, 1/divisor to each cell.
    """
    X = as_tensor(X, "X", ndim=2, layout="height, width").detach().clone().requires_grad_()
    if mode not in POOL_MODES:
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    stride = pool_size if stride is None else stride
    pool2d(X.detach(), pool_size, mode, stride=stride, padding=padding)  # the book's checks
    k, s, p = (as_pair(v, name, minimum=m) for v, name, m in
               ((pool_size, "pool_size", 1), (stride, "stride", 1), (padding, "padding", 0)))
    indices = None
    if mode == "max":
        output, indices = F.max_pool2d(X[None], k, s, p, return_indices=True)
        output, indices = output[0], indices[0]
    else:
        output = F.avg_pool2d(X[None], k, s, p)[0]
    if out_pos is None:
        output.sum().backward()
    else:
        i, j = as_pair(out_pos, "out_pos", minimum=0)
        if i >= output.shape[0] or j >= output.shape[1]:
            raise ValueError(f"out_pos {(i, j)} is outside the output, of size "
                             f"{tuple(output.shape)}")
        output[i, j].backward()
    return Routed(output.detach(), X.grad, indices)
