"""Convolution as a matrix: `M @ X.flatten()` is the cross-correlation, flattened.

Row `i * m_w + j` of M is output cell `[i, j]`; column `ch * h * w + r * w + c`
is input cell `[ch, r, c]`. Each row holds the kernel's weights where the
window at that output position covers the input, and zeros elsewhere.
"""

from __future__ import annotations

import math

import torch
from IPython.display import HTML

from ._args import as_pair, as_tensor
from .frames import pictures
from .frames.kit import STYLE
from .ops import conv_output_shape, pad2d, windows

MAX_ENTRIES = 10**7  # entries of M built at most (80 MB of weight index, 40 MB of float32 M)
INDEX_BYTES = 8  # an entry of the weight index, an int64


def conv_matrix_index(input_size, kernel_size, *, padding=0, stride=1, dilation=1):
    """Which kernel weight sits at each entry of the convolution matrix, or -1 for none.

    `input_size` is `(h, w)` or `(c, h, w)`, `kernel_size` is `(k_h, k_w)` (one slice
    per channel). Entries are flat kernel indices `ch * k_h * k_w + a * k_w + b`.
    Padding cells hold zeros, so they get no column: M acts on the input itself.
    """
    c, (h, w) = _channels_and_size(input_size)
    k = as_pair(kernel_size, "kernel_size", minimum=1)
    settings = {"padding": padding, "stride": stride, "dilation": dilation}
    _refuse_huge(c, (h, w), k, settings, INDEX_BYTES, "int64")
    m_h, m_w = conv_output_shape((h, w), k, **settings)
    cells = torch.arange(c * h * w, dtype=torch.float64).reshape(c, h, w)
    covered = windows(pad2d(cells, padding, value=-1.0), k, as_pair(stride, "stride", minimum=1),
                      as_pair(dilation, "dilation", minimum=1)).long()  # (c, m_h, m_w, k_h, k_w)
    weight = torch.arange(c * k[0] * k[1]).reshape(c, 1, 1, *k).expand_as(covered)
    row = torch.arange(m_h * m_w).reshape(1, m_h, m_w, 1, 1).expand_as(covered)
    inside = covered >= 0
    index = torch.full((m_h * m_w, c * h * w), -1, dtype=torch.long)
    index[row[inside], covered[inside]] = weight[inside]
    return index


def conv_matrix(input_size, K, *, padding=0, stride=1, dilation=1) -> torch.Tensor:
    """The matrix M with `M @ X.flatten() == corr2d(X, K, ...).flatten()` for every X of
    `input_size` (`(h, w)`, or `(c_i, h, w)` with K `c_i x k_h x k_w` for corr2d_multi_in)."""
    K = _kernel_for(input_size, K)
    c, size = _channels_and_size(input_size)
    settings = {"padding": padding, "stride": stride, "dilation": dilation}
    _refuse_huge(c, size, K.shape[-2:], settings, K.element_size(), str(K.dtype)[6:],
                 index_bytes=INDEX_BYTES)
    index = conv_matrix_index(input_size, K.shape[-2:], **settings)
    weights = torch.cat([K.reshape(-1), K.new_zeros(1)])  # index -1 picks the appended zero
    return weights[index]


def show_conv_matrix(input_size, K, *, padding=0, stride=1, dilation=1, title: str = "") -> HTML:
    """A picture of `conv_matrix(input_size, K, ...)`: each kernel weight in its own colour,
    zeros blank, beside the kernel in the same colours."""
    K = _kernel_for(input_size, K).detach()
    K3 = K.reshape(-1, *K.shape[-2:])  # c x k_h x k_w, also for a 2-D kernel
    _, size = _channels_and_size(input_size)
    settings = {"padding": padding, "stride": stride, "dilation": dilation}
    index = conv_matrix_index(input_size, K.shape[-2:], **settings)
    frame = pictures.matrix_frame(
        index.tolist(), K.reshape(-1).tolist(), kernel_shape=tuple(K3.shape),
        input_shape=size, output_shape=conv_output_shape(size, K.shape[-2:], **settings),
        title=title,
    )
    return HTML(STYLE + frame)


def _entries(c: int, size, kernel_size, settings) -> int:
    m_h, m_w = conv_output_shape(size, kernel_size, **settings)
    return m_h * m_w * c * size[0] * size[1]


def _refuse_huge(c: int, size, kernel_size, settings, entry_bytes: int, dtype: str,
                 index_bytes: int = 0) -> None:
    """A ValueError, before anything is allocated, for a matrix of more than MAX_ENTRIES
    entries: what it would need (as `dtype`, and with the int64 weight index it is built
    from, if `index_bytes`), and the largest square input that fits."""
    entries = _entries(c, size, kernel_size, settings)
    if entries <= MAX_ENTRIES:
        return
    fits = _largest_square(c, min(max(size), math.isqrt(MAX_ENTRIES // c)), kernel_size,
                           settings)
    shown = f"({c}, {size[0]}, {size[1]})" if c > 1 else f"({size[0]}, {size[1]})"
    instead = f"an input of {fits} x {fits} fits" if fits else "no input fits this kernel"
    memory = f"about {_memory(entries * entry_bytes)} as {dtype}"
    if index_bytes:
        memory += (f" ({_memory(entries * (entry_bytes + index_bytes))} with the int64 "
                   "weight index it is built from)")
    raise ValueError(
        f"the convolution matrix for an input of size {shown} would have {entries:,} "
        f"entries, {memory}; it is built only up to "
        f"{MAX_ENTRIES:,} entries, and {instead} (M is mostly zeros: corr2d or F.conv2d "
        "computes the same without it)"
    )


def _largest_square(c: int, n: int, kernel_size, settings) -> int:
    """The largest n x n input, n at most `n`, whose matrix has at most MAX_ENTRIES entries
    (0 if none does)."""
    for side in range(n, 0, -1):
        try:
            if _entries(c, (side, side), kernel_size, settings) <= MAX_ENTRIES:
                return side
        except ValueError:  # the kernel no longer fits: smaller inputs will not either
            return 0
    return 0


def _memory(nbytes: int) -> str:
    for unit, size in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6)):
        if nbytes >= size:
            return f"{nbytes / size:,.1f} {unit}"
    return f"{nbytes:,} bytes"


def _kernel_for(input_size, K) -> torch.Tensor:
    """K as a tensor, checked against the input: 2-D for `(h, w)`, `c x k_h x k_w` for
    `(c, h, w)`."""
    K = as_tensor(K, "K", ndim=(2, 3), layout="k_h, k_w, or c_i, k_h, k_w")
    c, _ = _channels_and_size(input_size)
    channels = _has_channels(input_size)
    if K.dim() != (3 if channels else 2) or (channels and K.shape[0] != c):
        size = tuple(input_size) if isinstance(input_size, (tuple, list)) else input_size
        raise ValueError(
            f"K of shape {tuple(K.shape)} does not match an input of size {size}: "
            "give (h, w) with a 2-D kernel, or (c_i, h, w) with a c_i x k_h x k_w kernel"
        )
    return K


def _has_channels(input_size) -> bool:
    return isinstance(input_size, (tuple, list)) and len(input_size) == 3


def _channels_and_size(input_size):
    if _has_channels(input_size):
        c = as_pair(input_size[0], "channels", minimum=1)[0]
        return c, as_pair(tuple(input_size[1:]), "input_size", minimum=1)
    return 1, as_pair(input_size, "input_size", minimum=1)
