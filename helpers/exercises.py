"""Checks for the exercises: `check(name, answer)` says whether an answer is right.

Each check computes the expected result with the book's operations or with
PyTorch, so no answer is stored here; a wrong answer gets a hint, never an error.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .fields import receptive_field
from .ops import corr2d


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check; shows as one line in a notebook."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return ("Correct. " if self.passed else "Not yet. ") + self.message


def _tensor(answer, ndim: int) -> torch.Tensor | None:
    try:
        t = torch.as_tensor(answer, dtype=torch.float32)
    except (TypeError, ValueError, RuntimeError):
        return None
    return t if t.dim() == ndim and t.numel() > 0 else None


def _edge_image() -> torch.Tensor:
    X = torch.ones(6, 8)
    X[:, 2:6] = 0
    return X


def _horizontal_edges(answer) -> Verdict:
    K = _tensor(answer, 2)
    if K is None:
        return Verdict(False, "Give the kernel as a 2-D tensor, e.g. torch.tensor([[a, b]]).")
    X = _edge_image().t()
    expected = corr2d(_edge_image(), torch.tensor([[1.0, -1.0]])).t()
    if K.shape[0] > X.shape[0] or K.shape[1] > X.shape[1]:
        return Verdict(False, f"A {tuple(K.shape)} kernel does not fit the 8 x 6 image.")
    got = corr2d(X, K)
    if got.shape == expected.shape and torch.equal(got, expected):
        return Verdict(True, "On the transposed image it marks the same edges, now as rows.")
    return Verdict(False, "The edges of X.t() run along rows: difference neighbours "
                          "one above the other.")


def _output_shape(answer) -> Verdict:
    expected = tuple(F.conv2d(torch.zeros(1, 1, 7, 5), torch.zeros(1, 1, 3, 2)).shape[2:])
    try:
        got = tuple(int(v) for v in answer)
    except (TypeError, ValueError):
        return Verdict(False, "Give a (height, width) pair of whole numbers.")
    if got == expected:
        return Verdict(True, f"{expected[0]} x {expected[1]}, as F.conv2d says.")
    return Verdict(False, "Count the positions of the window along each axis: n - k + 1.")


def _second_difference(answer) -> Verdict:
    K = _tensor(answer, 2)
    if K is None:
        return Verdict(False, "Give the kernel as a 2-D tensor, e.g. torch.tensor([[a, b, c]]).")
    x = torch.arange(10.0).reshape(1, 10) ** 2 + torch.tensor([[0.0], [3.0]])
    expected = x[:, :-2] - 2 * x[:, 1:-1] + x[:, 2:]
    if K.shape != (1, 3):
        return Verdict(False, "The result uses three neighbours in a row: a 1 x 3 kernel.")
    if torch.allclose(corr2d(x, K), expected):
        return Verdict(True, "A difference of two differences: x[j] - 2 x[j+1] + x[j+2].")
    return Verdict(False, "Write (x[j+2] - x[j+1]) - (x[j+1] - x[j]) and read off the weights.")


def _field_of_three(answer) -> Verdict:
    layers = [{"kernel_size": 3}] * 3
    expected = len(receptive_field(9, layers, (1, 1))[0])
    try:
        got = int(answer)
    except (TypeError, ValueError):
        return Verdict(False, "Give the number of input cells as a whole number.")
    if got == expected:
        return Verdict(True, "7 x 7 = 49: each 3 x 3 layer adds 2 rows and 2 columns.")
    return Verdict(False, "Each 3 x 3 layer widens the field by one cell on every side.")


CHECKS: dict[str, Callable[[object], Verdict]] = {
    "ch1.horizontal_edges": _horizontal_edges,
    "ch1.output_shape": _output_shape,
    "ch1.second_difference": _second_difference,
    "ch1.field_of_three": _field_of_three,
}


def check(name: str, answer) -> Verdict:
    """Check `answer` to exercise `name` (for example "ch1.output_shape")."""
    if name not in CHECKS:
        raise ValueError(f"no exercise named {name!r}; there are {sorted(CHECKS)}")
    if answer is None:
        return Verdict(False, "Replace None with your answer and run the cell again.")
    return CHECKS[name](answer)
