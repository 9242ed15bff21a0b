"""Chapter 4's exercises: a 1x1 layer's parameters, one pixel's output column, two layers
merged into one, the cost of a squeeze before a 5x5 layer, and the pixels as rows."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .engine import Exercise, Mistake, register
from .forms import Numbers, WholeNumber

# -- 1. the parameters of a 1x1 layer ------------------------------------------------

def _parameters() -> int:
    return sum(p.numel() for p in nn.Conv2d(64, 256, kernel_size=1).parameters())


register(Exercise(
    name="ch4.parameters",
    form=WholeNumber("parameters"),
    solution=_parameters,
    praise="256 x 64 = 16,384 weights and 256 biases, one per output channel.",
    hint="Count c_o x c_i weights, then the biases: one per output channel.",
    mistakes=(
        Mistake(256 * 64, "That counts the weights only; the layer also has a bias for each "
                          "output channel."),
        Mistake(2 * 256 * 64, "That gives every pair of channels its own bias. A bias is "
                              "added after the sum over input channels: one per output "
                              "channel."),
        Mistake(256 * 64 + 64, "Right weights, but one bias per input channel? The bias "
                               "belongs to the output: one for each of the 256 output "
                               "channels."),
    ),
))


# -- 2. one pixel's output column ----------------------------------------------------

X2 = torch.arange(8.0).reshape(2, 2, 2)
W2 = torch.tensor([[1.0, -1.0], [2.0, 1.0], [0.0, 3.0]])
B2 = torch.tensor([1.0, 0.0, -1.0])


def _column() -> list[float]:
    return F.conv2d(X2, W2[:, :, None, None], B2)[:, 1, 0].tolist()


def _layer_on(v: torch.Tensor) -> list[float]:
    return (W2 @ v + B2).tolist()


VECTOR = Numbers(1, "a list of 3 numbers, e.g. [1, 2, 3]",
                 ("[-3, 10, 17]", [[-3.0, 10.0, 17.0]], [True, False, True], ["a", "b", "c"],
                  -3.0))

register(Exercise(
    name="ch4.pixel_column",
    form=VECTOR,
    solution=_column,
    praise="W v + b with v = X2[:, 1, 0] = (2, 6).",
    hint="Take v = X2[:, 1, 0], one value per channel, then compute W v + b: 3 numbers, one "
         "per output channel.",
    mistakes=(
        Mistake((W2 @ X2[:, 1, 0]).tolist(), "Close: that is W v. Add the bias b too."),
        Mistake(_layer_on(X2[:, 0, 1]), "That is the pixel at row 0, column 1; the question "
                                        "asks for row 1, column 0."),
        Mistake(_layer_on(X2[0, 1, :]), "v is a column through the channels, X2[:, 1, 0], "
                                        "not a row of one channel."),
    ),
))


# -- 3. two stacked layers as one ------------------------------------------------------

A3 = torch.tensor([[1.0, 2.0], [0.0, 1.0]])
B3 = torch.tensor([[0.0, 1.0], [1.0, 1.0]])


def _merged() -> torch.Tensor:
    """The merged weight matrix, read off by passing the pixel vectors (1, 0) and (0, 1)
    through both layers: column c of the matrix is what (the c-th unit vector) becomes."""
    pixels = torch.eye(2).reshape(2, 2, 1)  # 2 channels, 2 x 1 pixels: pixel c is e_c
    twice = F.conv2d(F.conv2d(pixels, A3[:, :, None, None]), B3[:, :, None, None])
    return twice.reshape(2, 2)


MATRIX = Numbers(2, "a 2 x 2 tensor, e.g. torch.tensor([[1.0, 0.0], [0.0, 1.0]])",
                 ("[[0, 1], [1, 3]]", [0.0, 1.0, 1.0, 3.0], [[True, False], [False, True]],
                  torch.ones(1, 2, 2), 3.0))

register(Exercise(
    name="ch4.merge",
    form=MATRIX,
    solution=_merged,
    praise="B @ A: the layer applied first stands on the right, B (A v) = (B A) v.",
    hint="Write what the second layer does to the first one's output, B (A v), and group "
         "the matrices.",
    mistakes=(
        Mistake((A3 @ B3).tolist(), "That is A @ B, which applies B first. Here A acts "
                                    "first: B (A v) = (B A) v."),
        Mistake((A3 + B3).tolist(), "Layers in a row compose: multiply the matrices, do not "
                                    "add them."),
    ),
))


# -- 4. the cost of a squeeze before a 5x5 layer ------------------------------------------

SIZE, C_IN, SQUEEZED, C_OUT = 28, 192, 16, 32  # GoogLeNet's inception (3a), its 5x5 branch


def _multiply_adds(*layers: nn.Module, c_in: int = C_IN) -> int:
    """What PyTorch counts for `layers` on a SIZE x SIZE input, in multiply-adds."""
    # imported here: it loads PyTorch's compiler, 36 MB and 0.5 s in every kernel
    from torch.utils.flop_counter import FlopCounterMode

    x = torch.empty(1, c_in, SIZE, SIZE, device="meta")
    with FlopCounterMode(display=False) as counter:
        nn.Sequential(*layers)(x)
    return counter.get_total_flops() // 2  # two operations per multiply-add


def _by_formula(*layers: nn.Conv2d, c_in: int = C_IN) -> int:
    """The same count by the chapter's formula: every output value of a layer costs
    c_i / groups x k_h x k_w multiply-adds (the mistakes are counted this way, at import)."""
    x, total = torch.empty(1, c_in, SIZE, SIZE, device="meta"), 0
    for layer in layers:
        x = layer(x)
        k_h, k_w = layer.kernel_size
        total += x.numel() * layer.in_channels // layer.groups * k_h * k_w
    return total


def _squeeze(padding: int = 2) -> tuple[nn.Module, nn.Module]:
    return (nn.Conv2d(C_IN, SQUEEZED, 1, bias=False, device="meta"),
            nn.Conv2d(SQUEEZED, C_OUT, 5, padding=padding, bias=False, device="meta"))


register(Exercise(
    name="ch4.squeeze_cost",
    form=WholeNumber("multiply-adds"),
    solution=lambda: _multiply_adds(*_squeeze()),
    praise="28 x 28 pixels times (192 x 16 for the 1x1 layer + 16 x 32 x 25 for the 5x5 "
           "one): a tenth of the 120 million a direct 5x5 layer from 192 channels needs.",
    hint="Count each layer at every one of the 28 x 28 pixels: c_o x c_i x k_h x k_w "
         "multiply-adds per pixel, then add the two layers.",
    mistakes=(
        Mistake(2 * _by_formula(*_squeeze()),
                "That is what FlopCounterMode reports: it counts a multiply-add as two "
                "operations. Halve it."),
        Mistake(_by_formula(_squeeze()[0]),
                "That is the 1x1 layer alone; add the 5x5 layer on its 16 channels."),
        Mistake(_by_formula(_squeeze()[1], c_in=SQUEEZED),
                "That is the 5x5 layer alone; add the 1x1 layer that feeds it."),
        Mistake(_by_formula(nn.Conv2d(C_IN, C_OUT, 5, padding=2, bias=False, device="meta")),
                "That is a 5x5 layer straight from 192 to 32 channels, without the squeeze."),
        Mistake(_by_formula(*_squeeze(padding=0)),
                "Padding 2 keeps the 5x5 layer's output at 28 x 28, not 24 x 24."),
    ),
))


# -- 5. the pixels as the rows of a matrix ----------------------------------------------

def _rows(X: torch.Tensor) -> torch.Tensor:
    """Row p: the channel vector of pixel p, pixels in reading order."""
    c_i, h, w = X.shape
    return X.permute(1, 2, 0).reshape(h * w, c_i)


ROWS = Numbers(2, "a 2-D tensor or a nested list, e.g. [[1, 2], [3, 4]]",
               ("[[0, 4], [1, 5]]", [0.0, 4.0, 1.0, 5.0], [[True, False]], [["a", "b"]], 4.0))

register(Exercise(
    name="ch4.pixel_rows",
    form=ROWS,
    solution=lambda: _rows(X2),
    praise="One row per pixel, in reading order, each holding that pixel's 2 channel values: "
           "X2.permute(1, 2, 0).reshape(4, 2).",
    hint="Row p holds pixel p's channel vector: pixel (0, 0) first, then (0, 1), (1, 0) and "
         "(1, 1), and the values of channel 0 and channel 1 at that pixel.",
    mistakes=(
        Mistake(X2.reshape(4, 2),
                "That is X2.reshape(4, 2) without permute. It reads the numbers in the order "
                "of X2's axes (c, h, w), all of channel 0 first, so each row holds two "
                "pixels of one channel. A row must hold one pixel's 2 channel values."),
        Mistake(X2.reshape(2, 4),
                "Those are the pixels as columns, X2.reshape(2, 4), the form W X_cols takes. Here "
                "each pixel is a row: transpose it."),
        Mistake(X2.permute(2, 1, 0).reshape(4, 2),
                "Right rows, wrong order: you read the pixels column by column. Number them "
                "in reading order, row by row: (0, 0), (0, 1), (1, 0), (1, 1)."),
    ),
))
