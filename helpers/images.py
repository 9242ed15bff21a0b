"""Pictures the book uses, from files that ship with its dependencies (nothing is downloaded)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from matplotlib import cbook

from ._args import as_pair
from .ops import pool2d


def sample_photo(shrink: int = 4) -> torch.Tensor:
    """Grace Hopper's portrait from matplotlib's sample data, in grey.

    Returns an `h x w` float tensor in [0, 1]: the 600 x 512 photograph averaged
    over `shrink x shrink` blocks (150 x 128 by default).
    """
    shrink = as_pair(shrink, "shrink", minimum=1)[0]
    path = cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    rgb = torch.from_numpy(plt.imread(path).copy()).float() / 255
    return pool2d(rgb.mean(-1), shrink, "avg", stride=shrink)


def show_images(images: dict, *, columns: int = 3, size: float = 2.6):
    """Show named 2-D tensors side by side and return the figure.

    Images in [0, 1] are drawn in grey; images with negative values (edge maps)
    in a diverging orange-purple map centred on zero, readable by colour-blind readers.
    """
    rows = -(-len(images) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(size * columns, size * rows),
                             squeeze=False, layout="constrained")
    for ax, (name, image) in zip(axes.flat, images.items(), strict=False):
        data = torch.as_tensor(image).detach().float()
        if data.min() < 0:
            limit = float(data.abs().max())
            shown = ax.imshow(data, cmap="PuOr", vmin=-limit, vmax=limit)
            fig.colorbar(shown, ax=ax, shrink=0.8)
        else:
            ax.imshow(data, cmap="gray", vmin=0, vmax=max(1.0, float(data.max())))
        ax.set_title(name)
    for ax in axes.flat:
        ax.set_axis_off()
    return fig
