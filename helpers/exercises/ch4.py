"""Chapter 4's exercises: what each wants, how it is judged, the likely mistakes."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

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


# -- 4. the cost of a 1x1 reduction ------------------------------------------------------

def _reduction_cost() -> int:
    x = torch.empty(1, 256, 56, 56, device="meta")
    with FlopCounterMode(display=False) as counter:
        nn.Conv2d(256, 64, 1, bias=False, device="meta")(x)
    return counter.get_total_flops() // 2  # two operations per multiply-add


register(Exercise(
    name="ch4.reduction_cost",
    form=WholeNumber("multiply-adds"),
    solution=_reduction_cost,
    praise="56 x 56 pixels, 64 outputs each, 256 multiply-adds per output.",
    hint="Each of the 56 x 56 pixels needs c_o outputs of c_i multiply-adds each.",
    mistakes=(
        Mistake(2 * 56 * 56 * 256 * 64, "That is what FlopCounterMode reports: it counts a "
                                        "multiply-add as two operations. Halve it."),
        Mistake(256 * 64, "That is the cost of one pixel; the layer runs at every one of the "
                          "56 x 56 pixels."),
        Mistake(9 * 56 * 56 * 256 * 64, "A 1x1 kernel has one weight per pair of channels, "
                                        "not 9."),
    ),
))
