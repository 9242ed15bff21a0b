"""Chapter 5's exercises: what each wants, how it is judged, the likely mistakes."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from .engine import Exercise, Mistake, register
from .forms import Function, Grid, Numbers, WholeNumbers, WholePair, real_tensor

SIX = torch.zeros(1, 1, 6, 6)


def _without_batch(t: torch.Tensor, ndim: int) -> torch.Tensor:
    """`t` with its leading axes of one dropped, down to `ndim` axes: nn's layers return a
    batch (or a channel) of one around what the exercise asks for."""
    while t.dim() > ndim and t.shape[0] == 1:
        t = t[0]
    return t


def _one_map(answer, ndim: int = 2):
    """A pooled map as the reader may paste it: nn.MaxPool2d on a (1, h, w) input returns
    (1, h', w')."""
    return _without_batch(real_tensor(answer), ndim)


class PooledGrid(Grid):
    """A grid of a given shape; an nn layer's (1, h, w) output of that grid will do too."""

    def parse(self, answer) -> torch.Tensor:
        return super().parse(_one_map(answer))


class PooledNumbers(Numbers):
    """A 2-D grid of any shape; an nn layer's (1, h, w) output will do too."""

    def parse(self, answer) -> torch.Tensor:
        return super().parse(_one_map(answer, self.ndim))


def _ceil_shape() -> tuple[int, int]:
    return tuple(torch.nn.MaxPool2d(3, stride=2, ceil_mode=True)(SIX).shape[2:])


register(Exercise(
    name="ch5.ceil_shape",
    form=WholePair(),
    solution=_ceil_shape,
    praise="The windows start at 0, 2 and 4; the last one runs one cell past the input, "
           "and ceil_mode keeps it because it starts inside.",
    hint="List the window starts 0, 2, 4, ... that lie inside the 6 columns: each is one "
         "output.",
    mistakes=(
        Mistake(tuple(F.max_pool2d(SIX, 3, 2).shape[2:]),
                "(2, 2) is what the floor gives, without ceil_mode. Would one more window "
                "start inside the input?"),
        Mistake((4, 4), "A window starting at 6 would start past the input, and there is no "
                        "padding for it to start in: ceil_mode never keeps such a window."),
        Mistake((2, 3), "Both axes are alike here: the input is 6 x 6 and the window 3 x 3."),
    ),
))

X4 = torch.arange(16.0).reshape(1, 1, 4, 4)


def _without_padding() -> torch.Tensor:
    return F.avg_pool2d(X4, 2, 2, 1, count_include_pad=False)[0, 0]


register(Exercise(
    name="ch5.average_without_padding",
    form=PooledGrid((3, 3)),
    solution=_without_padding,
    praise="Corner windows hold one input cell, edge windows two, the middle one four: "
           "each sum is divided by what it really holds.",
    hint="Draw the 6 x 6 padded grid, cut it into 2 x 2 blocks, and average only the input "
         "cells in each block.",
    mistakes=(
        Mistake(F.avg_pool2d(X4, 2, 2, 1)[0, 0],
                "That divides every sum by 4, counting the padded zeros: what "
                "count_include_pad=True does."),
        Mistake(F.max_pool2d(F.pad(X4, (1, 1, 1, 1)), 2, 2)[0, 0],
                "Those are the maxima of the blocks; average pooling wants their means."),
        Mistake(F.avg_pool2d(X4, 2, 2, 1, divisor_override=1)[0, 0],
                "Those are the sums of the blocks: divide each by the number of input "
                "cells in it."),
    ),
))

WINNERS = torch.tensor([[1.0, 5, 2], [4, 3, 0], [2, 6, 1]])


def _max_gradient() -> torch.Tensor:
    X = WINNERS.clone().requires_grad_()
    F.max_pool2d(X[None], 2, 1).sum().backward()
    return X.grad


def _spread_gradient() -> torch.Tensor:
    X = WINNERS.clone().requires_grad_()
    F.avg_pool2d(X[None], 2, 1).sum().backward()
    return X.grad


register(Exercise(
    name="ch5.max_gradient",
    form=Grid((3, 3)),
    solution=_max_gradient,
    praise="5 and 6 each win two overlapping windows, so each collects 2; every other cell "
           "gets nothing.",
    hint="Find the winner of each of the four 2 x 2 windows; each window sends 1 to its "
         "winner, and a cell collects from every window it wins.",
    mistakes=(
        Mistake(_max_gradient().clamp(max=1),
                "The right cells. But each of them wins two windows, and each window sends 1."),
        Mistake(_spread_gradient(),
                "That spreads the gradient like average pooling. Max pooling sends each "
                "window's 1 to the one cell that won."),
        Mistake(torch.zeros(3, 3).index_put_((torch.tensor([0, 2]), torch.tensor([1, 1])),
                                              torch.tensor([5.0, 6.0])),
                "Those are the winning values. The gradient of a max with respect to its "
                "winner is 1 per window, whatever the value."),
    ),
))


def _concat_pool(X: torch.Tensor) -> torch.Tensor:
    """Each channel's maximum, then each channel's mean, as fastai's AdaptiveConcatPool2d."""
    return torch.cat([F.adaptive_max_pool2d(X, 1), F.adaptive_avg_pool2d(X, 1)]).flatten()


CHANNELS = Function.example.shape[0]


