"""Chapter 1's exercises: what each wants, how it is judged, the likely mistakes."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..fields import receptive_field
from ..matrix import conv_matrix_index
from ..ops import corr2d
from .engine import Exercise, Mistake, register
from .forms import Kernel, WholeNumber, WholePair


def _band_image() -> torch.Tensor:
    """The 6 x 8 image of ones with a black band in columns 2 to 5 (section 1.5)."""
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    return X


def _on_turned_band(K: torch.Tensor) -> torch.Tensor | None:
    """The kernel's output on the band image turned on its side, None if it does not fit."""
    X = _band_image().t()
    if K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        return None
    return corr2d(X, K)


def _turned_edges() -> torch.Tensor:
    return corr2d(_band_image(), torch.tensor([[1.0, -1.0]])).t()


def _gives(K: torch.Tensor, target: torch.Tensor) -> bool:
    got = _on_turned_band(K)
    return got is not None and got.shape == target.shape and torch.equal(got, target)


register(Exercise(
    name="ch1.horizontal_edges",
    form=Kernel(),
    solution=lambda: torch.tensor([[1.0], [-1.0]]),
    right=lambda K: _gives(K, _turned_edges()),
    praise="On the turned image it marks the same edges, with the same signs, now as rows.",
    hint="The edges of X.t() lie between a row and the row below it: give a kernel that "
         "subtracts the cell below from the cell above, like [1, -1] turned on its side.",
    mistakes=(
        Mistake([[-1.0], [1.0]],
                "Right direction: a 2 x 1 kernel compares a cell with the one below it. "
                "Opposite sign: white-to-black must give +1, as [1, -1] gives on X; "
                "swap the two weights.",
                lambda K: _gives(K, -_turned_edges())),
        Mistake([[2.0], [-2.0]],
                "Right direction and right sign, but every edge comes out scaled: the "
                "target marks an edge with exactly 1 or -1, so the two weights are 1 and -1.",
                lambda K: K.shape == (2, 1) and K[0, 0] > 0 and K[0, 0] != 1
                and torch.equal(K[1], -K[0])),
        Mistake([[1.0, -1.0]],
                "A kernel with one row compares left and right neighbours, and those are "
                "equal everywhere in X.t(): the output is all zeros. Compare a cell with "
                "the one below it instead.",
                lambda K: K.shape[0] == 1),
        Mistake([[1.0], [0.0], [-1.0]],
                "Your kernel works down the rows, but its output is not 7 x 6 like "
                "corr2d(X, [[1, -1]]).t(): a kernel of 2 rows and 1 column gives that shape.",
                lambda K: K.shape[1] == 1 and K.shape[0] != 2),
    ),
))


def _output_shape() -> tuple[int, int]:
    return tuple(F.conv2d(torch.zeros(1, 1, 7, 5), torch.zeros(1, 1, 3, 2)).shape[2:])


register(Exercise(
    name="ch1.output_shape",
    form=WholePair(),
    solution=_output_shape,
    praise="5 x 4, as F.conv2d says: 7 - 3 + 1 rows and 5 - 2 + 1 columns.",
    hint="Count the positions of the window along each axis: n - k + 1, height first.",
    mistakes=(
        Mistake((4, 5), "The right numbers in the wrong order: the height (rows) comes "
                        "first, then the width."),
        Mistake((4, 3), "Almost: the window fits at n - k + 1 positions, not n - k "
                        "(the +1 counts its first position)."),
        Mistake((6, 3), "That is the shape for a 2 x 3 kernel; this kernel has 3 rows and "
                        "2 columns."),
        Mistake((7, 5), "That is the input's shape; without padding the output is smaller: "
                        "n - k + 1 along each axis."),
    ),
))


def _bent_signal() -> torch.Tensor:
    """Two rows of a parabola, one shifted up: their second difference is 2 everywhere."""
    return torch.arange(10.0).reshape(1, 10) ** 2 + torch.tensor([[0.0], [3.0]])


def _second_difference() -> torch.Tensor:
    x = _bent_signal()
    return x[:, :-2] - 2 * x[:, 1:-1] + x[:, 2:]


def _computes(K: torch.Tensor, target: torch.Tensor) -> bool:
    return K.shape == (1, 3) and torch.allclose(corr2d(_bent_signal(), K), target)


register(Exercise(
    name="ch1.second_difference",
    form=Kernel(),
    solution=lambda: torch.tensor([[1.0, -2.0, 1.0]]),
    right=lambda K: _computes(K, _second_difference()),
    praise="A difference of two differences: x[j] - 2 x[j+1] + x[j+2].",
    hint="Write (x[j] - x[j+1]) - (x[j+1] - x[j+2]) and read off the weights of x[j], "
         "x[j+1] and x[j+2], in one row.",
    mistakes=(
        Mistake([[-1.0, 2.0, -1.0]],
                "Right pattern, opposite sign: in x[j] - 2 x[j+1] + x[j+2] the weight of "
                "x[j] is +1.",
                lambda K: _computes(K, -_second_difference())),
        Mistake([[1.0], [-2.0], [1.0]],
                "Right weights, wrong direction: a 3 x 1 kernel works down the height; "
                "along the width you need a 1 x 3 kernel.",
                lambda K: K.shape == (3, 1) and _computes(K.t(), _second_difference())),
        Mistake([[1.0, -1.0]],
                "That is the first difference x[j] - x[j+1]. The second difference takes "
                "the difference of two of them, so it uses three neighbours: a 1 x 3 kernel.",
                lambda K: K.shape == (1, 2)),
    ),
))


