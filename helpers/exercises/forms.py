"""The forms an exercise's answer can take: each parses an answer into a standard form
or says, in a `FormError`, what is wrong with it."""

from __future__ import annotations

import math
import numbers

import torch


class FormError(ValueError):
    """An answer of the wrong form; the message says what is wrong with it."""


class Form:
    """The kind of answer an exercise wants. `parse` returns the answer in a standard
    form or raises FormError; `wrong` holds answers of the wrong form, for the tests."""

    description = ""
    wrong: tuple = ()

    def parse(self, answer):
        raise NotImplementedError

    def same(self, a, b) -> bool:
        return a == b


CELLS = "cells and positions"  # what most counts in the book count


def whole_number(value, what: str, unit: str | None = CELLS) -> int:
    """`value` as an int if it is a whole number (int, integral float, 0-d tensor); a
    fraction is told that `unit` (what the answer counts, if it counts) are counted in
    whole numbers."""
    if isinstance(value, torch.Tensor):
        if value.numel() != 1 or value.dim() > 0:
            raise FormError(f"{what} is a tensor of shape {tuple(value.shape)}, not one number.")
        value = value.item()
    if isinstance(value, (str, bytes)):
        raise FormError(f"{what} is text ({value!r}); write the number without quotes.")
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise FormError(f"{what} is {type(value).__name__} {value!r}, not a number.")
    if isinstance(value, numbers.Integral):
        return int(value)
    if not math.isfinite(value) or not float(value).is_integer():
        counted = f"; {unit} are counted in whole numbers" if unit else ""
        raise FormError(f"{what} is {value!r}, which is not a whole number{counted}.")
    return int(value)


class WholeNumber(Form):
    """One whole number; `unit` names what it counts (plural, or None for a value that
    is no count), for the hint on a fraction."""

    description = "a whole number, e.g. 12"
    wrong = ("49", 49.7, (7, 7), True, [49], torch.ones(2))

    def __init__(self, unit: str | None = CELLS):
        self.unit = unit

    def parse(self, answer) -> int:
        return whole_number(answer, "Your answer", self.unit)


class WholePair(Form):
    description = "a pair of whole numbers, e.g. (3, 4)"
    wrong = ("54", (5.9, 4.2), (5, 4, 1), 5, [5], ("5", "4"), (5, None))

    def parse(self, answer) -> tuple[int, int]:
        if isinstance(answer, (str, bytes)):
            raise FormError(f"Your answer is text ({answer!r}); write a pair of numbers "
                            "without quotes.")
        if isinstance(answer, torch.Tensor):
            answer = answer.tolist()
        if not isinstance(answer, (tuple, list, torch.Size)):
            raise FormError(f"Your answer is one value ({answer!r}); give two.")
        if len(answer) != 2:
            raise FormError(f"Your answer has {values(len(answer))}; give exactly two.")
        return tuple(whole_number(v, f"The {place} value") for v, place in
                     zip(answer, ("first", "second"), strict=True))


def values(count: int) -> str:
    return f"{count} value" if count == 1 else f"{count} values"


def ragged_rows(answer) -> str | None:
    """What is wrong with a list of rows of different lengths (None if it is not one)."""
    if not isinstance(answer, (list, tuple)) or \
            not all(isinstance(row, (list, tuple)) for row in answer):
        return None
    lengths = [len(row) for row in answer]
    usual = max(lengths, key=lengths.count)
    odd = [n for n, length in enumerate(lengths, start=1) if length != usual]
    if not odd:
        return None
    if len(odd) > 1 or lengths.count(usual) == 1:
        counts = ", ".join(map(str, lengths[:-1])) + f" and {lengths[-1]}"
        return f"its rows have {counts} numbers; every row needs as many"
    return f"row {odd[0]} has {lengths[odd[0] - 1]} numbers, the others {usual}"


def real_tensor(answer, what: str = "Your answer") -> torch.Tensor:
    """`answer` (a tensor, number or nested list) as a tensor of real numbers; a
    `FormError` that names the problem for text, non-numbers, booleans and complex."""
    if isinstance(answer, (str, bytes)):
        raise FormError(f"{what} is text ({answer!r}); write it without quotes.")
    try:
        t = torch.as_tensor(answer)
    except (TypeError, ValueError, RuntimeError):
        ragged = ragged_rows(answer)
        if ragged:
            raise FormError(f"{what} is not a grid: {ragged}.") from None
        raise FormError(f"{what} {answer!r} is not made of numbers.") from None
    if t.dtype == torch.bool or t.is_complex():
        raise FormError(f"{what} holds {t.dtype} values; give real numbers.")
    return t


class Kernel(Form):
    description = "a kernel as a 2-D tensor, e.g. torch.tensor([[1.0, 2.0]])"
    wrong = ("[[1, -1]]", [1.0, -1.0], torch.ones(1, 1, 2), [[True, False]], [["a", "b"]], 3.0)

    def parse(self, answer) -> torch.Tensor:
        K = real_tensor(answer, "Your kernel")
        if K.dim() != 2 or K.numel() == 0:
            raise FormError(f"Your kernel has shape {tuple(K.shape)}; a kernel here is 2-D, "
                            f"rows x columns{_as_row_or_column(K)}.")
        return K.detach().to(torch.float32)

    def same(self, a, b) -> bool:
        return a.shape == b.shape and torch.equal(a, b)


