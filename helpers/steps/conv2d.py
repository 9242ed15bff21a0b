"""The steps of a 2-D convolution: one record per window position, output channel by
output channel, row-major in each."""

from __future__ import annotations

import torch

from .._args import Sides, as_biases, as_tensor
from ..ops import Parts, correlate_parts
from .code import argument_name, conv_code
from .records import pad_mask, uncovered
from .window2d import Step, StepSequence, per_position


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
    multi = K.dim() == 4
    c_o = K.shape[0] if multi else 1
    if multi:
        biases = as_biases(bias, c_o, forms=f"a single number or {c_o}, one per output channel",
                           owner=f"K has {c_o} output channel(s) (K.shape[0])")
    else:  # one output channel
        biases = as_biases(bias, 1, forms="a single number", owner=None)
    if not isinstance(flip, bool):
        raise ValueError(f"flip must be True or False, got {flip!r}")
    inputs = X[None] if X.dim() == 2 else X
    kernels = K.detach()[(None,) * (4 - K.dim())]  # c_o x c_i x k_h x k_w
    over_window = kernels.flip(-2, -1) if flip else kernels  # as it lies over the window
    with torch.no_grad():
        parts = [correlate_parts(inputs, k, padding=padding, stride=stride, dilation=dilation,
                                 padding_mode=padding_mode) for k in over_window]
        output = torch.stack([p.partial.sum(0) + b for p, b in zip(parts, biases, strict=True)])
    if flip:  # read each window backwards, so that cell n meets K's weight n
        parts = [p._replace(windows=p.windows.flip(-2, -1), products=p.products.flip(-2, -1))
                 for p in parts]
    (top, bottom), (left, right) = parts[0].pads
    sides = Sides(left, right, top, bottom)
    k_name = argument_name("K", given[1])
    code = conv_code(
        argument_name("X", given[0]), f"{k_name}.flip(-2, -1)" if flip else k_name,
        x_dims=X.dim(), k_dims=K.dim(), padding=padding, sides=sides,
        padding_mode=padding_mode, stride=parts[0].stride, dilation=parts[0].dilation,
        bias=biases,
    )
    mask = pad_mask(parts[0].padded.shape[-2:], (top, left), X.shape[-2:])
    records = _records(parts, kernels, output, biases, mask.tolist(), flip)
    return StepSequence(
        "convolution" if flip else "corr2d", tuple(X.shape), parts[0].padded.detach(), mask,
        over_window if multi else over_window[0], tuple(parts[0].windows.shape[-2:]), sides,
        parts[0].stride, parts[0].dilation, biases if multi else biases[0],
        (output if multi else output[0]).detach(), records, flip=flip,
        padding_mode=padding_mode, code=code,
        uncovered=uncovered(records, parts[0].padded.shape[-2:]),
    )


def _records(parts: list[Parts], kernels, output, biases, is_pad: list, flip: bool):
    """The records of a convolution with `kernels` (`c_o x c_i x k_h x k_w`, in K's own
    order; `is_pad[r][c]` is True on padding): output channel after output channel,
    row-major in each."""
    s, d = parts[0].stride, parts[0].dilation
    k_h, k_w = parts[0].windows.shape[-2:]
    m_h, m_w = output.shape[1:]
    inputs = per_position(parts[0].windows)
    values = output.tolist()
    cells, in_padding = {}, {}
    for i in range(m_h):
        for j in range(m_w):
            cells[i, j] = tuple(
                (i * s[0] + a * d[0], j * s[1] + b * d[1]) for a in range(k_h) for b in range(k_w)
            )[:: -1 if flip else 1]
            in_padding[i, j] = tuple(is_pad[r][c] for r, c in cells[i, j])
    records = []
    for o, part in enumerate(parts):
        weights = tuple(map(tuple, kernels[o].reshape(kernels.shape[1], -1).tolist()))
        products = per_position(part.products)
        sums = part.partial.permute(1, 2, 0).tolist()
        for i in range(m_h):
            for j in range(m_w):
                records.append(Step(
                    index=len(records), out_pos=(i, j), value=values[o][i][j],
                    cells=cells[i, j], in_padding=in_padding[i, j], inputs=inputs[i][j],
                    weights=weights, products=products[i][j], partial_sums=tuple(sums[i][j]),
                    bias=biases[o], out_channel=o,
                ))
    return tuple(records)
