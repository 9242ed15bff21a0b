"""Argument checks shared by every public function: clear ValueErrors, early."""

from __future__ import annotations

import operator
from typing import NamedTuple

import torch

Pair = tuple[int, int]
# the axes a window slides along, by their count: what an int-or-tuple argument names
AXES = {1: "(length,)", 2: "(rows, cols)", 3: "(depth, rows, cols)"}
_TUPLE = {1: "1-tuple", 2: "pair", 3: "triple"}


def as_tuple(value, name: str, *, minimum: int, axes: int = 2) -> tuple[int, ...]:
    """Return `value` (an int or one int per axis) as a tuple of `axes` ints, each >= `minimum`."""
    if isinstance(value, torch.Tensor):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        if len(value) != axes:
            raise ValueError(
                f"{name} must be an int or a {AXES[axes]} {_TUPLE[axes]}, "
                f"got {len(value)} values: {value!r}"
            )
        result = tuple(as_int(v, name) for v in value)
    else:
        result = (as_int(value, name),) * axes
    if min(result) < minimum:
        rule = "at least 1" if minimum == 1 else "0 or more"
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return result


def as_pair(value, name: str, *, minimum: int) -> Pair:
    """Return `value` (an int or a pair of ints) as `(rows, cols)`, each >= `minimum`."""
    return as_tuple(value, name, minimum=minimum, axes=2)


def as_int(value, name: str) -> int:
    """`value` as an int, if it is a whole number (not a bool); else a ValueError naming it."""
    try:
        if isinstance(value, bool):
            raise TypeError
        return operator.index(value)
    except TypeError:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None


def as_tensor(value, name: str, *, ndim: int | tuple[int, ...], layout: str) -> torch.Tensor:
    """Convert `value` to a real floating-point tensor with `ndim` dimensions.

    Integer and boolean tensors become the default float dtype; float tensors keep
    theirs (and their autograd history). `layout` names the axes for the message.
    """
    if not isinstance(value, torch.Tensor):
        try:
            value = torch.as_tensor(value)
        except (TypeError, ValueError, RuntimeError) as error:
            raise ValueError(f"{name} must be a tensor of numbers ({layout}): {error}") from None
    if value.is_complex():
        raise ValueError(f"{name} must hold real numbers, got dtype {value.dtype}")
    if not value.is_floating_point():
        value = value.to(torch.get_default_dtype())
    allowed = (ndim,) if isinstance(ndim, int) else ndim
    if value.dim() not in allowed:
        wanted = " or ".join(f"{n}-D" for n in allowed)
        raise ValueError(
            f"{name} must be {wanted} ({layout}), got shape {tuple(value.shape)}"
        )
    if value.numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(value.shape)}")
    return value


def common_dtype(*tensors: torch.Tensor) -> list[torch.Tensor]:
    """Cast the tensors to one floating dtype (float64 wins over float32)."""
    dtype = tensors[0].dtype
    for t in tensors[1:]:
        dtype = torch.promote_types(dtype, t.dtype)
    return [t.to(dtype) for t in tensors]


class Sides(NamedTuple):
    """Padding on each side, in the order `F.pad` and `nn.ZeroPad2d` take it."""

    left: int
    right: int
    top: int
    bottom: int

    @property
    def rows(self) -> Pair:
        """(top, bottom)."""
        return self.top, self.bottom

    @property
    def cols(self) -> Pair:
        """(left, right)."""
        return self.left, self.right

    def symmetric(self) -> Pair | None:
        """(rows, cols) per side when top == bottom and left == right, else None."""
        if self.top == self.bottom and self.left == self.right:
            return self.top, self.left
        return None


# per-side padding in F.pad's order: the last axis first
_SIDE_NAMES = {1: "(left, right) pair", 2: "(left, right, top, bottom) 4-tuple",
               3: "(left, right, top, bottom, front, back) 6-tuple"}


def padding_forms(axes: int) -> str:
    """The forms of `padding` a window sliding along `axes` axes takes, in words."""
    return (f"an int, a {AXES[axes]} {_TUPLE[axes]}, a {_SIDE_NAMES[axes]}, "
            "'valid' or 'same'")


def as_pads(padding, *, kernel: tuple[int, ...], dilation: tuple[int, ...],
            stride: tuple[int, ...]) -> tuple[Pair, ...]:
    """Padding in any form nn.ConvNd or F.pad takes, as (before, after) cells per axis.

    The number of axes is `len(kernel)`. 'same' pads d(k - 1) cells in all per axis,
    the odd one after (at the bottom, the right, the back), as PyTorch does; like
    nn.ConvNd it refuses a stride above 1.
    """
    axes = len(kernel)
    if isinstance(padding, str):
        if padding == "valid":
            return ((0, 0),) * axes
        if padding != "same":
            raise ValueError(f"padding must be {padding_forms(axes)}; got the string {padding!r}")
        if any(s != 1 for s in stride):
            raise ValueError(
                f"padding='same' is not supported for strided convolutions (stride {stride}): "
                "PyTorch refuses it too; give the padding as numbers"
            )
        return tuple(_split(d * (k - 1)) for k, d in zip(kernel, dilation, strict=True))
    if isinstance(padding, torch.Tensor):
        padding = padding.tolist()
    if isinstance(padding, (list, tuple)) and len(padding) == 2 * axes:
        sides = [as_int(v, "padding") for v in padding]
        if min(sides) < 0:
            raise ValueError(f"padding must be 0 or more on every side, got {padding!r}")
        return tuple(zip(sides[-2::-2], sides[::-2], strict=True))
    if isinstance(padding, (list, tuple)) and len(padding) != axes:
        raise ValueError(f"padding must be {padding_forms(axes)}; got {len(padding)} values: "
                         f"{padding!r}")
    return tuple((p, p) for p in as_tuple(padding, "padding", minimum=0, axes=axes))


def as_sides(padding, *, kernel: Pair = (1, 1), dilation: Pair = (1, 1),
             stride: Pair = (1, 1)) -> Sides:
    """Padding in any form nn.Conv2d or F.pad takes, as cells on each side (see `as_pads`)."""
    (top, bottom), (left, right) = as_pads(padding, kernel=kernel, dilation=dilation,
                                           stride=stride)
    return Sides(left, right, top, bottom)


def _split(total: int) -> Pair:
    """(before, after) halves of `total`, the odd cell after."""
    return total // 2, total - total // 2


def as_biases(bias, count: int, *, forms: str, owner: str | None) -> tuple[float, ...]:
    """`bias` as `count` numbers, one per output channel, as F.conv2d takes it: None means
    zeros, one number serves every channel, and a 1-D bias has exactly `count` numbers.
    `forms` says in words what bias may be; `owner` what has the channels (e.g. "K has 3
    output channel(s)"), or None when there is one output channel."""
    if bias is None:
        return (0.0,) * count
    if isinstance(bias, bool) or (isinstance(bias, torch.Tensor) and bias.dtype == torch.bool):
        raise ValueError(f"bias must be {forms}, got {bias!r}")
    b = as_tensor(bias, "bias", ndim=(0, 1), layout=forms)
    if b.dim() == 0:
        return (float(bias),) * count
    if len(b) != count:
        if owner is None:
            raise ValueError(f"bias must be {forms}, got {bias!r}")
        raise ValueError(f"bias has {len(b)} numbers but {owner}: give one number per "
                         "output channel, or one for all")
    return tuple(map(float, bias.tolist() if isinstance(bias, torch.Tensor) else bias))
