"""Chapter 2's exercises: padding for an even kernel, a dilated shape, the columns a
stride never reads, reflect padding written out, and per-side against total padding."""

from __future__ import annotations

import warnings

import torch
import torch.nn.functional as F
from torch import nn

from ..ops import conv_output_shape
from ..steps import conv2d_steps
from .engine import Exercise, Mistake, register
from .forms import WholeNumbers, WholePair

# -- 1. 'same' padding for a 7 x 4 kernel, as F.pad's (left, right, top, bottom) ---------

KERNEL_1 = (7, 4)


def _same_sides() -> tuple[int, int, int, int]:
    """The (left, right, top, bottom) padding with which F.conv2d gives what
    padding='same' gives, found by trying every split (PyTorch decides, not the book)."""
    g = torch.Generator().manual_seed(0)
    X, K = torch.randn(1, 1, 10, 10, generator=g), torch.randn(1, 1, *KERNEL_1, generator=g)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # an even kernel makes PyTorch pad a copy
        same = F.conv2d(X, K, padding="same")
    k_h, k_w = KERNEL_1
    for left in range(k_w):
        for top in range(k_h):
            sides = (left, k_w - 1 - left, top, k_h - 1 - top)
            if torch.allclose(F.conv2d(F.pad(X, sides), K), same):
                return sides
    raise AssertionError("no padding reproduces padding='same'")


register(Exercise(
    name="ch2.same_padding_even",
    form=WholeNumbers(4, "(1, 1, 2, 2)"),
    solution=_same_sides,
    praise="3 rows above and below; of the 3 columns, 1 on the left and 2 on the right.",
    hint="To keep the size, each axis needs k - 1 cells in all (6 rows, 3 columns); split "
         "each total in two, and put the odd cell where PyTorch puts it.",
    mistakes=(
        Mistake((2, 1, 3, 3), "Right amounts, but PyTorch puts the odd column on the right, "
                              "not the left."),
        Mistake((3, 3, 1, 2), "F.pad's order is left, right, top, bottom: the columns first."),
        Mistake((3, 3, 6, 6), "Those are totals on each side: 'same' needs k - 1 cells in all "
                              "per axis, split between the two sides.",
                lambda sides: sides[:2] != (1, 2) and sum(sides) > 9),
    ),
))


# -- 2. the shape of a dilated, strided, padded layer ------------------------------------

INPUT_2 = (28, 21)


def _dilated_shape() -> tuple[int, int]:
    layer = nn.Conv2d(1, 1, 3, padding=1, stride=2, dilation=2)
    return tuple(layer(torch.zeros(1, 1, *INPUT_2)).shape[2:])


register(Exercise(
    name="ch2.dilated_shape",
    form=WholePair(),
    solution=_dilated_shape,
    praise="13 x 10, as nn.Conv2d says.",
    hint="Per axis: floor((n + 2p - d(k - 1) - 1) / s) + 1.",
    mistakes=(
        Mistake(conv_output_shape(INPUT_2, 3, padding=1, stride=2),
                "That is the shape without dilation: a 3-tap kernel with dilation 2 spans "
                "2 x (3 - 1) + 1 = 5 cells."),
        Mistake((14, 10), "Round down: a window that would run past the padding does not "
                          "exist, so the division is floored."),
        Mistake(conv_output_shape(INPUT_2, 3, stride=2, dilation=2),
                "Check two things: padding=1 adds 2 cells in all along each axis, and the "
                "formula ends in + 1 (the window that starts at 0)."),
    ),
))


# -- 3. the columns a stride never reads ----------------------------------------------


def _never_read() -> tuple[int, ...]:
    """The columns no window reads, in order (a list in any order, or a set, is right too)."""
    steps = conv2d_steps(torch.zeros(1, 12), torch.zeros(1, 3), stride=4)
    return tuple(sorted({c for _, c in steps.uncovered}))


def _columns(expected: set[int]):
    """Recognises a list of exactly these columns, in any order and each once."""
    return lambda columns: len(set(columns)) == len(columns) and set(columns) == expected


