"""Chapter 2's exercises on reflect padding, on per-side against total padding and on the
columns a stride never reads: right answers in other forms pass (a set where the order is
free), the likely mistakes get their own hint, and the form's example is no likely
answer."""

import pytest
import torch
import torch.nn.functional as F

import helpers
from helpers.exercises import EXERCISES
from helpers.exercises.forms import FormError, WholeNumbers


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


def test_the_columns_never_read_may_come_as_a_set_but_each_once():
    for right in ([3, 7, 11], (11, 3, 7), {3, 7, 11}, frozenset({3, 7, 11}),
                  set(range(12)) - {0, 1, 2, 4, 5, 6, 8, 9, 10}):
        assert helpers.check("ch2.never_read", right), right
    for wrong, hint in [([3, 7, 11, 11], "listed twice"), ([7, 3], "The gaps are right"),
                        ({11}, "The end is right"), ([3, 3], "List where the windows start")]:
        verdict = helpers.check("ch2.never_read", wrong)
        assert not verdict and hint in verdict.message, (wrong, verdict)


def test_a_set_is_read_in_order_only_where_the_count_is_free():
    free, four = WholeNumbers(None, "[0, 5]"), WholeNumbers(4, "(1, 1, 2, 2)")
    assert free.parse({11, 3, 7}) == (3, 7, 11) and free.parse(frozenset()) == ()
    with pytest.raises(FormError, match="keeps no order"):
        four.parse({1, 2, 3, 4})  # (left, right, top, bottom): a set would lose which is which
    with pytest.raises(FormError, match="is text"):
        free.parse({1, "2"})
    assert "keeps no order" in helpers.check("ch2.same_padding_even", {1, 2, 3}).message


def test_a_shape_without_padding_or_without_the_plus_one_is_told_both():
    verdict = helpers.check("ch2.dilated_shape", (12, 9))
    assert not verdict and "adds 2 cells in all" in verdict.message and "+ 1" in verdict.message
