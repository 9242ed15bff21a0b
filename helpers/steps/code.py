"""The one line of PyTorch each step sequence carries: the call that computes its output.

Every kind writes its line with these pieces, so that an argument is named, and an int
or a tuple written, the same way in every animation of the book.
"""

from __future__ import annotations

import torch

from .._args import Pair, Sides


def int_or_tuple(values) -> str:
    """`2` when every axis has the same value, else the tuple, e.g. `(2, 3)`."""
    values = tuple(values)
    return str(values[0]) if len(set(values)) == 1 else str(values)


def argument_name(name: str, given) -> str:
    """How the code refers to an argument given as `given`: by `name` when it is a float
    tensor, made one otherwise (`X.float()`, `torch.tensor(X, dtype=...)` for a list)."""
    if isinstance(given, torch.Tensor):
        return name if given.is_floating_point() else f"{name}.float()"
    return f"torch.tensor({name}, dtype=torch.get_default_dtype())"


def call(function: str, *args: str, **options) -> str:
    """`function(args..., key=value...)`, leaving out options that are None."""
    words = list(args) + [f"{key}={value}" for key, value in options.items() if value is not None]
    return f"{function}({', '.join(words)})"


def none_axes(n: int) -> str:
    """`[None, None]` for n = 2: the indexing that adds n leading axes."""
    return f"[{', '.join(['None'] * n)}]" if n else ""


def bias_tensor(bias: tuple[float, ...]) -> str | None:
    """The bias argument of a call: None when every bias is 0, else the numbers."""
    return f"torch.tensor([{', '.join(map(repr, bias))}])" if any(bias) else None


def conv_code(x: str, k: str, *, x_dims: int, k_dims: int, padding, sides: Sides,
              padding_mode: str, stride: Pair, dilation: Pair, bias: tuple[float, ...]) -> str:
    """`F.conv2d` on `x` (`h x w` or `c_i x h x w`: `x_dims` axes) and kernel `k`
    (`k_h x k_w`, `c_i x k_h x k_w` or `c_o x c_i x k_h x k_w`: `k_dims` axes), with
    `bias` one number per output channel."""
    x, k = x + none_axes(4 - x_dims), k + none_axes(4 - k_dims)
    if padding == "same" and padding_mode == "zeros" and sides.symmetric():
        pad = "'same'"
    elif padding_mode == "zeros" and sides.symmetric():
        pad = None if not any(sides) else int_or_tuple(sides.symmetric())
    else:  # F.conv2d pads with zeros, the same on both sides: anything else goes to F.pad
        mode = None if padding_mode == "zeros" else repr(padding_mode)
        x, pad = call("F.pad", x, str(tuple(sides)), mode=mode), None
    return call("F.conv2d", x, k, bias=bias_tensor(bias), padding=pad,
                stride=_unless_ones(stride), dilation=_unless_ones(dilation)) + (
        "[0]" if k_dims == 4 else "[0, 0]")


def pool_code(mode: str, x: str, window: Pair, padding: Pair, stride: Pair, *,
              unbatched: bool, **options) -> str:
    """`F.max_pool2d` or `F.avg_pool2d` on `x` (`h x w` when `unbatched`, else
    `c x h x w`); `options` are further keyword arguments of the call, written as
    given (e.g. `ceil_mode=True`)."""
    extra = {key: repr(value) for key, value in options.items()}
    code = call(f"F.{mode}_pool2d", f"{x}[None]" if unbatched else x, int_or_tuple(window),
                stride=int_or_tuple(stride), padding=None if not any(padding) else
                int_or_tuple(padding), **extra)
    return code + "[0]" if unbatched else code


def nd_padding(pads: tuple[Pair, ...]) -> tuple[int, ...]:
    """Per-axis padding when before == after on every axis, else F.pad's flat order."""
    if all(b == a for b, a in pads):
        return tuple(b for b, _ in pads)
    return sum(reversed(pads), ())


def corr_nd_code(axes: int, x: str, k: str, padding, pads: tuple[Pair, ...],
                 stride: tuple[int, ...], dilation: tuple[int, ...]) -> str:
    """`F.conv1d` or `F.conv3d` on one unbatched channel; uneven padding goes to F.pad."""
    x, k = f"{x}[None, None]", f"{k}[None, None]"
    pad = nd_padding(pads)
    if padding == "same":
        pad = "'same'"
    elif len(pad) > axes:
        x, pad = call("F.pad", x, str(pad)), None
    else:
        pad = None if not any(pad) else int_or_tuple(pad)
    return call(f"F.conv{axes}d", x, k, padding=pad, stride=_unless_ones(stride),
                dilation=_unless_ones(dilation)) + "[0, 0]"


def conv1x1_code(x: str, w: str, b: str, *, bias: tuple[float, ...], one_bias: bool,
                 w_is_4d: bool) -> str:
    """`F.conv2d` of a 1x1 convolution on the unbatched input, in the names `x`, `w` and
    `b` as the caller gave them; `bias` holds one value per output channel, and
    `one_bias` says that the caller gave a single number for all of them."""
    w = w if w_is_4d else w + "[:, :, None, None]"
    if not one_bias:
        return call("F.conv2d", x, w, b)
    if bias[0] == 0:
        return call("F.conv2d", x, w)
    return call("F.conv2d", x, w, f"torch.full(({len(bias)},), {bias[0]!r})")


def _unless_ones(values) -> str | None:
    """An int-or-tuple option, or None (left out of the call) when it is 1 on every axis."""
    return None if set(values) == {1} else int_or_tuple(values)
