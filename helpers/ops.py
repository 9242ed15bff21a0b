"""The operations the book teaches, written with tensor indexing (no torch.nn).

Each one validates its arguments and raises ValueError naming the problem.
The tests check every function here against torch.nn.functional.
"""

from __future__ import annotations

from typing import NamedTuple

import torch
import torch.nn.functional as F
from torch import nn

from ._args import (
    Pair,
    Sides,
    as_pads,
    as_pair,
    as_sides,
    as_tensor,
    as_tuple,
    common_dtype,
)

POOL_MODES = ("max", "avg")
PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


def conv_output_shape(input_size, kernel_size, *, padding=0, stride=1, dilation=1) -> Pair:
    """Output (height, width) of a window sliding over an input.

    Per axis: floor((n + p_before + p_after - d(k - 1) - 1) / s) + 1, which is
    floor((n + 2p - d(k - 1) - 1) / s) + 1 with the same padding p on each side.
    `padding` takes every form `corr2d` does (int, pair, 4-tuple, 'valid', 'same').
    """
    n = as_pair(input_size, "input_size", minimum=1)
    k = as_pair(kernel_size, "kernel_size", minimum=1)
    s = as_pair(stride, "stride", minimum=1)
    d = as_pair(dilation, "dilation", minimum=1)
    sides = as_sides(padding, kernel=k, dilation=d, stride=s)
    _check_fit(n, k, sides, d, "kernel")
    room = (n[0] + sides.top + sides.bottom, n[1] + sides.left + sides.right)
    return tuple((room[a] - d[a] * (k[a] - 1) - 1) // s[a] + 1 for a in (0, 1))


def _check_fit(n: Pair, k: Pair, sides: Sides, d: Pair, what: str) -> None:
    """Raise if a 2-D window (`what`: "kernel" or "pool window") has no position on the input."""
    check_fit(n, k, (sides.rows, sides.cols), d, what)


_AXIS_WORDS = {1: ("values",), 2: ("rows", "columns"), 3: ("slices", "rows", "columns")}


def check_fit(n: tuple[int, ...], k: tuple[int, ...], pads: tuple[Pair, ...],
              d: tuple[int, ...], what: str) -> None:
    """Raise if the window (`what`: "kernel" or "pool window") of size `k`, dilation `d`,
    has no position on an input of size `n` padded by `pads` ((before, after) per axis).

    The message speaks of padding only when there is some on the axis that is too small.
    """
    size = " x ".join(map(str, k)) if len(k) > 1 else f"{k[0]}-wide"
    for axis, name in enumerate(_AXIS_WORDS[len(k)]):
        (before, after), span = pads[axis], d[axis] * (k[axis] - 1) + 1
        room = n[axis] + before + after
        if span > room:
            window = f"a {size} {what}"
            if d[axis] > 1:
                window += f" with dilation {d[axis]} spans {span} {name}, so it"
            has = f"this input has {n[axis]}"
            if before or after:
                added = (f"padding {before} on each side" if before == after
                         else f"padding {before} before and {after} after")
                has += f" ({room} with {added})"
            raise ValueError(f"{window} needs at least {span} {name}; {has}")


def pad2d(X: torch.Tensor, padding, value: float = 0.0) -> torch.Tensor:
    """Add `padding` (per side, int or (rows, cols)) cells of `value` around the last two axes."""
    ph, pw = as_pair(padding, "padding", minimum=0)
    return F.pad(X, (pw, pw, ph, ph), value=value)


def pad_sides(X: torch.Tensor, sides: Sides, mode: str = "zeros") -> torch.Tensor:
    """Pad the last two axes of `X` (`c x h x w`) as `nn.Conv2d(padding_mode=mode)` does.

    Refuses what F.pad refuses: reflect padding must be smaller than the input
    along its axis, circular padding at most as large (it may wrap around once);
    replicate padding may be any size.
    """
    if mode not in PADDING_MODES:
        raise ValueError(f"padding_mode must be one of {', '.join(map(repr, PADDING_MODES))}; "
                         f"got {mode!r}")
    if mode == "zeros" or not any(sides):
        return F.pad(X, tuple(sides))
    h, w = X.shape[-2:]
    for name, size, pads in (("rows", h, sides.rows), ("columns", w, sides.cols)):
        limit, rule = (size - 1, "smaller than") if mode == "reflect" else (size, "at most")
        if max(pads) > limit and mode != "replicate":  # replicate repeats the edge any number
            why = ("reflection never repeats the edge cell" if mode == "reflect"
                   else "it may wrap around the input only once")
            raise ValueError(
                f"{mode} padding {max(pads)} is too large for an input of {size} {name}: "
                f"it must be {rule} the input ({why}; F.pad refuses it too)"
            )
    return F.pad(X, tuple(sides), mode=mode)


def windows(Xp: torch.Tensor, window, stride, dilation) -> torch.Tensor:
    """All window positions of a (padded) input as `(..., m_1, .., m_N, k_1, .., k_N)`, the
    window sliding along the last N = len(window) axes (e.g. `(..., H, W)` for N = 2).

    A view, not a copy: element `[..., i, j, a, b]` is `Xp[..., i*s_h + a*d_h, j*s_w + b*d_w]`.
    """
    axes = len(window)
    spans = Xp
    for k, s, d in zip(window, stride, dilation, strict=True):
        spans = spans.unfold(-axes, d * (k - 1) + 1, s)
    return spans[(...,) + tuple(slice(None, None, d) for d in dilation)]


class Parts(NamedTuple):
    """What a sliding-window operation computes on the way to its output."""

    padded: torch.Tensor  # (c, H, W): the input with its padding
    windows: torch.Tensor  # (c, m_h, m_w, k_h, k_w): the cells under each window
    products: torch.Tensor | None  # like windows: window x kernel (None for pooling)
    partial: torch.Tensor  # (c, m_h, m_w): per-channel sum of products, or pooled value
    divisor: torch.Tensor | None = None  # (m_h, m_w): what each average was divided by
    beyond: Pair = (0, 0)  # rows, columns past the padding that ceil-mode windows reach
    pads: tuple[Pair, ...] = ()  # (before, after) cells of padding per sliding axis
    stride: tuple[int, ...] = ()  # per sliding axis
    dilation: tuple[int, ...] = ()  # per sliding axis


def correlate_parts(X, K, *, padding=0, stride=1, dilation=1, padding_mode="zeros") -> Parts:
    """The pieces of a multi-input cross-correlation, for `ops` and `steps` alike.

    X is `c_i x h x w`, K is `c_i x k_h x k_w`. The output is `partial.sum(0)`.
    """
    X = as_tensor(X, "X", ndim=3, layout="channels, height, width")
    K = as_tensor(K, "K", ndim=3, layout="channels, k_h, k_w")
    if X.shape[0] != K.shape[0]:
        raise ValueError(
            f"K has {K.shape[0]} input channel(s) but X has {X.shape[0]}: "
            "the kernel needs one k_h x k_w slice per input channel"
        )
    X, K = common_dtype(X, K)
    return _correlate(X, K, padding, stride, dilation,
                      lambda x, pads: pad_sides(x, Sides(*pads[1], *pads[0]), padding_mode))


def _correlate(X, K, padding, stride, dilation, pad) -> Parts:
    """Cross-correlate `X` (`c x n_1 x .. x n_N`) with `K` (`c x k_1 x .. x k_N`) channel by
    channel; `pad(X, pads)` adds the padding, (before, after) per axis."""
    axes = K.dim() - 1
    s = as_tuple(stride, "stride", minimum=1, axes=axes)
    d = as_tuple(dilation, "dilation", minimum=1, axes=axes)
    k = tuple(K.shape[1:])
    pads = as_pads(padding, kernel=k, dilation=d, stride=s)
    check_fit(tuple(X.shape[1:]), k, pads, d, "kernel")
    padded = pad(X, pads)
    win = windows(padded, k, s, d)
    products = win * K.reshape(K.shape[:1] + (1,) * axes + k)
    return Parts(padded, win, products, products.sum(tuple(range(-axes, 0))), pads=pads,
                 stride=s, dilation=d)


def correlate_nd_parts(X, K, *, axes: int, padding=0, stride=1, dilation=1) -> Parts:
    """The pieces of a one-channel cross-correlation along `axes` axes (1 or 3), zero-padded.

    X and K have `axes` dimensions; the fields of Parts gain a leading axis of size 1.
    """
    layout = {1: ("length", "k"), 3: ("depth, height, width", "k_d, k_h, k_w")}[axes]
    name = {1: ("x", "k"), 3: ("X", "K")}[axes]
    X = as_tensor(X, name[0], ndim=axes, layout=layout[0])
    K = as_tensor(K, name[1], ndim=axes, layout=layout[1])
    X, K = common_dtype(X, K)
    return _correlate(X[None], K[None], padding, stride, dilation,
                      lambda x, pads: F.pad(x, sum(reversed(pads), ())))


def corr1d(x, k, *, padding=0, stride=1, dilation=1) -> torch.Tensor:
    """1-D cross-correlation of a signal `x` (length n) with a kernel `k`, as F.conv1d.

    `padding` is added on each side: an int, a 1-tuple, a (left, right) pair as F.pad
    takes it, 'valid' or 'same'; `stride` and `dilation` are ints or 1-tuples.
    """
    return correlate_nd_parts(x, k, axes=1, padding=padding, stride=stride,
                              dilation=dilation).partial[0]


def corr3d(X, K, *, padding=0, stride=1, dilation=1) -> torch.Tensor:
    """3-D cross-correlation of a volume `X` (`d x h x w`) with a kernel `K`, as F.conv3d.

    `padding` is added on each side: an int, a (depth, rows, cols) triple, a
    (left, right, top, bottom, front, back) 6-tuple as F.pad takes it, 'valid' or
    'same'; `stride` and `dilation` are ints or (depth, rows, cols) triples.
    """
    return correlate_nd_parts(X, K, axes=3, padding=padding, stride=stride,
                              dilation=dilation).partial[0]


def corr2d(X, K, *, padding=0, stride=1, dilation=1, padding_mode="zeros") -> torch.Tensor:
    """2-D cross-correlation of an `h x w` input with a `k_h x k_w` kernel.

    `padding` is added on each side (as nn.Conv2d takes it): an int, a (rows, cols)
    pair, a (left, right, top, bottom) 4-tuple as F.pad takes it, 'valid' or 'same'.
    `padding_mode` is "zeros", "reflect", "replicate" or "circular", as in nn.Conv2d.
    `stride` and `dilation` are ints or (rows, cols) pairs. With the defaults this is
    d2l's corr2d.
    """
    X = as_tensor(X, "X", ndim=2, layout="height, width; use corr2d_multi_in for channels")
    K = as_tensor(K, "K", ndim=2, layout="k_h, k_w")
    return corr2d_multi_in(X[None], K[None], padding=padding, stride=stride, dilation=dilation,
                           padding_mode=padding_mode)


def corr2d_multi_in(X, K, *, padding=0, stride=1, dilation=1,
                    padding_mode="zeros") -> torch.Tensor:
    """Cross-correlate each of the `c_i` input channels with its kernel slice and sum."""
    parts = correlate_parts(X, K, padding=padding, stride=stride, dilation=dilation,
                            padding_mode=padding_mode)
    return parts.partial.sum(0)


def corr2d_multi_in_out(X, K, *, padding=0, stride=1, dilation=1,
                        padding_mode="zeros") -> torch.Tensor:
    """One `corr2d_multi_in` per output channel: K is `c_o x c_i x k_h x k_w`."""
    K = as_tensor(K, "K", ndim=4, layout="c_o, c_i, k_h, k_w")
    return torch.stack([
        corr2d_multi_in(X, k, padding=padding, stride=stride, dilation=dilation,
                        padding_mode=padding_mode)
        for k in K
    ])


def corr2d_multi_in_out_1x1(X, K) -> torch.Tensor:
    """A 1x1 convolution as one matrix product: `(c_o x c_i) @ (c_i x h*w)`."""
    X = as_tensor(X, "X", ndim=3, layout="c_i, height, width")
    K = as_tensor(K, "K", ndim=4, layout="c_o, c_i, 1, 1")
    if K.shape[2:] != (1, 1):
        raise ValueError(f"K must be c_o x c_i x 1 x 1, got shape {tuple(K.shape)}")
    c_i, h, w = X.shape
    if K.shape[1] != c_i:
        raise ValueError(f"K has {K.shape[1]} input channel(s) but X has {c_i}")
    X, K = common_dtype(X, K)
    Y = K.reshape(K.shape[0], c_i) @ X.reshape(c_i, h * w)
    return Y.reshape(K.shape[0], h, w)


def pool_output_shape(input_size, pool_size, *, padding=0, stride=1, ceil_mode=False) -> Pair:
    """Output (height, width) of pooling, as PyTorch computes it.

    Per axis: floor((n + 2p - k) / s) + 1, or with `ceil_mode` the ceiling, less one
    when the last window would start in the right padding (PyTorch drops that window).
    """
    n = as_pair(input_size, "input_size", minimum=1)
    k = as_pair(pool_size, "pool_size", minimum=1)
    p = as_pair(padding, "padding", minimum=0)
    s = as_pair(stride, "stride", minimum=1)
    _as_flag(ceil_mode, "ceil_mode")
    for axis in (0, 1):
        if 2 * p[axis] > k[axis]:
            raise ValueError(
                f"padding {p[axis]} is more than half the pool size {k[axis]}, which "
                "PyTorch refuses: pad should be at most half of effective kernel size"
            )
    shape = tuple(_pool_size_1d(n[a], k[a], p[a], s[a], ceil_mode) for a in (0, 1))
    if min(shape) < 1:  # only a window larger than the padded input leaves no output
        _check_fit(n, k, Sides(p[1], p[1], p[0], p[0]), (1, 1), "pool window")
    return shape


def _pool_size_1d(n: int, k: int, p: int, s: int, ceil_mode: bool) -> int:
    room = n + 2 * p - k
    if not ceil_mode:
        return room // s + 1
    size = -(-room // s) + 1
    if (size - 1) * s >= n + p:  # the last window would start in the right padding
        size -= 1
    return size


def _as_flag(value, name: str) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return value


def _divisors_1d(n: int, k: int, p: int, s: int, m: int, include_pad: bool) -> torch.Tensor:
    """Per output position along one axis: how many window cells the average divides by.

    As in PyTorch: the cells inside the padded input (count_include_pad=True) or inside
    the input itself; cells a ceil-mode window has past the padding never count.
    """
    counts = []
    for o in range(m):
        start, end = o * s - p, min(o * s - p + k, n + p)
        counts.append(end - start if include_pad else min(end, n) - max(start, 0))
    return torch.tensor(counts)


def pool_parts(X, pool_size, mode="max", *, padding=0, stride=1, ceil_mode=False,
               count_include_pad=True) -> Parts:
    """The padded input `(..., H, W)`, its windows and the pooled values.

    Max pooling pads with -inf (padding never wins, as in PyTorch); average
    pooling pads with zeros and divides each window's sum by `divisor`. In ceil
    mode the last windows may run past the padding: `beyond` counts the rows and
    columns added there (filled like padding, never counted).
    """
    X = as_tensor(X, "X", ndim=(2, 3), layout="height, width or channels, height, width")
    if mode not in POOL_MODES:
        raise ValueError(f"mode must be 'max' or 'avg', got {mode!r}")
    _as_flag(count_include_pad, "count_include_pad")
    k = as_pair(pool_size, "pool_size", minimum=1)
    p = as_pair(padding, "padding", minimum=0)
    s = as_pair(stride, "stride", minimum=1)
    n = tuple(X.shape[-2:])
    m = pool_output_shape(n, k, padding=p, stride=s, ceil_mode=ceil_mode)
    beyond = tuple(max(0, (m[a] - 1) * s[a] + k[a] - n[a] - 2 * p[a]) for a in (0, 1))
    fill = float("-inf") if mode == "max" else 0.0
    padded = F.pad(X, (p[1], p[1] + beyond[1], p[0], p[0] + beyond[0]), value=fill)
    win = windows(padded, k, s, (1, 1))
    geometry = {"beyond": beyond, "pads": ((p[0], p[0]), (p[1], p[1])), "stride": s,
                "dilation": (1, 1)}
    if mode == "max":
        return Parts(padded, win, None, win.amax((-2, -1)), **geometry)
    rows, cols = (_divisors_1d(n[a], k[a], p[a], s[a], m[a], count_include_pad) for a in (0, 1))
    divisor = rows[:, None] * cols[None, :]
    pooled = win.sum((-2, -1)) / divisor.to(win.dtype)
    return Parts(padded, win, None, pooled, divisor=divisor, **geometry)


def pool2d(X, pool_size, mode="max", *, padding=0, stride=1, ceil_mode=False,
           count_include_pad=True) -> torch.Tensor:
    """Max or average pooling of `h x w` (or `c x h x w`, channel by channel).

    The default stride is 1, as in d2l's pool2d; nn.MaxPool2d's default stride
    is the window size. `ceil_mode` and `count_include_pad` mean what they mean
    in F.max_pool2d and F.avg_pool2d (`count_include_pad` only matters for "avg").
    """
    return pool_parts(X, pool_size, mode, padding=padding, stride=stride, ceil_mode=ceil_mode,
                      count_include_pad=count_include_pad).partial


def comp_conv2d(conv2d: nn.Conv2d, X) -> torch.Tensor:
    """Run a one-channel `nn.Conv2d` on a 2-D input and drop the batch and channel axes.

    A lazy layer (`nn.LazyConv2d`) learns its one input channel from this call, as in d2l.
    """
    if not isinstance(conv2d, nn.Conv2d):
        raise ValueError(f"conv2d must be a torch.nn.Conv2d, got {type(conv2d).__name__}")
    lazy = isinstance(conv2d, nn.modules.lazy.LazyModuleMixin) and conv2d.has_uninitialized_params()
    if conv2d.out_channels != 1 or (conv2d.in_channels != 1 and not lazy):
        raise ValueError(
            "comp_conv2d takes a layer with one input and one output channel, got "
            f"in_channels={conv2d.in_channels}, out_channels={conv2d.out_channels}"
        )
    X = as_tensor(X, "X", ndim=2, layout="height, width")
    if not lazy:
        X = X.to(conv2d.weight.dtype)
    conv_output_shape(tuple(X.shape), conv2d.kernel_size, padding=conv2d.padding,
                      stride=conv2d.stride, dilation=conv2d.dilation)
    try:
        Y = conv2d(X.reshape((1, 1) + X.shape))
    except RuntimeError as error:  # e.g. circular padding wider than the input
        raise ValueError(f"this layer cannot run on a {tuple(X.shape)} input: {error}") from None
    return Y.reshape(Y.shape[2:])
