"""The chapters' exercises: `check(name, answer)` says whether an answer is right.

`engine` holds what every exercise is made of, `forms` the kinds of answer, and one
module per chapter registers that chapter's exercises when this package is imported.
"""

from . import ch1, ch2, ch3, ch4, ch5, ch6  # noqa: F401 (each registers its chapter's exercises)
from .engine import EXERCISES, Exercise, Mistake, Verdict, check, register

__all__ = ["EXERCISES", "Exercise", "Mistake", "Verdict", "check", "register"]
