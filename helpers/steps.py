"""The step model: one record per window position, in row-major output order.

`steps` knows nothing of drawing. A record says where the window is, which
(padded) input cells it covers, what it multiplies or compares, and the result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from ._args import Pair, Sides, as_pair, as_sides, as_tensor
from .ops import Parts, correlate_parts, pool_parts

Matrix = tuple[tuple[float, ...], ...]


@dataclass(frozen=True)
class Step:
    """One window position.

    `cells` are the covered cells in padded coordinates, cell n being the one
    that meets the kernel's weight n (row-major; see `conv2d_steps` for `flip`);
    `in_padding[n]` is True where cell n is padding. `inputs`,
    `weights` and `products` are indexed `[input channel][n]`; `partial_sums[c]` is
    input channel c's sum of products; `bias` and `value` are those of `out_channel`,
    the output channel the step writes. Pooling steps have no weights or products: a
    pooling step pools one `channel` (its `out_channel` too), `inputs[0]` holds its
    window's values, `counted[n]` says whether cell n takes part (the max is taken
    over it, the average's `divisor` counts it).
    """

    index: int
    out_pos: Pair
    value: float
    cells: tuple[Pair, ...]
    in_padding: tuple[bool, ...]
    inputs: Matrix
    weights: Matrix | None = None
    products: Matrix | None = None
    partial_sums: tuple[float, ...] | None = None
    bias: float = 0.0
    channel: int = 0
    out_channel: int = 0
    counted: tuple[bool, ...] | None = None
    divisor: int | None = None


class Records(Sequence):
    """A sequence of step records, indexed and counted through `records`."""

    records: tuple

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, index):
        return self.records[index]


@dataclass(frozen=True, eq=False)
class StepSequence(Records):
    """All steps of one operation, with what every frame of it shares.

    `op` is "corr2d", "convolution" (the kernel flipped), "max pool" or "avg pool".
    `padded` is the input with its padding, `c x H x W`; `pad_mask` (`H x W`) is
    True on padding; `kernel` is `c x k_h x k_w` (`c_o x c_i x k_h x k_w` with
    several output channels) as it lies over the window (so turned 180 degrees when
    `flip`; None for pooling); `output` is `m_h x m_w` (`c x m_h x m_w` when pooling a
    `c x h x w` input, `c_o x m_h x m_w` with a 4-D kernel); `bias` is one number, or
    one per output channel with a 4-D kernel. In ceil mode `padded` also holds the
    `beyond` rows and columns past the padding that windows reach (filled like
    padding, never counted), and `dropped` gives the start (padded coordinates)
    of the window ceil mode drops along rows and along columns, or None. `padding`
    is per side, `(left, right, top, bottom)`, filled as `padding_mode` says.
    `code` is one line of PyTorch, in the names `torch`, `F`, `X` and `K` (the
    input and kernel as given), that computes `output`. `uncovered` lists the
    cells of the padded input that no window covers, row-major.
    """

    op: str
    input_shape: tuple[int, ...]
    padded: torch.Tensor
    pad_mask: torch.Tensor
    kernel: torch.Tensor | None
    window: Pair
    padding: Sides
    stride: Pair
    dilation: Pair
    bias: float | tuple[float, ...]
    output: torch.Tensor
    records: tuple[Step, ...]
    flip: bool = False
    ceil_mode: bool = False
    count_include_pad: bool = True
    beyond: Pair = (0, 0)
    dropped: tuple[int | None, int | None] = (None, None)
    padding_mode: str = "zeros"
    code: str = ""
    uncovered: tuple[Pair, ...] = ()

    def __repr__(self) -> str:
        shape = "x".join(map(str, self.input_shape))
        what = "kernel" if self.kernel is not None else "window"
        if self.kernel is not None and self.kernel.dim() == 4:
            what += " " + "x".join(map(str, self.kernel.shape[:2])) + "x"
        else:
            what += " "
        padding = self.padding.symmetric() or tuple(self.padding)
        mode = f" {self.padding_mode}" if self.padding_mode != "zeros" else ""
        options = f", dilation {self.dilation}" if self.dilation != (1, 1) else ""
        options += ", ceil_mode" if self.ceil_mode else ""
        if self.op == "avg pool" and not self.count_include_pad:
            options += ", count_include_pad=False"
        return (
            f"StepSequence({self.op}, input {shape}, {what}{self.window[0]}x{self.window[1]}, "
            f"padding {padding}{mode}, stride {self.stride}{options}, {len(self)} steps)"
        )


def conv2d_steps(X, K, *, padding=0, stride=1, dilation=1, bias=0.0, flip=False,
                 padding_mode="zeros") -> StepSequence:
    """Steps of `corr2d` (X `h x w`, K `k_h x k_w`), of `corr2d_multi_in` (X `c_i x h x w`,
    K `c_i x k_h x k_w`) or of `corr2d_multi_in_out` (X `c_i x h x w`, K
    `c_o x c_i x k_h x k_w`: output channel 0 row-major, then channel 1, ...), plus
    `bias`: one number, or with a 4-D K one per output channel. `padding` and
    `padding_mode` take what `corr2d` takes.

    With `flip=True`, the steps of a true convolution: the kernel turned 180 degrees
    slides over the input. Each record then lists the weights in K's own order and
    the window's cells from its last to its first, the pairs the convolution multiplies.
    """
    given = X, K
    X = as_tensor(X, "X", ndim=(2, 3), layout="height, width or channels, height, width")
    if X.dim() == 2:
        K = as_tensor(K, "K", ndim=2, layout="k_h, k_w, with one slice per channel of X")
    else:
        K = as_tensor(K, "K", ndim=(3, 4), layout="c_i, k_h, k_w or c_o, c_i, k_h, k_w: "
                                                  "one k_h x k_w slice per channel of X")
    biases = _bias_values(bias, K.shape[0]) if K.dim() == 4 else (_as_bias(bias),)
    if not isinstance(flip, bool):
        raise ValueError(f"flip must be True or False, got {flip!r}")
    X3 = X[None] if X.dim() == 2 else X
    K4 = K.detach()[(None,) * (4 - K.dim())]  # c_o x c_i x k_h x k_w
    laid = K4.flip(-2, -1) if flip else K4  # the kernel as it lies over the window
    with torch.no_grad():
        parts = [correlate_parts(X3, k, padding=padding, stride=stride, dilation=dilation,
                                 padding_mode=padding_mode) for k in laid]
        output = torch.stack([p.partial.sum(0) + b for p, b in zip(parts, biases, strict=True)])
    if flip:  # read each window backwards, so that cell n meets K's weight n
        parts = [p._replace(windows=p.windows.flip(-2, -1), products=p.products.flip(-2, -1))
                 for p in parts]
    sides = as_sides(padding, kernel=tuple(K.shape[-2:]),
                     dilation=as_pair(dilation, "dilation", minimum=1),
                     stride=as_pair(stride, "stride", minimum=1))
    k_name = _name("K", given[1])
    code = conv_code(
        _name("X", given[0]), f"{k_name}.flip(-2, -1)" if flip else k_name, x_dims=X.dim(),
        k_dims=K.dim(), padding=padding, sides=sides, padding_mode=padding_mode,
        stride=stride, dilation=dilation, bias=biases,
    )
    multi = K.dim() == 4
    return _sequence(
        "convolution" if flip else "corr2d", X, K4, laid, parts, output, biases, sides, stride,
        dilation, multi=multi, flip=flip, padding_mode=padding_mode, code=code,
    )


def pool2d_steps(X, pool_size, *, mode="max", padding=0, stride=1, ceil_mode=False,
                 count_include_pad=True) -> StepSequence:
    """Steps of `pool2d` on an `h x w` or `c x h x w` input, channel after channel.

    Max pooling's padding holds -inf; average pooling's holds zeros, and each
    record's `divisor` is what PyTorch divides that window's sum by.
    """
    given = X
    X = as_tensor(X, "X", ndim=(2, 3), layout="height, width or channels, height, width")
    X3 = X if X.dim() == 3 else X[None]
    with torch.no_grad():
        parts = pool_parts(X3, pool_size, mode, padding=padding, stride=stride,
                           ceil_mode=ceil_mode, count_include_pad=count_include_pad)
    p, s = as_pair(padding, "padding", minimum=0), as_pair(stride, "stride", minimum=1)
    k = tuple(parts.windows.shape[-2:])
    c, m_h, m_w = parts.partial.shape
    room = tuple(X.shape[-2 + a] + 2 * p[a] for a in (0, 1))  # the padded input
    dropped = tuple(_dropped_start(room[a], k[a], s[a], (m_h, m_w)[a]) if ceil_mode else None
                    for a in (0, 1))
    last = ((m_h - 1) * s[0], (m_w - 1) * s[1])  # where the last windows start
    # the grid reaches the end of the last window, or of the dropped one
    beyond = tuple(max(0, max(last[a], dropped[a] or 0) + k[a] - room[a]) for a in (0, 1))
    extra = (beyond[0] - parts.beyond[0], beyond[1] - parts.beyond[1])
    fill = float("-inf") if mode == "max" else 0.0
    padded = F.pad(parts.padded, (0, extra[1], 0, extra[0]), value=fill)
    pad_mask = _pad_mask(padded.shape[-2:], X.shape[-2:], p)
    is_pad = pad_mask.tolist()
    inputs = _per_position(parts.windows)
    values = parts.partial.tolist()
    divisors = parts.divisor.tolist() if parts.divisor is not None else None
    records = []
    for ch in range(c):
        for i in range(m_h):
            for j in range(m_w):
                cells = tuple((i * s[0] + a, j * s[1] + b)
                              for a in range(k[0]) for b in range(k[1]))
                past = [r >= room[0] or col >= room[1] for r, col in cells]
                pad = tuple(is_pad[r][col] for r, col in cells)
                keep = not count_include_pad and mode == "avg"
                counted = tuple(not (out or (keep and q)) for out, q in zip(past, pad, strict=True))
                records.append(Step(
                    index=len(records), out_pos=(i, j), value=values[ch][i][j], cells=cells,
                    in_padding=pad, inputs=(inputs[i][j][ch],), channel=ch, out_channel=ch,
                    counted=counted,
                    divisor=None if divisors is None else divisors[i][j],
                ))
    output = parts.partial if X.dim() == 3 else parts.partial[0]
    options = {"ceil_mode": True} if ceil_mode else {}
    if mode == "avg" and not count_include_pad:
        options["count_include_pad"] = False
    code = pool_code(mode, _name("X", given), k, padding, stride, unbatched=X.dim() == 2,
                     **options)
    return StepSequence(
        f"{mode} pool", tuple(X.shape), padded, pad_mask, None, k, Sides(p[1], p[1], p[0], p[0]),
        s, (1, 1), 0.0, output, tuple(records), ceil_mode=ceil_mode,
        count_include_pad=count_include_pad, beyond=beyond, dropped=dropped, code=code,
        uncovered=_uncovered(records, room),
    )


def _dropped_start(room: int, k: int, s: int, m: int) -> int | None:
    """Where the window after the last one would start, if ceil mode dropped it."""
    naive = -(-(room - k) // s) + 1  # the ceiling formula, before PyTorch's correction
    return (naive - 1) * s if naive > m else None


def _uncovered(records, room: Pair) -> tuple[Pair, ...]:
    """The cells of the padded input (`room` rows and columns) that no record covers."""
    covered = {cell for record in records for cell in record.cells}
    return tuple((r, c) for r in range(room[0]) for c in range(room[1]) if (r, c) not in covered)


# -- the PyTorch call behind a sequence -------------------------------------------


def _name(name: str, given) -> str:
    """How the code refers to an argument: as given, made a float tensor when needed."""
    if isinstance(given, torch.Tensor):
        return name if given.is_floating_point() else f"{name}.float()"
    return f"torch.tensor({name}, dtype=torch.get_default_dtype())"


def _arg(value) -> str:
    """An int, or a (rows, cols) pair when the two differ."""
    pair = as_pair(value, "", minimum=0)
    return str(pair[0]) if pair[0] == pair[1] else str(pair)


def call(function: str, *args: str, **options) -> str:
    """`function(args..., key=value...)`, leaving out options that are None."""
    words = list(args) + [f"{key}={value}" for key, value in options.items() if value is not None]
    return f"{function}({', '.join(words)})"


def conv_code(x: str, k: str, *, x_dims: int, k_dims: int, padding, sides: Sides,
              padding_mode: str, stride, dilation, bias: tuple[float, ...]) -> str:
    """`F.conv2d` on `x` (`h x w` or `c_i x h x w`: `x_dims` axes) and kernel `k`
    (`k_h x k_w`, `c_i x k_h x k_w` or `c_o x c_i x k_h x k_w`: `k_dims` axes), with
    `bias` one number per output channel."""
    x, k = x + _none_axes(4 - x_dims), k + _none_axes(4 - k_dims)
    if padding == "same" and padding_mode == "zeros" and sides.symmetric():
        pad = "'same'"
    elif padding_mode == "zeros" and sides.symmetric():
        pad = None if not any(sides) else _arg(sides.symmetric())
    else:  # F.conv2d pads with zeros, the same on both sides: anything else goes to F.pad
        mode = None if padding_mode == "zeros" else repr(padding_mode)
        x, pad = call("F.pad", x, str(tuple(sides)), mode=mode), None
    b = f"torch.tensor([{', '.join(map(repr, bias))}])" if any(bias) else None
    stride, dilation = _arg(stride), _arg(dilation)
    return call("F.conv2d", x, k, bias=b, padding=pad, stride=None if stride == "1" else stride,
                dilation=None if dilation == "1" else dilation) + ("[0]" if k_dims == 4
                                                                   else "[0, 0]")


def _none_axes(n: int) -> str:
    """`[None, None]` for n = 2: the indexing that adds n leading axes."""
    return f"[{', '.join(['None'] * n)}]" if n else ""


def pool_code(mode: str, x: str, window, padding, stride, *, unbatched: bool,
              **options) -> str:
    """`F.max_pool2d` or `F.avg_pool2d` on `x` (`h x w` when `unbatched`, else
    `c x h x w`); `options` are further keyword arguments of the call, written as
    given (e.g. `ceil_mode=True`)."""
    padding = _arg(padding)
    extra = {key: repr(value) for key, value in options.items()}
    code = call(f"F.{mode}_pool2d", f"{x}[None]" if unbatched else x, _arg(tuple(window)),
                stride=_arg(stride), padding=None if padding == "0" else padding, **extra)
    return code + "[0]" if unbatched else code


def _pad_mask(padded_shape, input_shape, p: Pair) -> torch.Tensor:
    """True on every cell of the padded grid that is not an input cell."""
    mask = torch.ones(tuple(padded_shape), dtype=torch.bool)
    mask[p[0] : p[0] + input_shape[0], p[1] : p[1] + input_shape[1]] = False
    return mask


def _as_bias(bias) -> float:
    if isinstance(bias, torch.Tensor) and bias.numel() == 1:
        bias = bias.item()
    if isinstance(bias, bool) or not isinstance(bias, (int, float)):
        raise ValueError(f"bias must be a single number, got {bias!r}")
    return float(bias)


def _bias_values(bias, c_o: int) -> tuple[float, ...]:
    """`bias` as one number per output channel: a single number serves every channel."""
    b = as_tensor(bias, "bias", ndim=(0, 1), layout=f"one number, or {c_o}: one per output "
                                                    "channel")
    if b.dim() == 0:
        return (_as_bias(bias),) * c_o
    if len(b) != c_o:
        raise ValueError(f"bias has {len(b)} numbers but K has {c_o} output channel(s) "
                         "(K.shape[0]): give one number per output channel, or one for all")
    return tuple(map(float, bias.tolist() if isinstance(bias, torch.Tensor) else bias))


def _per_position(t: torch.Tensor) -> list:
    """`(c, m_h, m_w, k_h, k_w)` -> nested lists `[i][j]` of `[channel][cell]` tuples."""
    c, m_h, m_w = t.shape[:3]
    rows = t.detach().reshape(c, m_h, m_w, -1).permute(1, 2, 0, 3).tolist()
    return [[tuple(map(tuple, chans)) for chans in row] for row in rows]


def _sequence(op, X, K4, laid, parts: list[Parts], output, biases, sides: Sides, stride,
              dilation, *, multi: bool, **fields):
    """The StepSequence of a convolution with kernel `K4` (`c_o x c_i x k_h x k_w`; `laid`
    as it lies over the window): output channel after output channel, row-major in each.
    Without `multi` (a 2-D or 3-D K), `output`, `bias` and `kernel` lose that axis."""
    s = as_pair(stride, "stride", minimum=1)
    d = as_pair(dilation, "dilation", minimum=1)
    h, w = X.shape[-2:]
    k_h, k_w = parts[0].windows.shape[-2:]
    m_h, m_w = output.shape[1:]
    inputs = _per_position(parts[0].windows)
    values = output.tolist()
    pad_mask = _pad_mask(parts[0].padded.shape[-2:], (h, w), (sides.top, sides.left))
    is_pad = pad_mask.tolist()
    cells, in_padding = {}, {}
    for i in range(m_h):
        for j in range(m_w):
            cells[i, j] = tuple(
                (i * s[0] + a * d[0], j * s[1] + b * d[1]) for a in range(k_h) for b in range(k_w)
            )[:: -1 if fields.get("flip") else 1]
            in_padding[i, j] = tuple(is_pad[r][c] for r, c in cells[i, j])
    records = []
    for o, part in enumerate(parts):
        weights = tuple(map(tuple, K4[o].reshape(K4.shape[1], -1).tolist()))
        products = _per_position(part.products)
        sums = part.partial.permute(1, 2, 0).tolist()
        for i in range(m_h):
            for j in range(m_w):
                records.append(Step(
                    index=len(records), out_pos=(i, j), value=values[o][i][j],
                    cells=cells[i, j], in_padding=in_padding[i, j], inputs=inputs[i][j],
                    weights=weights, products=products[i][j], partial_sums=tuple(sums[i][j]),
                    bias=biases[o], out_channel=o,
                ))
    return StepSequence(
        op, tuple(X.shape), parts[0].padded.detach(), pad_mask, laid if multi else laid[0],
        (k_h, k_w),
        sides, s, d, biases if multi else biases[0], (output if multi else output[0]).detach(),
        tuple(records), uncovered=_uncovered(records, pad_mask.shape), **fields,
    )
