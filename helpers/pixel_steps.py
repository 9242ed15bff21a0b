"""The step model of a 1x1 convolution: one record per pixel, in row-major order.

At pixel `(i, j)` a 1x1 convolution reads the column through the input's
channels, the vector `v = X[:, i, j]`, and writes `W v + b` into the column
`Y[:, i, j]` of the output: a fully connected layer applied at every pixel.
Like `steps`, this module knows nothing of drawing.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ._args import Pair, as_tensor, common_dtype
from .steps import Records

Vector = tuple[float, ...]


@dataclass(frozen=True)
class PixelStep:
    """One pixel: its channel vector `v` (length `c_i`), the weights `W` (`c_o` rows of
    `c_i`), the bias `b` (length `c_o`), `products[o][c] = W[o][c] * v[c]`, and
    `value = W v + b` (length `c_o`), the output's column at `out_pos`."""

    index: int
    out_pos: Pair
    v: Vector
    weights: tuple[Vector, ...]
    bias: Vector
    products: tuple[Vector, ...]
    value: Vector


@dataclass(frozen=True, eq=False)
class PixelSequence(Records):
    """All pixel steps of a 1x1 convolution of `input` (`c_i x h x w`) with `weight`
    (`c_o x c_i`) and `bias` (`c_o`); `output` is `c_o x h x w`. `code` is one line of
    PyTorch, in the names `torch`, `F`, `X`, `W` and `b` (as given), that computes it."""

    op: str
    input: torch.Tensor
    weight: torch.Tensor
    bias: torch.Tensor
    output: torch.Tensor
    records: tuple[PixelStep, ...]
    code: str = ""

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.input.shape)

    def __repr__(self) -> str:
        shape = "x".join(map(str, self.input_shape))
        c_o, c_i = self.weight.shape
        return f"PixelSequence({self.op}, input {shape}, W {c_o}x{c_i}, {len(self)} steps)"


def conv1x1_steps(X, W, bias=0.0) -> PixelSequence:
    """Steps of a 1x1 convolution, pixel by pixel: X is `c_i x h x w`, W is `c_o x c_i`
    (or `c_o x c_i x 1 x 1`, as `nn.Conv2d(c_i, c_o, 1).weight`), `bias` one number for
    every output channel or `c_o` numbers (as `nn.Conv2d.bias`)."""
    given = {"X": X, "W": W, "b": bias}
    X = as_tensor(X, "X", ndim=3, layout="c_i, height, width; for a batch of one, pass X[0]")
    W = as_tensor(W, "W", ndim=(2, 4), layout="c_o, c_i, or c_o, c_i, 1, 1")
    if W.dim() == 4 and W.shape[2:] != (1, 1):
        raise ValueError(f"W must be c_o x c_i or c_o x c_i x 1 x 1, got shape {tuple(W.shape)}")
    c_o, c_i = W.shape[:2]
    if c_i != X.shape[0]:
        raise ValueError(f"W has {c_i} input channel(s) (columns) but X has {X.shape[0]}: "
                         "W needs one column per channel of X")
    b = _bias_vector(bias, c_o)
    X, W, b = common_dtype(X.detach(), W.detach().reshape(c_o, c_i), b)
    h, w = X.shape[1:]
    with torch.no_grad():
        output = (W @ X.reshape(c_i, h * w) + b[:, None]).reshape(c_o, h, w)
        products = W * X.permute(1, 2, 0)[:, :, None, :]  # (h, w, c_o, c_i)
    weights = tuple(map(tuple, W.tolist()))
    bias_values = tuple(b.tolist())
    columns = X.permute(1, 2, 0).tolist()
    values = output.permute(1, 2, 0).tolist()
    every_product = products.tolist()
    records = tuple(
        PixelStep(index=i * w + j, out_pos=(i, j), v=tuple(columns[i][j]), weights=weights,
                  bias=bias_values, products=tuple(map(tuple, every_product[i][j])),
                  value=tuple(values[i][j]))
        for i in range(h) for j in range(w)
    )
    return PixelSequence("1x1 conv", X, W, b, output, records, code=_code(given, c_o))


def _bias_vector(bias, c_o: int) -> torch.Tensor:
    """`bias` as `c_o` numbers: one number is repeated for every output channel."""
    if bias is None:
        bias = 0.0
    if isinstance(bias, bool):
        raise ValueError(f"bias must be a number or {c_o} numbers, got {bias!r}")
    b = as_tensor(bias, "bias", ndim=(0, 1), layout=f"one number or {c_o}, one per output "
                                                    "channel")
    if b.dim() == 0 or b.numel() == 1:
        return b.reshape(1).expand(c_o).clone()
    if b.numel() != c_o:
        raise ValueError(f"bias has {b.numel()} numbers but W has {c_o} output channel(s) "
                         "(rows): give one number per output channel, or one for all")
    return b


def _code(given: dict, c_o: int) -> str:
    """`F.conv2d` on the unbatched input, in the names X, W and b as the caller gave them."""
    x, w = _name("X", given["X"]), _name("W", given["W"])
    if not (isinstance(given["W"], torch.Tensor) and given["W"].dim() == 4):
        w += "[:, :, None, None]"
    b = torch.as_tensor(0.0 if given["b"] is None else given["b"])
    if b.numel() > 1:
        return f"F.conv2d({x}, {w}, {_name('b', given['b'])})"
    if b.item() == 0:
        return f"F.conv2d({x}, {w})"
    return f"F.conv2d({x}, {w}, torch.full(({c_o},), {float(b.item())!r}))"


def _name(name: str, given) -> str:
    """How the code refers to an argument: as given, made a float tensor when needed."""
    if isinstance(given, torch.Tensor) and given.is_floating_point():
        return name
    return f"torch.as_tensor({name}, dtype=torch.get_default_dtype())"