register(Exercise(
    name="ch2.never_read",
    form=WholeNumbers(None, "[0, 5]"),
    solution=lambda: list(_never_read()),
    right=lambda columns: tuple(sorted(columns)) == _never_read(),
    praise="Windows start at 0, 4 and 8: columns 3 and 7 fall between them, and 11 lies "
           "past the last one.",
    hint="List where the windows start (0, 4, ...) and which columns each one covers.",
    mistakes=(
        Mistake([11], "The end is right, but the stride (4) is larger than the kernel (3): "
                      "some columns fall between two windows.", _columns({11})),
        Mistake([3, 7], "The gaps are right; now look at the end: where does the last window "
                        "stop?", _columns({3, 7})),
        Mistake([3, 7, 11, 11], "The right columns, but one of them is listed twice: name each "
                                "column once.",
                lambda columns: len(set(columns)) < len(columns)
                and set(columns) == set(_never_read())),
    ),
))


# -- 4. reflect padding written out, on a row and an amount the chapter does not show -----

ROW_4, PAD_4 = torch.tensor([[[1.0, 2, 3, 4, 5]]]), 3


def _padded(mode: str) -> list[int]:
    return [int(v) for v in F.pad(ROW_4, (PAD_4, PAD_4), mode=mode).flatten().tolist()]


register(Exercise(
    name="ch2.reflect_row",
    form=WholeNumbers(ROW_4.shape[-1] + 2 * PAD_4, "[9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]"),
    solution=lambda: _padded("reflect"),
    praise="Reflection mirrors around the edge cell, which is not repeated: 4 3 2 on the "
           "left, 4 3 2 on the right.",
    hint="Read outwards from the edge: the cell next to the edge cell comes first, then the "
         "one after it.",
    mistakes=(
        Mistake(_padded("constant"), "That is zero padding; reflect copies cells from inside "
                                     "the row, mirrored around the edge cell."),
        Mistake(ROW_4[0, 0, :PAD_4].flip(0).tolist() + ROW_4.flatten().tolist()
                + ROW_4[0, 0, -PAD_4:].flip(0).tolist(),
                "That mirror repeats the edge cell (numpy's 'symmetric'); PyTorch's reflect "
                "does not: the first padded cell is the edge cell's neighbour."),
        Mistake(_padded("replicate"), "That is 'replicate' (the edge copied outwards); "
                                      "reflect mirrors."),
        Mistake(_padded("circular"), "That is 'circular' (the other end wraps around); "
                                     "reflect mirrors."),
    ),
))


# -- 5. per-side against total padding -----------------------------------------------

KERNEL_5, TOTALS_5, INPUT_5 = (7, 3), (6, 2), (10, 10)


def _per_side() -> tuple[int, int]:
    """The padding= that keeps INPUT_5's size with KERNEL_5, found by asking nn.Conv2d."""
    return next((p_h, p_w) for p_h in range(KERNEL_5[0]) for p_w in range(KERNEL_5[1])
                if _shape_with((p_h, p_w)) == INPUT_5)


def _shape_with(padding) -> tuple[int, int]:
    layer = nn.Conv2d(1, 1, KERNEL_5, padding=padding)
    return tuple(layer(torch.zeros(1, 1, *INPUT_5)).shape[2:])


register(Exercise(
    name="ch2.per_side",
    form=WholePair(),
    solution=_per_side,
    praise="(3, 1): half of each total, one share on each side.",
    hint="padding= counts the cells on each side; a total of p_h rows is p_h / 2 above and "
         "p_h / 2 below.",
    mistakes=(
        Mistake(TOTALS_5, "Those are the totals, as Dive into Deep Learning writes them; "
                          "padding= counts each side, so halve them."),
        Mistake(tuple(reversed(_per_side())), "The right numbers in the wrong order: rows "
                                              "(height) first, then columns."),
        Mistake(KERNEL_5, "That is the kernel's size; the padding that keeps the size is "
                          "(k - 1) / 2 on each side."),
    ),
))

register(Exercise(
    name="ch2.totals_passed",
    form=WholePair(),
    solution=lambda: _shape_with(TOTALS_5),
    praise="(16, 12): passed as padding=, the totals are added on each side, so the output "
           "grows by them.",
    hint="padding=(6, 2) puts 6 rows on each side and 2 columns on each side: "
         "n + 2p - k + 1 per axis.",
    mistakes=(
        Mistake(INPUT_5, "That is what the totals mean in Dive into Deep Learning, but "
                         "nn.Conv2d reads padding=(6, 2) per side: 6 rows above and 6 below."),
        Mistake(tuple(reversed(_shape_with(TOTALS_5))),
                "The right numbers in the wrong order: rows (height) first, then columns."),
        Mistake(tuple(n + 2 * p for n, p in zip(INPUT_5, TOTALS_5, strict=True)),
                "That is the padded input's size; the kernel then fits at n + 2p - k + 1 "
                "positions."),
    ),
))
