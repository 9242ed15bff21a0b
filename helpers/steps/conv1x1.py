"""The step model of a 1x1 convolution: one record per pixel, in row-major order.

At pixel `(i, j)` a 1x1 convolution reads the column through the input's
channels, the vector `v = X[:, i, j]`, and writes `W v + b` into the column
`Y[:, i, j]` of the output: a fully connected layer applied at every pixel.
Like every module of `steps`, this one knows nothing of drawing.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .._args import Pair, as_biases, as_tensor, common_dtype
from .code import argument_name, conv1x1_code
from .records import StepRecords

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
class PixelSequence(StepRecords):
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
    x_name, w_name = argument_name("X", X), argument_name("W", W)  # as the caller gave them
    X = as_tensor(X, "X", ndim=3, layout="c_i, height, width; for a batch of one, pass X[0]")
    W = as_tensor(W, "W", ndim=(2, 4), layout="c_o, c_i, or c_o, c_i, 1, 1")
    if W.dim() == 4 and W.shape[2:] != (1, 1):
        raise ValueError(f"W must be c_o x c_i or c_o x c_i x 1 x 1, got shape {tuple(W.shape)}")
    c_o, c_i = W.shape[:2]
    if c_i != X.shape[0]:
        raise ValueError(f"W has {c_i} input channel(s) (columns) but X has {X.shape[0]}: "
                         "W needs one column per channel of X")
    biases = as_biases(bias, c_o, forms=f"a number or {c_o} numbers, one per output channel",
                       owner=f"W has {c_o} output channel(s) (rows)")
    float_bias = isinstance(bias, torch.Tensor) and bias.is_floating_point()
    w_is_4d = W.dim() == 4
    X, W, b = common_dtype(X.detach(), W.detach().reshape(c_o, c_i),
                           torch.tensor(biases, dtype=bias.dtype if float_bias else None))
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
    code = conv1x1_code(x_name, w_name, argument_name("b", bias), bias=bias_values,
                        one_bias=bias is None or torch.as_tensor(bias).numel() == 1,
                        w_is_4d=w_is_4d)
    return PixelSequence("1x1 conv", X, W, b, output, records, code=code)