def _as_row_or_column(K: torch.Tensor) -> str:
    """For a 1-D kernel, both ways to make it 2-D: which one is meant is the exercise's."""
    if K.dim() != 1 or K.numel() == 0:
        return ""
    values = [str(v) for v in K.tolist()]
    row = f"[[{', '.join(values)}]]"
    column = f"[{', '.join(f'[{v}]' for v in values)}]"
    return f": {row} is one row, {column} one column"


class WholeNumbers(Form):
    """A tuple or list of whole numbers: exactly `count` of them, or any number if None."""

    def __init__(self, count: int | None, example: str):
        self.count = count
        what = f"{count} whole numbers" if count else "a list of whole numbers"
        self.description = f"{what}, e.g. {example}"
        self.wrong = ("1, 2, 3, 3", (1.0, 2.5, 3, 3), True, 7, ("1", "2", "3", "3"),
                      (1, 2, 3, 3, 4, 5, 6, 7, 8) if count else [[1, 2]])

    def parse(self, answer) -> tuple[int, ...]:
        if isinstance(answer, (str, bytes)):
            raise FormError(f"Your answer is text ({answer!r}); write the numbers without "
                            "quotes.")
        if isinstance(answer, torch.Tensor):
            answer = answer.tolist()
        if isinstance(answer, (set, frozenset)):
            if self.count is not None:  # the order matters: a set has none
                raise FormError(f"Your answer is a set ({answer!r}), which keeps no order; "
                                "give the numbers in order, as a tuple or a list.")
            # any number of them, in no order: a set is as good as a sorted list
            return tuple(sorted(whole_number(v, "A value") for v in answer))
        if not isinstance(answer, (tuple, list)):
            raise FormError(f"Your answer is one value ({answer!r}), not a list of them.")
        if self.count is not None and len(answer) != self.count:
            raise FormError(f"Your answer has {values(len(answer))}; give exactly {self.count}.")
        return tuple(whole_number(v, f"Value {n}") for n, v in enumerate(answer, start=1))


class Shape(WholeNumbers):
    """A tensor's shape, `count` whole numbers; the tensor itself is told to give its shape."""

    def __init__(self, count: int, example: str):
        super().__init__(count, example)
        self.wrong += (torch.zeros(1, 2, 3, 4),)

    def parse(self, answer) -> tuple[int, ...]:
        if isinstance(answer, torch.Tensor) and answer.dim() > 1:
            raise FormError("That is a tensor, not a shape: give tuple(out.shape) for a "
                            "tensor out.")
        return super().parse(answer)


class Numbers(Form):
    """A tensor of `ndim` dimensions (a list or nested lists will do), read as float64."""

    def __init__(self, ndim: int, description: str, wrong: tuple):
        self.ndim, self.description, self.wrong = ndim, description, wrong

    def parse(self, answer) -> torch.Tensor:
        t = real_tensor(answer)
        if t.dim() != self.ndim or t.numel() == 0:
            raise FormError(f"Your answer has shape {tuple(t.shape)}.")
        return t.detach().to(torch.float64)

    def same(self, a, b) -> bool:
        b = torch.as_tensor(b, dtype=torch.float64)
        return a.shape == b.shape and torch.allclose(a, b, atol=1e-6)


class Grid(Form):
    """A grid of numbers of a given shape (a tensor or a nested list)."""

    wrong = ("[[0, 1]]", 3.0, [0.0, 1.5, 3.0], [[True, False]], torch.ones(2, 2, 2))

    def __init__(self, shape: tuple[int, int]):
        self.shape = shape
        self.description = (f"a {shape[0]} x {shape[1]} grid of numbers, a tensor or a "
                            "nested list")

    def parse(self, answer) -> torch.Tensor:
        t = real_tensor(answer)
        if tuple(t.shape) != self.shape:
            raise FormError(f"Your answer has shape {tuple(t.shape)}, not {self.shape}.")
        return t.detach().to(torch.float32)

    def same(self, a, b) -> bool:
        return torch.allclose(a, b)


class Function(Form):
    """A function of one tensor; parsing keeps what it returns on a fixed c x h x w input."""

    description = "a function that takes a (channels, height, width) tensor"
    wrong = ("X.mean()", 3.0, [1.0, 2.0], int)
    example = torch.randn(3, 4, 5, generator=torch.Generator().manual_seed(5))

    def parse(self, answer) -> torch.Tensor:
        if not callable(answer) or isinstance(answer, type):
            raise FormError(f"Your answer is {type(answer).__name__} {answer!r}, not a "
                            "function.")
        try:
            result = answer(self.example.clone())
            return torch.as_tensor(result, dtype=torch.float32)
        except Exception as error:  # the reader's code: report, never a traceback
            raise FormError(f"Your function raised {type(error).__name__}: {error}.") from None

    def same(self, a, b) -> bool:
        return a.shape == b.shape and torch.allclose(a, b, atol=1e-5)
