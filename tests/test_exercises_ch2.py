"""Chapter 2's exercises on reflect padding and on per-side against total padding: right
answers in other forms pass, the likely mistakes get their own hint, and the form's
example is no likely answer."""

import torch
import torch.nn.functional as F

import helpers
from helpers.exercises import EXERCISES


def test_reflect_padding_by_three():
    right = F.pad(torch.tensor([[[1.0, 2, 3, 4, 5]]]), (3, 3), mode="reflect").flatten()
    assert right.tolist() == [4, 3, 2, 1, 2, 3, 4, 5, 4, 3, 2]
    assert helpers.check("ch2.reflect_row", right.int().tolist())
    assert helpers.check("ch2.reflect_row", right)
    zeros = helpers.check("ch2.reflect_row", [0, 0, 0, 1, 2, 3, 4, 5, 0, 0, 0])
    assert not zeros and zeros.message.startswith("That is zero padding; reflect copies cells")
    short = helpers.check("ch2.reflect_row", [4, 3, 2, 1, 2, 3, 4, 5])
    assert "give exactly 11" in short.message and "[9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9]" in \
        short.message  # the example shows the form only: no padding gives nines


def test_per_side_against_total_padding():
    assert helpers.check("ch2.per_side", (3, 1)) and helpers.check("ch2.per_side", [3, 1])
    assert helpers.check("ch2.totals_passed", torch.Size([16, 12]))
    for name, wrong, hint in [("ch2.per_side", (6, 2), "halve them"),
                              ("ch2.per_side", (1, 3), "wrong order"),
                              ("ch2.totals_passed", (10, 10), "reads padding=(6, 2) per side"),
                              ("ch2.totals_passed", (22, 14), "padded input's size")]:
        verdict = helpers.check(name, wrong)
        assert not verdict and hint in verdict.message, (name, wrong)


def test_no_form_example_is_a_right_answer():
    for name in ("ch2.reflect_row", "ch2.per_side", "ch2.totals_passed"):
        exercise = EXERCISES[name]
        example = exercise.form.description.split("e.g. ", 1)[1]
        assert not helpers.check(name, eval(example)), name
