"""Checks for the exercises: `check(name, answer)` says whether an answer is right.

Each chapter registers its exercises (`register(Exercise(...))`, see `exercises_ch1`):
the form of answer wanted, a right answer computed with the book's operations or
PyTorch (no answer is stored), a test of rightness, and the likely mistakes, each
with a hint that says what is right about it and what is not. An answer of the
wrong form (text, a fraction where a whole number is asked, a tuple of the wrong
length) is "Not yet" with a hint about the form. The tests run every registered
exercise through its solution, its mistakes and answers of every wrong form.
"""

from __future__ import annotations

import html
import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check: one plain line of text (what nbval compares), and a
    coloured line with an icon in a notebook, readable in light and dark themes."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return ("Correct. " if self.passed else "Not yet. ") + self.message

    def _repr_html_(self) -> str:
        icon, word, colour = ("\u2714", "Correct.", "#009E73") if self.passed else \
            ("\u2718", "Not yet.", "#D55E00")
        return (f'<div class="cbk-verdict" role="status" style="font-size:17px;padding:8px 12px;'
                f"border-left:6px solid {colour};"
                f"background:color-mix(in srgb,{colour} 15%,transparent);"
                f'color:var(--jp-content-font-color1,#111)">'
                f'<span aria-hidden="true" style="color:{colour};font-weight:700;'
                f'margin-right:6px">{icon}</span><b>{word}</b> {html.escape(self.message)}</div>')


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


def _whole(value, what: str) -> int:
    """`value` as an int if it is a whole number (int, integral float, 0-d tensor)."""
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
        raise FormError(f"{what} is {value!r}, which is not a whole number; "
                        "cells and positions are counted in whole numbers.")
    return int(value)


class WholeNumber(Form):
    description = "a whole number, e.g. 12"
    wrong = ("49", 49.7, (7, 7), True, [49], torch.ones(2))

    def parse(self, answer) -> int:
        return _whole(answer, "Your answer")


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
            raise FormError(f"Your answer has {len(answer)} values; give exactly two.")
        return tuple(_whole(v, f"The {place} value") for v, place in
                     zip(answer, ("first", "second"), strict=True))


def real_tensor(answer, what: str = "Your answer") -> torch.Tensor:
    """`answer` (a tensor, number or nested list) as a tensor of real numbers; a
    `FormError` that names the problem for text, non-numbers, booleans and complex."""
    if isinstance(answer, (str, bytes)):
        raise FormError(f"{what} is text ({answer!r}); write it without quotes.")
    try:
        t = torch.as_tensor(answer)
    except (TypeError, ValueError, RuntimeError):
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
            shape = tuple(K.shape)
            example = f" (write [[{', '.join(map(str, K.tolist()))}]])" if K.dim() == 1 else ""
            raise FormError(f"Your kernel has shape {shape}; a kernel here is 2-D, "
                            f"rows x columns{example}.")
        return K.detach().to(torch.float32)

    def same(self, a, b) -> bool:
        return a.shape == b.shape and torch.equal(a, b)


@dataclass(frozen=True)
class Mistake:
    """A likely wrong answer: `example` is one, `matches` (default: equal to `example`)
    recognises the parsed answers that make the same mistake, `hint` answers it."""

    example: object
    hint: str
    matches: Callable[[object], bool] | None = None


@dataclass(frozen=True)
class Exercise:
    """One exercise: `solution()` computes a right answer; `right(parsed)` says whether
    a parsed answer is right; `praise` is said when it is, `hint` for a wrong answer
    that none of the `mistakes` recognises."""

    name: str
    form: Form
    solution: Callable[[], object]
    right: Callable[[object], bool]
    praise: str
    hint: str
    mistakes: tuple[Mistake, ...] = ()

    def judge(self, answer) -> Verdict:
        if answer is None:
            return Verdict(False, "Replace None with your answer and run the cell again.")
        try:
            value = self.form.parse(answer)
        except FormError as error:
            return Verdict(False, f"{error} Give {self.form.description}.")
        if self.right(value):
            return Verdict(True, self.praise)
        for mistake in self.mistakes:
            if self._makes(mistake, value):
                return Verdict(False, mistake.hint)
        return Verdict(False, self.hint)

    def _makes(self, mistake: Mistake, value) -> bool:
        if mistake.matches is not None:
            return mistake.matches(value)
        return self.form.same(value, self.form.parse(mistake.example))


EXERCISES: dict[str, Exercise] = {}


def register(exercise: Exercise) -> Exercise:
    """Add an exercise to the book's list (names are "ch<N>.<what>")."""
    if exercise.name in EXERCISES:
        raise ValueError(f"an exercise named {exercise.name!r} exists already")
    EXERCISES[exercise.name] = exercise
    return exercise


def check(name: str, answer) -> Verdict:
    """Check `answer` to exercise `name` (for example "ch1.output_shape")."""
    if name not in EXERCISES:
        raise ValueError(f"no exercise named {name!r}; there are {sorted(EXERCISES)}")
    return EXERCISES[name].judge(answer)