def _as_vector(out: torch.Tensor) -> bool:
    """Whether `out` holds 2 x channels numbers laid out as one vector (or as max and mean
    rows, or with nn's 1 x 1 maps, with or without a batch axis of one): flattening it keeps
    the maxima first."""
    return _without_batch(out, 1).shape in ((2 * CHANNELS,), (2, CHANNELS), (2 * CHANNELS, 1, 1))


def _holds(expected: torch.Tensor):
    return lambda out: _as_vector(out) and torch.allclose(out.flatten(), expected, atol=1e-5)


register(Exercise(
    name="ch5.max_and_average",
    form=Function(),
    solution=lambda: lambda X: torch.cat([X.amax(dim=(-2, -1)), X.mean(dim=(-2, -1))]),
    right=_holds(_concat_pool(Function.example)),
    praise="Two numbers per channel, its strongest response and its mean response: "
           "global max pooling and global average pooling side by side.",
    hint="Take the maximum of each channel over its height and width, then the mean the "
         "same way, and put the two vectors of one number per channel one after the "
         "other.",
    mistakes=(
        Mistake(lambda X: torch.cat([X.mean(dim=(-2, -1)), X.amax(dim=(-2, -1))]),
                "The right numbers, in the other order: first the maxima of the channels, "
                "then their means.",
                _holds(torch.cat([Function.example.mean(dim=(-2, -1)),
                                  Function.example.amax(dim=(-2, -1))]))),
        Mistake(lambda X: X.mean(dim=(-2, -1)),
                "Those are the channels' means alone, global average pooling: put each "
                "channel's maximum before them.",
                lambda out: out.numel() == CHANNELS and torch.allclose(
                    out.flatten(), Function.example.mean(dim=(-2, -1)), atol=1e-5)),
        Mistake(lambda X: torch.stack([X.max(), X.mean()]),
                "One maximum and one mean for the whole tensor: each channel needs its own, "
                "over its height and width.",
                lambda out: out.numel() == 2),
        Mistake(lambda X: torch.stack([X.amax(dim=(-2, -1)), X.mean(dim=(-2, -1))], dim=1),
                "Each channel's maximum and mean are right, but paired channel by channel: "
                "give all the maxima first, then all the means.",
                lambda out: out.shape == (CHANNELS, 2) and torch.allclose(
                    out.T.flatten(), _concat_pool(Function.example), atol=1e-5)),
    ),
))


X6 = torch.arange(36.0).reshape(1, 6, 6)


register(Exercise(
    name="ch5.default_stride",
    form=PooledNumbers(2, "a grid of numbers (height x width), a tensor or a nested list",
                       ("[[7, 9]]", 3.0, [7.0, 9.0], [[True, False]], torch.ones(2, 3, 3),
                        [[7, 9, 11], [19, 21]])),
    solution=lambda: nn.MaxPool2d(2)(X6)[0],
    praise="The stride defaults to the window, so the nine 2 x 2 blocks sit side by side, "
           "and each block's largest value is its bottom-right cell.",
    hint="Cut the 6 x 6 grid into 2 x 2 blocks that do not overlap, and keep the largest "
         "value of each.",
    mistakes=(
        Mistake(F.max_pool2d(X6, 2, stride=1)[0],
                "That is stride 1, the default of d2l's pool2d and helpers.pool2d. In "
                "nn.MaxPool2d the stride defaults to the window: 2 x 2 blocks side by side."),
        Mistake(F.avg_pool2d(X6, 2)[0],
                "The right blocks, but those are their means: max pooling keeps the largest."),
        Mistake(X6[0, ::2, ::2],
                "Those are the top-left cells of the blocks: the largest of each 2 x 2 block "
                "is its bottom-right cell."),
        Mistake(nn.MaxPool2d(3)(X6)[0],
                "That pools with 3 x 3 windows; nn.MaxPool2d(2) has 2 x 2 windows (and "
                "stride 2)."),
    ),
))

ROW = 8  # the exercise's row has 8 cells; the 1 starts at columns 0 .. 6
HALVES = nn.MaxPool2d((1, 2))


def _dot(column: int) -> torch.Tensor:
    x = torch.zeros(1, 1, 1, ROW)
    x[..., column] = 1
    return x


def _unchanged_columns() -> list[int]:
    """The columns c from which a move one column right leaves the pooled row as it is."""
    return [c for c in range(ROW - 1) if torch.equal(HALVES(_dot(c)), HALVES(_dot(c + 1)))]


def _columns(expected):
    return lambda answer: sorted(set(answer)) == list(expected)


register(Exercise(
    name="ch5.shift_tolerance",
    form=WholeNumbers(None, "[0, 5]"),
    solution=_unchanged_columns,
    right=lambda answer: sorted(set(answer)) == _unchanged_columns(),
    praise="From an even column the 1 moves within its window (columns 0-1, 2-3, 4-5, 6-7), "
           "and the max does not notice; from an odd one it crosses into the next window.",
    hint="For each c, find the window that holds column c and the one that holds c + 1: "
         "the output stays the same when they are one window.",
    mistakes=(
        Mistake([1, 3, 5],
                "From an odd column the 1 sits at the right edge of its window, so one column "
                "more carries it into the next: those are the moves that change the output.",
                _columns(range(1, ROW - 1, 2))),
        Mistake(list(range(ROW - 1)),
                "Pooling is only partly invariant: a move that crosses the border between two "
                "windows changes which output holds the 1.",
                _columns(range(ROW - 1))),
        Mistake([],
                "That holds for stride 1, where pooling is equivariant and every move shifts "
                "the output. nn.MaxPool2d's stride defaults to its window, 2.",
                _columns(())),
    ),
))
