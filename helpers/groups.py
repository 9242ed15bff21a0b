"""Grouped convolutions: which input channels each output channel reads, asked of PyTorch."""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
import torch.nn.functional as F

from ._args import as_pair


def connections(in_channels: int, out_channels: int, groups: int = 1) -> torch.Tensor:
    """A `c_o x c_i` table of booleans: True where output channel o depends on input
    channel c in `nn.Conv2d(c_i, c_o, k, groups=groups)`.

    Found by differentiating `F.conv2d` with the layer's weight shape
    (`c_o x c_i / groups x 1 x 1`, all ones) rather than from the rule, so the table is
    PyTorch's own answer. Raises ValueError when a channel count is not divisible by
    `groups`, as nn.Conv2d does.
    """
    c_i, c_o = (as_pair(n, name, minimum=1)[0] for n, name in
                ((in_channels, "in_channels"), (out_channels, "out_channels")))
    g = as_pair(groups, "groups", minimum=1)[0]
    for n, name in ((c_i, "in_channels"), (c_o, "out_channels")):
        if n % g:
            raise ValueError(f"{name} must be divisible by groups: {n} channels do not split "
                             f"into {g} groups")
    x = torch.ones(1, c_i, 1, 1, requires_grad=True)
    weight = torch.ones(c_o, c_i // g, 1, 1)
    rows = []
    for o in range(c_o):
        (grad,) = torch.autograd.grad(F.conv2d(x, weight, groups=g)[0, o].sum(), x)
        rows.append(grad.flatten() != 0)
    return torch.stack(rows)


def show_connections(tables: dict, *, cell: float = 0.32):
    """Draw named `c_o x c_i` connection tables side by side: a filled square where output
    channel o (row) reads input channel c (column). Returns the figure."""
    tables = {name: torch.as_tensor(t).bool() for name, t in tables.items()}
    widths = [t.shape[1] for t in tables.values()]
    height = max(t.shape[0] for t in tables.values())
    fig, axes = plt.subplots(1, len(tables), squeeze=False, width_ratios=widths,
                             figsize=(cell * (sum(widths) + 2.2 * len(tables)),
                                      cell * (height + 3.5)), layout="constrained")
    for ax, (name, table) in zip(axes.flat, tables.items(), strict=True):
        c_o, c_i = table.shape
        ax.imshow(table.float().numpy(), cmap="Blues", vmin=-0.25, vmax=1.2)
        ax.set_title(f"{name}\n{int(table.sum())} of {table.numel()} pairs", fontsize=10)
        ax.set_xticks(range(c_i))
        ax.set_yticks(range(c_o))
        ax.set_xticks([x - 0.5 for x in range(1, c_i)], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, c_o)], minor=True)
        ax.grid(which="minor", color="white", linewidth=1.5)
        ax.tick_params(which="both", length=0, labelsize=8)
        ax.set_xlabel("input channel")
        ax.set_ylabel("output channel")
    return fig
