"""Chapter 3's exercises: one value of a two-channel cross-correlation, a layer's
parameters and multiply-adds, the shape after a Conv1d on embeddings, and the weights
of a depthwise-separable block."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .engine import Exercise, Mistake, register
from .forms import Shape, WholeNumber


def _parameters(*layers: nn.Module) -> int:
    return sum(p.numel() for layer in layers for p in layer.parameters())


# -- 1. one output value of a two-channel input ------------------------------------------

X1 = torch.tensor([[[1.0, 2, 0], [3, 1, 2], [0, 4, 1]],
                   [[2.0, 0, 1], [1, 3, 0], [2, 1, 2]]])
K1 = torch.tensor([[[1.0, 2], [0, 1]],
                   [[0.0, 1], [2, -1]]])
POS1 = (1, 0)


def _partial(channel: int, pos=POS1) -> int:
    """Channel `channel`'s own cross-correlation at `pos`."""
    one = slice(channel, channel + 1)
    return int(F.conv2d(X1[None, one], K1[None, one])[0, 0][pos])


def _multi_in_value(pos=POS1) -> int:
    return int(F.conv2d(X1[None], K1[None])[0, 0][pos])


register(Exercise(
    name="ch3.multi_in_value",
    form=WholeNumber(unit=None),  # a sum of products of whole numbers, not a count
    solution=_multi_in_value,
    praise="Channel 0 gives 9, channel 1 gives 6, and the output adds them: 15.",
    hint="Put the 2 x 2 window at row 1, column 0 of each channel, multiply by that "
         "channel's kernel slice, add the products, then add the two channels' sums.",
    mistakes=(
        Mistake(_partial(0), "That is channel 0's partial sum alone. Channel 1 has its own "
                             "slice of the kernel; add its partial sum too."),
        Mistake(_partial(1), "That is channel 1's partial sum alone; add channel 0's."),
        Mistake(_multi_in_value((0, 1)), "That is the output at row 0, column 1. The question "
                                         "asks for row 1, column 0."),
    ),
))


# -- 2. the parameters of a layer -----------------------------------------------------------

def _layer_parameters() -> int:
    return _parameters(nn.Conv2d(3, 16, kernel_size=5))


register(Exercise(
    name="ch3.parameters",
    form=WholeNumber("parameters"),
    solution=_layer_parameters,
    praise="16 filters of 3 x 5 x 5 weights make 1,200, plus one bias per output channel.",
    hint="Count the weight tensor c_o x c_i x k_h x k_w, then one bias per output channel.",
    mistakes=(
        Mistake(16 * 3 * 25, "Those are the weights; the layer also has 16 biases, one per "
                             "output channel."),
        Mistake(16 * 25 + 16, "Each filter has one 5 x 5 slice per input channel: there are 3 "
                              "input channels."),
        Mistake(16 * 3 * 25 + 16 * 3, "One bias per pair of channels? The bias is added after "
                                      "the sum over input channels: one per output channel."),
    ),
))


# -- 3. the multiply-adds of a layer -----------------------------------------------------------

def _multiply_adds() -> int:
    # imported here: it loads PyTorch's compiler, 36 MB and 0.5 s in every kernel
    from torch.utils.flop_counter import FlopCounterMode

    x = torch.empty(1, 3, 32, 32, device="meta")
    with FlopCounterMode(display=False) as counter:
        nn.Conv2d(3, 8, 3, padding=1, device="meta")(x)
    return counter.get_total_flops() // 2  # the counter counts a multiply-add as two


