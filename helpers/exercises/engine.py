"""Checks for the exercises: `check(name, answer)` says whether an answer is right.

Each chapter registers its exercises (`register(Exercise(...))`, see `ch1`):
the form of answer wanted, a right answer computed with the book's operations or
PyTorch (no answer is stored), a test of rightness when it is more than "the same as
the solution, in the form's sense", and the likely mistakes, each
with a hint that says what is right about it and what is not. An answer of the
wrong form (text, a fraction where a whole number is asked, a tuple of the wrong
length) is "Not yet" with a hint about the form. The tests run every registered
exercise through its solution, its mistakes and answers of every wrong form.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from ..frames.kit import OKABE_ITO
from .forms import Form, FormError


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
        icon, word, colour = ("\u2714", "Correct.", OKABE_ITO["green"]) if self.passed else \
            ("\u2718", "Not yet.", OKABE_ITO["vermillion"])
        return (f'<div class="cbk-verdict" role="status" style="font-size:17px;padding:8px 12px;'
                f"border-left:6px solid {colour};"
                f"background:color-mix(in srgb,{colour} 15%,transparent);"
                f'color:var(--jp-content-font-color1,#111)">'
                f'<span aria-hidden="true" style="color:{colour};font-weight:700;'
                f'margin-right:6px">{icon}</span><b>{word}</b> {html.escape(self.message)}</div>')


@dataclass(frozen=True)
class Mistake:
    """A likely wrong answer: `example` is one, `matches` (default: equal to `example`)
    recognises the parsed answers that make the same mistake, `hint` answers it."""

    example: object
    hint: str
    matches: Callable[[object], bool] | None = None


@dataclass(frozen=True)
class Exercise:
    """One exercise: `solution()` computes a right answer; `praise` is said for a right
    answer, `hint` for a wrong one that none of the `mistakes` recognises (either may be a
    function of the parsed answer, to say what it reached). `right(parsed)` says whether
    a parsed answer is right; by default, whether the form finds it the same as the
    solution."""

    name: str
    form: Form
    solution: Callable[[], object]
    praise: str | Callable[[object], str]
    hint: str | Callable[[object], str]
    mistakes: tuple[Mistake, ...] = ()
    right: Callable[[object], bool] | None = None

    def judge(self, answer) -> Verdict:
        if answer is None:
            return Verdict(False, "Replace None with your answer and run the cell again.")
        try:
            value = self.form.parse(answer)
        except FormError as error:
            return Verdict(False, f"{error} Give {self.form.description}.")
        if self._is_right(value):
            return Verdict(True, _said(self.praise, value))
        for mistake in self.mistakes:
            if self._makes(mistake, value):
                return Verdict(False, mistake.hint)
        return Verdict(False, _said(self.hint, value))

    def _is_right(self, value) -> bool:
        if self.right is not None:
            return self.right(value)
        return self.form.same(value, self.form.parse(self.solution()))

    def _makes(self, mistake: Mistake, value) -> bool:
        if mistake.matches is not None:
            return mistake.matches(value)
        return self.form.same(value, self.form.parse(mistake.example))


def _said(message: str | Callable[[object], str], value) -> str:
    return message(value) if callable(message) else message


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
