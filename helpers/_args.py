"""Argument checks shared by every public function: clear ValueErrors, early."""

from __future__ import annotations

import operator

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
