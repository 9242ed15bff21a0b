"""Chapter 2's padding and stride explorer: every setting of a convolution's geometry,
on an input whose cells show their own index."""

from __future__ import annotations

import ipywidgets as widgets
import torch

from ..ops import PADDING_MODES
from ..steps import StepSequence, conv2d_steps
from .base import NEEDS_KERNEL
from .player import Player

PADDING_CHOICES = {"0": 0, "1": 1, "2": 2, "3": 3, "(1, 2)": (1, 2), "(0, 1, 0, 1)": (0, 1, 0, 1),
                 "'same'": "same", "'valid'": "valid"}


def padding_steps(*, input_rows: int, input_columns: int, kernel_rows: int, kernel_columns: int,
                  padding="0", padding_mode: str = "zeros", stride_rows: int = 1,
                  stride_columns: int = 1, dilation: int = 1) -> StepSequence:
    """Steps of a `kernel_rows x kernel_columns` kernel of ones over the input
    `torch.arange(rows * columns)` (so every cell shows its own index); `padding`
    is a key of PADDING_CHOICES or any padding `corr2d` takes."""
    X = torch.arange(float(input_rows * input_columns)).reshape(input_rows, input_columns)
    K = torch.ones(kernel_rows, kernel_columns)
    padding = PADDING_CHOICES.get(padding, padding) if isinstance(padding, str) else padding
    return conv2d_steps(X, K, padding=padding, stride=(stride_rows, stride_columns),
                        dilation=dilation, padding_mode=padding_mode)


def padding_explorer(*, rows: int = 5, columns: int = 10, kernel: int = 3, stride: int = 2,
                     title: str = "padding and stride explorer") -> Player:
    """A Player with a control for input size, kernel size, padding (in each form
    nn.Conv2d and F.pad take), padding mode, stride and dilation, per axis where
    they differ. It starts on `rows x columns`, a `kernel`-square kernel and `stride`."""
    def menu(name, options, value=None):
        # menus, not sliders: seven sliders side by side would give each value 5 px of track
        return widgets.Dropdown(options=options, value=value, description=name,
                                tooltip=f"{name}{NEEDS_KERNEL}",
                                layout=widgets.Layout(width="250px"),
                                style={"description_width": "105px"})

    def numbers(name, value, low, high):
        return menu(name, [(str(v), v) for v in range(low, high + 1)], value)

    controls = {
        "input_rows": numbers("input_rows", rows, 1, 10),
        "input_columns": numbers("input_columns", columns, 1, 10),
        "kernel_rows": numbers("kernel_rows", kernel, 1, 5),
        "kernel_columns": numbers("kernel_columns", kernel, 1, 5),
        "padding": menu("padding", list(PADDING_CHOICES), "0"),
        "padding_mode": menu("padding_mode", list(PADDING_MODES), "zeros"),
        "stride_rows": numbers("stride_rows", stride, 1, 4),
        "stride_columns": numbers("stride_columns", stride, 1, 4),
        "dilation": numbers("dilation", 1, 1, 3),
    }
    # nine settings that change one another's frames: the kernel serves them all (a stored
    # padding mode would draw alike at padding 0)
    return Player(padding_steps, controls, title=title, max_settings=1)
