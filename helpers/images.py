"""Pictures the book uses, from files that ship with its dependencies (nothing is downloaded)."""

from __future__ import annotations

from typing import NamedTuple

import matplotlib.pyplot as plt
import torch
from matplotlib import cbook

from ._args import as_pair
from .ops import pool2d


def sample_photo(shrink: int = 4, *, colour: bool = False) -> torch.Tensor:
    """Grace Hopper's portrait from matplotlib's sample data, in grey or in colour.

    Returns an `h x w` float tensor in [0, 1] (with `colour`, `3 x h x w`: red, green,
    blue): the 600 x 512 photograph averaged over `shrink x shrink` blocks (150 x 128 by
    default).
    """
    shrink = as_pair(shrink, "shrink", minimum=1)[0]
    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    rgb = torch.from_numpy(plt.imread(path).copy()).float() / 255
    return pool2d(rgb.permute(2, 0, 1) if colour else rgb.mean(-1), shrink, "avg", stride=shrink)


def show_images(images: dict, *, columns: int = 3, size: float = 2.6):
    """Show named images side by side and return the figure.

    A `3 x h x w` tensor is a colour picture (red, green, blue in [0, 1]). Of the 2-D
    ones, images in [0, 1] are drawn in grey; images with negative values (edge maps)
    in a diverging orange-purple map centred on zero, readable by colour-blind readers.
    """
    rows = -(-len(images) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(size * columns, size * rows),
                             squeeze=False, layout="constrained")
    for ax, (name, image) in zip(axes.flat, images.items(), strict=False):
        data = torch.as_tensor(image).detach().float()
        if data.dim() == 3:
            ax.imshow(data.clamp(0, 1).permute(1, 2, 0))
        elif data.min() < 0:
            limit = float(data.abs().max())
            shown = ax.imshow(data, cmap="PuOr", vmin=-limit, vmax=limit)
            fig.colorbar(shown, ax=ax, shrink=0.8)
        else:
            ax.imshow(data, cmap="gray", vmin=0, vmax=max(1.0, float(data.max())))
        ax.set_title(name)
    for ax in axes.flat:
        ax.set_axis_off()
    return fig


def show_feature_maps(maps, *, columns: int = 16, cell: float = 0.13):
    """One row per layer: every channel of its output side by side (a vector as one strip),
    all drawn with the same cell size (`cell` inches) so that rows compare.

    `maps` holds `(layer name, output)` pairs, as `feature_maps` returns them; at most
    `columns` channels a layer are drawn. Each layer has its own scale: white (0) to
    black for outputs without negative values, purple (positive) and orange (negative)
    otherwise.
    """
    tiles, y = [], 0.0
    for name, out in maps:
        out = torch.as_tensor(out).detach().float()
        grids = out if out.dim() == 3 else out.reshape(1, 1, -1)
        limit = max(float(out.abs().max()), 1e-12)
        scale = ("PuOr", -limit, limit) if (out < 0).any() else ("gray_r", 0.0, limit)
        y += 0.3 / cell  # a line of text
        tiles.append(_Tile(0, y, None, f"{name}: {'x'.join(map(str, out.shape))}", scale))
        for k, grid in enumerate(grids[:columns]):
            tiles.append(_Tile(k * (grid.shape[1] + 1), y, grid, "", scale))
        y += grids.shape[1] + 1
    return _tiles_figure(tiles, cell)


def show_digits(images: dict, *, columns: int = 10, cell: float = 0.14):
    """Named images (8 x 8 digits, say) in a grid, ink dark on white paper, each with its
    name above; one set of axes and no layout engine, so it draws fast."""
    tiles, items, y = [], list(images.items()), 0.0
    for start in range(0, len(items), columns):
        row = [(name, torch.as_tensor(image).detach().float())
               for name, image in items[start:start + columns]]
        top = max(max(float(image.max()) for _, image in row), 1.0)
        x, y = 0.0, y + 0.3 / cell
        for name, image in row:
            tiles.append(_Tile(x, y, image, name, ("gray_r", 0.0, top)))
            x += max(image.shape[1], len(name) * 0.09 / cell) + 1
        y += max(image.shape[0] for _, image in row) + 1
    return _tiles_figure(tiles, cell)


