"""Receptive fields: which cells of each earlier layer an output cell depends on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ._args import Pair, as_pair
from .ops import conv_output_shape


def layer_geometry(layer) -> dict[str, Pair]:
    """kernel_size, padding, stride and dilation of a layer, as (rows, cols) pairs.

    `layer` is a mapping with those keys (only kernel_size is required) or a
    torch layer that has them as attributes (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d).
    """
    get = layer.get if isinstance(layer, Mapping) else lambda k, d=None: getattr(layer, k, d)
    if get("kernel_size") is None:
        raise ValueError(f"a layer needs a kernel_size, got {layer!r}")
    kernel = as_pair(get("kernel_size"), "kernel_size", minimum=1)
    padding = get("padding", 0)
    if isinstance(padding, str):
        raise ValueError(f"padding={padding!r} is not supported here: give the number of cells")
    stride = get("stride", 1)
    return {
        "kernel_size": kernel,
        "padding": as_pair(padding, "padding", minimum=0),
        "stride": as_pair(kernel if stride is None else stride, "stride", minimum=1),
        "dilation": as_pair(get("dilation", 1), "dilation", minimum=1),
    }


def layer_sizes(input_size, layers: Sequence) -> list[Pair]:
    """The (height, width) of the input and of every layer's output."""
    sizes = [as_pair(input_size, "input_size", minimum=1)]
    for n, layer in enumerate(layers, 1):
        geometry = layer_geometry(layer)
        try:
            sizes.append(conv_output_shape(sizes[-1], **geometry))
        except ValueError as error:
            raise ValueError(f"layer {n}: {error}") from None
    return sizes


def receptive_field(input_size, layers: Sequence, out_pos) -> list[set[Pair]]:
    """The cells that cell `out_pos` of the last layer's output depends on.

    Returns one set per level: `[input cells, layer 1 cells, ..., {out_pos}]`.
    Padding cells are left out (they hold constants, not inputs).
    """
    if not layers:
        raise ValueError("layers must hold at least one layer")
    sizes = layer_sizes(input_size, layers)
    i, j = as_pair(out_pos, "out_pos", minimum=0)
    if i >= sizes[-1][0] or j >= sizes[-1][1]:
        raise ValueError(f"out_pos {(i, j)} is outside the last output, of size {sizes[-1]}")
    fields = [{(i, j)}]
    for layer, (h, w) in zip(reversed(layers), reversed(sizes[:-1]), strict=True):
        g = layer_geometry(layer)
        (k_h, k_w), (p_h, p_w) = g["kernel_size"], g["padding"]
        (s_h, s_w), (d_h, d_w) = g["stride"], g["dilation"]
        below = set()
        for r, c in fields[0]:
            for a in range(k_h):
                row = r * s_h + a * d_h - p_h
                if 0 <= row < h:
                    below.update((row, c * s_w + b * d_w - p_w) for b in range(k_w)
                                 if 0 <= c * s_w + b * d_w - p_w < w)
        fields.insert(0, below)
    return fields
