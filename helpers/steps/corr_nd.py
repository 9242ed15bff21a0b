"""The step model of `corr1d` and `corr3d`: one record per window position.

The window slides along every axis of the input: along a signal's length, or
through a volume's depth, rows and columns (output order: depth, then rows,
then columns). Like every module of `steps`, this one knows nothing of drawing.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import torch

from .._args import Pair, as_tensor
from ..ops import correlate_nd_parts
from .code import argument_name, corr_nd_code, int_or_tuple, nd_padding
from .records import StepRecords, pad_mask, uncovered

Index = tuple[int, ...]


@dataclass(frozen=True)
class NdStep:
    """One window position: `out_pos` is `(i,)` or `(d, i, j)`; `cells` are the covered
    cells in padded coordinates, cell n meeting the kernel's weight n (row-major);
    `in_padding[n]` is True where cell n is padding; `products[n]` is
    `inputs[n] * weights[n]` and `value` their sum."""

    index: int
    out_pos: Index
    value: float
    cells: tuple[Index, ...]
    in_padding: tuple[bool, ...]
    inputs: tuple[float, ...]
    weights: tuple[float, ...]
    products: tuple[float, ...]


@dataclass(frozen=True, eq=False)
class NdSequence(StepRecords):
    """All steps of `corr1d` or `corr3d` (`op`), with what every frame of it shares.

    `padded` is the input with its zero padding and `pad_mask` is True on the
    padding; `padding` is (before, after) per axis; `output` is what the operation
    returns. `code` is one line of PyTorch, in the names `torch`, `F` and the
    arguments' own names (`x`, `k` for corr1d; `X`, `K` for corr3d), that computes
    `output`. `uncovered` lists the cells of the padded input no window covers.
    """

    op: str
    input_shape: Index
    padded: torch.Tensor
    pad_mask: torch.Tensor
    kernel: torch.Tensor
    padding: tuple[Pair, ...]
    stride: Index
    dilation: Index
    output: torch.Tensor
    records: tuple[NdStep, ...]
    code: str = ""
    uncovered: tuple[Index, ...] = ()

    @property
    def window(self) -> Index:
        return tuple(self.kernel.shape)

    def __repr__(self) -> str:
        def size(shape):
            return "x".join(map(str, shape))

        options = "".join(f", {name} {int_or_tuple(value)}" for name, value, default in (
            ("padding", nd_padding(self.padding), 0), ("stride", self.stride, 1),
            ("dilation", self.dilation, 1)) if set(value) != {default})
        return (f"NdSequence({self.op}, input {size(self.input_shape)}, kernel "
                f"{size(self.window)}{options}, {len(self)} steps)")


def corr1d_steps(x, k, *, padding=0, stride=1, dilation=1) -> NdSequence:
    """Steps of `corr1d`: a kernel `k` sliding along a signal `x`."""
    return _steps(1, x, k, padding=padding, stride=stride, dilation=dilation)


def corr3d_steps(X, K, *, padding=0, stride=1, dilation=1) -> NdSequence:
    """Steps of `corr3d`: a kernel `K` (`k_d x k_h x k_w`) moving through a volume `X`
    (`d x h x w`) along its depth, rows and columns."""
    return _steps(3, X, K, padding=padding, stride=stride, dilation=dilation)


def _steps(axes: int, x, k, *, padding, stride, dilation) -> NdSequence:
    names = ("x", "k") if axes == 1 else ("X", "K")
    with torch.no_grad():
        parts = correlate_nd_parts(x, k, axes=axes, padding=padding, stride=stride,
                                   dilation=dilation)
    padded, output = parts.padded[0], parts.partial[0]
    window = tuple(parts.windows.shape[-axes:])
    kernel = as_tensor(k, names[1], ndim=axes, layout="").to(padded.dtype).detach()
    s, d, pads = parts.stride, parts.dilation, parts.pads
    size = tuple(padded.shape)
    input_shape = tuple(n - b - a for (b, a), n in zip(pads, size, strict=True))
    mask = pad_mask(size, [b for b, _ in pads], input_shape)
    is_pad = mask.tolist()
    inputs = parts.windows[0].reshape(-1, kernel.numel()).tolist()
    products = parts.products[0].reshape(-1, kernel.numel()).tolist()
    values = output.flatten().tolist()
    weights = tuple(kernel.flatten().tolist())
    offsets = list(itertools.product(*map(range, window)))
    records = []
    for n, pos in enumerate(itertools.product(*map(range, output.shape))):
        cells = tuple(tuple(p * s[a] + o[a] * d[a] for a, p in enumerate(pos)) for o in offsets)
        records.append(NdStep(
            index=n, out_pos=pos, value=values[n], cells=cells,
            in_padding=tuple(_at(is_pad, c) for c in cells), inputs=tuple(inputs[n]),
            weights=weights, products=tuple(products[n]),
        ))
    code = corr_nd_code(axes, argument_name(names[0], x), argument_name(names[1], k), padding,
                        pads, s, d)
    return NdSequence(
        f"corr{axes}d", input_shape, padded.detach(), mask, kernel, pads, s, d,
        output.detach(), tuple(records), code=code, uncovered=uncovered(records, size),
    )


def _at(nested, cell: Index):
    """`nested[c_0][c_1]...`: one entry of a nested list."""
    for c in cell:
        nested = nested[c]
    return nested