class _Tile(NamedTuple):
    x: float
    y: float
    image: torch.Tensor | None  # None: a label alone
    label: str
    scale: tuple  # (colour map, vmin, vmax)


def _tiles_figure(tiles: list, cell: float):
    """Draw tiles (grids in a grey frame, a label above) into one axes, `cell` inches a cell."""
    def size(t, axis):
        return t.image.shape[axis] if t.image is not None else 0

    width = max(t.x + size(t, 1) for t in tiles) + 0.5
    height = max(t.y + size(t, 0) for t in tiles) + 0.5
    fig = plt.figure(figsize=(cell * (width + 0.5), cell * (height + 0.5)))
    ax = fig.add_axes((0, 0, 1, 1))
    for t in tiles:
        if t.label:
            ax.text(t.x, t.y - 0.25, t.label, fontsize=9, va="bottom", ha="left")
        if t.image is None:
            continue
        h, w = t.image.shape
        cmap, vmin, vmax = t.scale
        ax.imshow(t.image.numpy(), cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest",
                  extent=(t.x, t.x + w, t.y + h, t.y))
        ax.add_patch(plt.Rectangle((t.x, t.y), w, h, fill=False, edgecolor="#999999",
                                   linewidth=0.8))
    ax.set_xlim(-0.5, width)
    ax.set_ylim(height, -0.5)
    ax.set_axis_off()
    return fig


def show_confusion(matrix, *, size: float = 4.6):
    """A confusion matrix (rows: true class, columns: answer) with its counts written in.

    Right answers (the diagonal) are drawn in blue, mistakes in orange, darker for more.
    """
    counts = torch.as_tensor(matrix)
    if counts.dim() != 2 or counts.shape[0] != counts.shape[1]:
        raise ValueError(f"matrix must be square, got shape {tuple(counts.shape)}")
    n = counts.shape[0]
    fig, ax = plt.subplots(figsize=(size, size), layout="constrained")
    diagonal = torch.eye(n, dtype=torch.bool)
    top = max(int(counts.max()), 1)
    right = torch.where(diagonal, counts, 0).float() / top
    wrong = torch.where(diagonal, 0, counts).float() / max(int(counts[~diagonal].max()), 1)
    blue, orange = torch.tensor([0.0, 0.45, 0.7]), torch.tensor([0.9, 0.38, 0.0])
    strength = (right + 0.8 * wrong)[..., None]
    colour = torch.where(diagonal[..., None], blue, orange)
    ax.imshow((1 - strength * (1 - colour)).numpy())
    for i in range(n):
        for j in range(n):
            if counts[i, j]:
                dark = strength[i, j, 0] > 0.5
                ax.text(j, i, str(int(counts[i, j])), ha="center", va="center",
                        color="white" if dark else "black", fontsize=9)
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("the network's answer")
    ax.set_ylabel("true digit")
    return fig


def show_counts(maps: dict, *, size: float = 3.2):
    """Heat maps of small integer grids (e.g. how many windows cover each cell), each cell
    labelled with its number; one colour scale for all, readable by colour-blind readers."""
    fig, axes = plt.subplots(1, len(maps), figsize=(size * len(maps), size), squeeze=False,
                             layout="constrained")
    top = max(float(torch.as_tensor(m).max()) for m in maps.values())
    for ax, (name, grid) in zip(axes.flat, maps.items(), strict=True):
        data = torch.as_tensor(grid).detach().float()
        shown = ax.imshow(data, cmap="viridis", vmin=0, vmax=top)
        for (r, c), v in zip(torch.cartesian_prod(*map(torch.arange, data.shape)).tolist(),
                             data.flatten().tolist(), strict=True):
            ax.text(c, r, f"{v:g}", ha="center", va="center",
                    color="black" if v > 0.6 * top else "white", fontsize=10)
        ax.set_title(name)
        ax.set_xticks(range(data.shape[1]))
        ax.set_yticks(range(data.shape[0]))
    fig.colorbar(shown, ax=axes[0, -1], shrink=0.8)
    return fig
