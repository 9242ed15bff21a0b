"""The steps of 2-D max and average pooling: one record per window position, channel
after channel, row-major in each."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from .._args import Sides, as_tensor
from ..ops import pool_parts
from .code import argument_name, pool_code
from .records import pad_mask, uncovered
from .window2d import PoolSequence, Step, per_position


def pool2d_steps(X, pool_size, *, mode="max", padding=0, stride=1, ceil_mode=False,
                 count_include_pad=True) -> PoolSequence:
    """Steps of `pool2d` on an `h x w` or `c x h x w` input, channel after channel.

    Max pooling's padding holds -inf; average pooling's holds zeros, and each
    record's `divisor` is what PyTorch divides that window's sum by.
    """
    given = X
    X = as_tensor(X, "X", ndim=(2, 3), layout="height, width or channels, height, width")
    with torch.no_grad():
        parts = pool_parts(X if X.dim() == 3 else X[None], pool_size, mode, padding=padding,
                           stride=stride, ceil_mode=ceil_mode,
                           count_include_pad=count_include_pad)
    p, s = (parts.pads[0][0], parts.pads[1][0]), parts.stride
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
    mask = pad_mask(padded.shape[-2:], p, X.shape[-2:])
    is_pad = mask.tolist()
    inputs = per_position(parts.windows)
    values = parts.partial.tolist()
    divisors = parts.divisor.tolist() if parts.divisor is not None else None
    padding_not_counted = mode == "avg" and not count_include_pad
    records = []
    for ch in range(c):
        for i in range(m_h):
            for j in range(m_w):
                cells = tuple((i * s[0] + a, j * s[1] + b)
                              for a in range(k[0]) for b in range(k[1]))
                past = [r >= room[0] or col >= room[1] for r, col in cells]
                pad = tuple(is_pad[r][col] for r, col in cells)
                counted = tuple(not (out or (padding_not_counted and q))
                                for out, q in zip(past, pad, strict=True))
                records.append(Step(
                    index=len(records), out_pos=(i, j), value=values[ch][i][j], cells=cells,
                    in_padding=pad, inputs=(inputs[i][j][ch],), channel=ch, out_channel=ch,
                    counted=counted,
                    divisor=None if divisors is None else divisors[i][j],
                ))
    output = parts.partial if X.dim() == 3 else parts.partial[0]
    options = {"ceil_mode": True} if ceil_mode else {}
    if padding_not_counted:
        options["count_include_pad"] = False
    code = pool_code(mode, argument_name("X", given), k, p, s, unbatched=X.dim() == 2,
                     **options)
    return PoolSequence(
        f"{mode} pool", tuple(X.shape), padded, mask, None, k, Sides(p[1], p[1], p[0], p[0]),
        s, (1, 1), 0.0, output, tuple(records), ceil_mode=ceil_mode,
        count_include_pad=count_include_pad, beyond=beyond, dropped=dropped, code=code,
        uncovered=uncovered(records, room),
    )


def _dropped_start(room: int, k: int, s: int, m: int) -> int | None:
    """Where the window after the last one would start, if ceil mode dropped it."""
    naive = -(-(room - k) // s) + 1  # the ceiling formula, before PyTorch's correction
    return (naive - 1) * s if naive > m else None
