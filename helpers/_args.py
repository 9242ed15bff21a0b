"""Argument checks shared by every public function: clear ValueErrors, early."""

from __future__ import annotations

import operator
from typing import NamedTuple

import torch

Pair = tuple[int, int]


def as_pair(value, name: str, *, minimum: int) -> Pair:
    """Return `value` (an int or a pair of ints) as `(rows, cols)`, each >= `minimum`."""
    if isinstance(value, torch.Tensor):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError(
                f"{name} must be an int or a (rows, cols) pair, got {len(value)} values: {value!r}"
            )
        pair = (_as_int(value[0], name), _as_int(value[1], name))
    else:
        pair = (_as_int(value, name),) * 2
    if min(pair) < minimum:
        rule = "at least 1" if minimum == 1 else "0 or more"
        raise ValueError(f"{name} must be {rule}, got {value!r}")
    return pair


def _as_int(value, name: str) -> int:
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


PADDING_FORMS = ("an int, a (rows, cols) pair, a (left, right, top, bottom) 4-tuple, "
                 "'valid' or 'same'")


def as_sides(padding, *, kernel: Pair = (1, 1), dilation: Pair = (1, 1),
             stride: Pair = (1, 1)) -> Sides:
    """Padding in any form nn.Conv2d or F.pad takes, as cells on each side.

    'same' pads d(k - 1) cells in all per axis, the odd one at the bottom or the
    right, as PyTorch does; like nn.Conv2d it refuses a stride above 1.
    """
    if isinstance(padding, str):
        if padding == "valid":
            return Sides(0, 0, 0, 0)
        if padding != "same":
            raise ValueError(f"padding must be {PADDING_FORMS}; got the string {padding!r}")
        if stride != (1, 1):
            raise ValueError(
                f"padding='same' is not supported for strided convolutions (stride {stride}): "
                "PyTorch refuses it too; give the padding as numbers"
            )
        (t, b), (left, r) = (_split(dilation[a] * (kernel[a] - 1)) for a in (0, 1))
        return Sides(left, r, t, b)
    if isinstance(padding, torch.Tensor):
        padding = padding.tolist()
    if isinstance(padding, (list, tuple)) and len(padding) == 4:
        sides = Sides(*(_as_int(v, "padding") for v in padding))
        if min(sides) < 0:
            raise ValueError(f"padding must be 0 or more on every side, got {padding!r}")
        return sides
    if isinstance(padding, (list, tuple)) and len(padding) != 2:
        raise ValueError(f"padding must be {PADDING_FORMS}; got {len(padding)} values: "
                         f"{padding!r}")
    p_h, p_w = as_pair(padding, "padding", minimum=0)
    return Sides(p_w, p_w, p_h, p_h)


def _split(total: int) -> Pair:
    """(before, after) halves of `total`, the odd cell after."""
    return total // 2, total - total // 2