register(Exercise(
    name="ch3.multiply_adds",
    form=WholeNumber("multiply-adds"),
    solution=_multiply_adds,
    praise="8 x 32 x 32 output values, each a sum of 3 x 3 x 3 = 27 products.",
    hint="Find the output shape first (padding 1 keeps 32 x 32); every output value costs "
         "c_i k_h k_w multiply-adds.",
    mistakes=(
        Mistake(2 * 3 * 8 * 9 * 32 * 32, "That is FlopCounterMode's figure: it counts every "
                                         "multiply-add as two operations. Halve it."),
        Mistake(3 * 8 * 9 * 30 * 30, "With padding=1 a 3 x 3 kernel keeps the size: the "
                                     "output is 32 x 32, not 30 x 30."),
        Mistake(8 * 9 * 32 * 32, "Each output value sums over all 3 input channels, not "
                                 "one."),
        Mistake(3 * 8 * 9 * 32 * 32 + 8 * 32 * 32,
                "That adds the bias's 8 x 32 x 32 additions; the question leaves the bias "
                "out."),
    ),
))


# -- 4. a Conv1d on a batch of embeddings -----------------------------------------------------

BATCH, WORDS, FEATURES = 4, 50, 300


def _conv1d_shape() -> tuple[int, ...]:
    embedded = torch.zeros(BATCH, WORDS, FEATURES, device="meta")  # (N, L, E)
    conv = nn.Conv1d(FEATURES, 100, kernel_size=3, device="meta")
    return tuple(conv(embedded.transpose(1, 2)).shape)


SHAPE = Shape(3, "(2, 8, 10)")

register(Exercise(
    name="ch3.conv1d_shape",
    form=SHAPE,
    solution=_conv1d_shape,
    praise="Batch 4, 100 output channels, and 50 - 3 + 1 = 48 positions along the words.",
    hint="After transpose(1, 2) the tensor is (N, C, L) = (4, 300, 50); the window slides "
         "along the 50 words, and the layer turns 300 channels into 100.",
    mistakes=(
        Mistake((BATCH, 48, 100), "nn.Conv1d puts the channels second: (N, C_out, L_out), "
                                  "not (N, L_out, C_out)."),
        Mistake((BATCH, 100, FEATURES - 2), "The window slides along the words (50 of them); "
                                            "the 300 embedding features are the channels."),
        Mistake((BATCH, 100, WORDS), "Without padding a kernel of 3 loses 2 positions: "
                                     "50 - 3 + 1."),
    ),
))


# -- 5. a depthwise-separable block ------------------------------------------------------------

C_IN, C_OUT, K5 = 64, 128, 5  # not the chapter's worked example (32 -> 64, 3 x 3)


def _separable_weights(k: int = K5) -> int:
    depthwise = nn.Conv2d(C_IN, C_IN, k, groups=C_IN, bias=False)
    pointwise = nn.Conv2d(C_IN, C_OUT, 1, bias=False)
    return _parameters(depthwise, pointwise)


register(Exercise(
    name="ch3.separable_weights",
    form=WholeNumber("weights"),
    solution=_separable_weights,
    praise="64 depthwise 5 x 5 kernels (1,600 weights) and a 128 x 64 pointwise layer "
           "(8,192).",
    hint="Count each layer's weight tensor: c_o x (c_i / groups) x k_h x k_w.",
    mistakes=(
        Mistake(_parameters(nn.Conv2d(C_IN, C_OUT, K5, bias=False)),
                "That is an ordinary 5 x 5 layer from 64 to 128 channels, the layer the block "
                "stands in for."),
        Mistake(C_IN * C_IN * K5 * K5 + C_OUT * C_IN,
                "With groups=64 each output channel of the depthwise layer reads one input "
                "channel, so its weight is 64 x 1 x 5 x 5."),
        Mistake(C_IN * K5 * K5, "That is the depthwise layer alone; add the 1 x 1 layer's "
                                "weights."),
        Mistake(C_OUT * C_IN, "That is the 1 x 1 layer alone; add the depthwise layer's "
                              "64 x 1 x 5 x 5."),
        Mistake(_separable_weights() + C_IN + C_OUT,
                "Both layers have bias=False: count weights only."),
        Mistake(_separable_weights(3), "That is the block with 3 x 3 kernels, as in the "
                                       "chapter's example; here they are 5 x 5."),
        Mistake(32 * 9 + 64 * 32, "That is the chapter's worked example, from 32 to 64 "
                                  "channels; this block goes from 64 to 128."),
    ),
))