def _field_cells() -> int:
    return len(receptive_field(9, [{"kernel_size": 3}] * 3, (1, 1))[0])


register(Exercise(
    name="ch1.field_of_three",
    form=WholeNumber(),
    solution=_field_cells,
    praise="7 x 7 = 49: each 3 x 3 layer adds 2 rows and 2 columns.",
    hint="Find the field's width first: one cell of the last map sees 3 x 3 cells of the "
         "map below, and each layer further down adds one cell on every side.",
    mistakes=(
        Mistake(7, "7 is the field's width, and it is as tall as it is wide. How many cells "
                   "does it hold?"),
        Mistake(25, "25 = 5 x 5 is the field after two layers; the third adds one more "
                    "cell on every side."),
        Mistake(9, "9 = 3 x 3 is what one layer sees; each layer further down adds one "
                   "cell on every side."),
        Mistake(27, "Fields do not add up layer by layer: each layer widens the square by "
                    "one cell on every side."),
    ),
))


# -- 5. the flip: the kernel that turns a cross-correlation into a convolution ----------

FLIP_K = torch.tensor([[1.0, 2, 3], [4, 5, 6]])


def _flip_input() -> torch.Tensor:
    return torch.randint(0, 10, (5, 6), generator=torch.Generator().manual_seed(1)).float()


def _convolution(X: torch.Tensor, K: torch.Tensor) -> torch.Tensor:
    """The true convolution at the positions where K lies inside X, from numpy.convolve row
    by row (kernel row a meets input row i + k_h - 1 - a), as section 1.7 builds it."""
    x, k = X.numpy(), K.numpy()
    k_h = k.shape[0]
    rows = [sum(np.convolve(x[i + k_h - 1 - a], k[a], "valid") for a in range(k_h))
            for i in range(x.shape[0] - k_h + 1)]
    return torch.from_numpy(np.array(rows)).float()


def _correlates_to(K2: torch.Tensor, target: torch.Tensor) -> bool:
    X = _flip_input()
    return K2.shape == FLIP_K.shape and torch.equal(corr2d(X, K2), target)


def _convolves(K2: torch.Tensor) -> bool:
    return _correlates_to(K2, _convolution(_flip_input(), FLIP_K))


register(Exercise(
    name="ch1.flip",
    form=Kernel(),
    solution=lambda: torch.flip(FLIP_K, (0, 1)),
    right=_convolves,
    praise="The kernel turned by 180 degrees, [[6, 5, 4], [3, 2, 1]]: torch.flip(K, (0, 1)).",
    hint="A convolution reads the kernel backwards along both axes: the last weight of the "
         "last row meets the window's first cell.",
    mistakes=(
        Mistake(FLIP_K.tolist(),
                "That is K itself: corr2d(X, K) is the cross-correlation. The convolution "
                "meets the window with the kernel turned around."),
        Mistake(torch.flip(FLIP_K, (0,)).tolist(),
                "Half of the turn: the rows are in reverse order, but each row must be "
                "reversed too (flip along both axes)."),
        Mistake(torch.flip(FLIP_K, (1,)).tolist(),
                "Half of the turn: each row is reversed, but the rows must swap places too "
                "(flip along both axes)."),
        Mistake(FLIP_K.t().tolist(),
                "A transpose swaps rows and columns (a 2 x 3 kernel becomes 3 x 2); a turn by "
                "180 degrees keeps the shape and reverses both axes.",
                lambda K2: K2.shape == (3, 2)),
    ),
))


# -- 6. the matrix M with padding: how many of its entries hold a weight -----------------

MATRIX_INPUT, MATRIX_KERNEL, MATRIX_PADDING = (5, 5), (3, 3), 1


def _index(padding: int = MATRIX_PADDING) -> torch.Tensor:
    return conv_matrix_index(MATRIX_INPUT, MATRIX_KERNEL, padding=padding)


def _weights(padding: int = MATRIX_PADDING) -> int:
    return int((_index(padding) >= 0).sum())


register(Exercise(
    name="ch1.matrix_weights",
    form=WholeNumber(),
    solution=_weights,
    praise="25 rows: the 9 inner outputs keep all 9 weights, the 12 edge outputs 6 and the 4 "
           "corners 4, so 9 x 9 + 12 x 6 + 4 x 4 = 169 of the 625 entries.",
    hint="M has one row per output cell (padding 1 keeps the 5 x 5 size). A row keeps the "
         "weights whose cell lies on the input, not on the padding: count them for a "
         "corner, an edge and an inner output.",
    mistakes=(
        Mistake(_index().shape[0] * 9,
                "Right number of rows, 25, but not every row holds all 9 weights: at the "
                "border some of them fall on the padding, multiply zeros, and get no entry."),
        Mistake(_weights(padding=0),
                "That is the count without padding (9 rows of 9 weights). With padding=1 the "
                "output keeps the 5 x 5 size: M has 25 rows."),
        Mistake(_index().numel(),
                "That counts every entry of M, the zeros too: 25 rows by 25 columns. Count "
                "only the entries that hold a weight."),
        Mistake(int((_index() < 0).sum()),
                "That is the number of zeros. Count the entries that hold a weight."),
    ),
))
